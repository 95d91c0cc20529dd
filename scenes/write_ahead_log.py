"""Write-ahead logging: log the change and fsync it before saying yes; the pages catch up later."""

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Circumscribe, FadeIn, FadeOut, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Callout, Log, LogState, TitleCard, label
from visualsys.primitives.cluster import Message
from visualsys.primitives.pages import PageStore, PageStoreState

TOPIC = Topic(
    slug="write-ahead-log",
    title="Write-Ahead Logging",
    length=85,
    category="Databases",
    summary="Why a database appends every change to a log and fsyncs it before acknowledging a commit.",
    tags=("WAL", "durability", "fsync", "crash recovery", "checkpoint"),
    lexicon={"fsynced": "eff-sinked", "LSN": "L S N"},
)

PAGES = {1: {"alice": 100, "frank": 40}, 2: {"bob": 100, "erin": 20}, 3: {"carol": 20, "dave": 80}}
AMOUNT = 30  # alice pays bob
SCALE = 1.25 # the pages drawn larger than the log: they are the picture's subject
FLASH = 0.8  # seconds a highlighted log record flashes
APPEND = 0.5  # seconds: an append is quick (and the end slot's offset never lingers over the new one)
DAVE = 0  # what the second transaction, never committed, sets dave to


def history() -> tuple[LogState, PageStoreState]:
    """Where the story starts: carol's earlier update, committed and checkpointed (pages on disk hold it)."""
    wal, pages = LogState(needs_fsync=True), PageStoreState(PAGES)
    pages.write("carol", 50, lsn=wal.append("carol", 50).offset)
    wal.append(None, "COMMIT")
    wal.fsync()
    pages.flush(durable_lsn=wal.synced_index)
    wal.append(None, "CKPT")  # the last checkpoint: redo starts here
    wal.fsync()
    pages.crash()  # nothing cached: the story starts with a cold memory
    return wal, pages


class WriteAheadLog(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Durable commits without writing the data pages first")
        with self.voiceover('Write-ahead logging: <bookmark mark="sub"/>how a commit survives a crash '
                            "before its data pages reach disk.") as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- pages, memory, disk ----------------------------------------------------------------
        self.chapter("Pages")
        wal, st = history()
        ckpt = wal.records[-1].offset
        self.wal, self.pages_state = wal, st  # kept for tests: the facts the narration quotes
        pages = PageStore(st, page_width=2.0, gap=1.0).scale(SCALE)
        log = Log(wal, name="WAL", cell_width=1.1, window=7, consumer_rows=0, width=12.2)
        pages.to_corner(UP + LEFT, buff=0.6).shift(0.5 * RIGHT)
        log.next_to(pages, DOWN, buff=0.5)
        log.shift((pages.disk_card(1).get_left() - log.cell(0).get_left())[0] * RIGHT)  # cells under pages
        client = Callout("client", color=theme.MUTED).to_corner(DOWN + RIGHT, buff=0.7)  # clear of pages
        lift = (log.get_bottom() - pages.get_bottom())[1] / 2  # the pages sit centred until the log comes
        pages.shift(lift * UP)
        alice, bob = st.value("alice"), st.value("bob")
        with self.voiceover("A database keeps its tables in pages on disk "
                            '<bookmark mark="mem"/>and works on copies in memory. '
                            f'<bookmark mark="tx"/>A client moves {AMOUNT} from alice to bob: '
                            "two rows, on two pages.") as beat:
            self.play(FadeIn(pages), run_time=beat.time_until_bookmark("mem"))
            self.play(*(pages.load(p) for p in st.page_ids), run_time=beat.time_until_bookmark("tx"))
            self.play(FadeIn(client), *(Circumscribe(pages.memory_card(p), color=theme.BLUE) for p in (1, 2)),
                      run_time=beat.get_remaining_duration())
        with self.voiceover("Writing both pages before answering costs two random writes, "
                            '<bookmark mark="half"/>and a crash between them leaves half a '
                            "transfer.") as beat:
            self.play(Message(f"alice={alice - AMOUNT}").travel(pages.memory_card(1), pages.disk_card(1)),
                      run_time=beat.time_until_bookmark("half"))
            self.play(Message(f"bob={bob + AMOUNT}").travel(pages.memory_card(2), pages.disk_card(2),
                                                            lost=True),
                      run_time=beat.get_remaining_duration())

        # -- the log first ----------------------------------------------------------------------------
        self.chapter("Log first")
        with self.voiceover('Instead, each change is first appended to the log: <bookmark mark="a"/>alice '
                            f'is now {alice - AMOUNT}, <bookmark mark="b"/>bob {bob + AMOUNT}. '
                            '<bookmark mark="pg"/>Then the pages in memory change, and are dirty.') as beat:
            self.play(pages.animate.shift(lift * DOWN), FadeIn(log), run_time=1)
            self.play(Message(f"move {AMOUNT}").travel(client, log.end_mobject()),
                      run_time=beat.time_until_bookmark("a"))
            a = log.state.next_offset
            self.play(log.append("alice", alice - AMOUNT), run_time=APPEND)
            self.wait_until_bookmark("b")
            self.play(log.append("bob", bob + AMOUNT), run_time=APPEND)
            self.wait_until_bookmark("pg")
            self.play(pages.write("alice", alice - AMOUNT, lsn=a),
                      pages.write("bob", bob + AMOUNT, lsn=a + 1), run_time=beat.get_remaining_duration())
        with self.voiceover('Then a commit record, <bookmark mark="fsync"/>and one fsync makes the log '
                            'durable. <bookmark mark="ack"/>Only then does the client hear: committed. '
                            '<bookmark mark="lazy"/>The pages are written later.') as beat:
            self.play(log.append(None, "COMMIT"), run_time=APPEND)
            self.wait_until_bookmark("fsync")
            commit = log.state.records[-1].offset
            self.play(log.fsync(), run_time=beat.time_until_bookmark("ack"))
            self.acked = (commit, log.state.synced_index)  # for tests: durable up to here at the ack
            self.play(Message("committed", theme.GREEN).travel(log.cell(commit), client),
                      run_time=beat.time_until_bookmark("lazy"))
            self.play(*(Circumscribe(pages.memory_card(p), color=theme.YELLOW) for p in (1, 2)),
                      run_time=beat.get_remaining_duration())
        seq = label("sequential: appends at the end", theme.SMALL, theme.GREEN).next_to(log, DOWN, buff=0.3)
        rnd = label("random writes,\none per page", theme.SMALL, theme.RED)
        rnd.next_to(pages.disk_card(3), RIGHT, buff=0.3)
        with self.voiceover('Appending is sequential: one fsync per commit, '
                            '<bookmark mark="rnd"/>not a random write for every page changed.') as beat:
            self.play(FadeIn(seq, shift=0.2 * UP), run_time=beat.time_until_bookmark("rnd"))
            self.play(FadeIn(rnd), *(Circumscribe(pages.disk_card(p), color=theme.RED) for p in (1, 2)),
                      run_time=beat.get_remaining_duration())

        # -- crash ------------------------------------------------------------------------------------------
        self.chapter("Crash")
        dave = st.value("dave")
        power = Callout("power fails", color=theme.RED, size=theme.SMALL)
        power.next_to(pages.memory_card(3), RIGHT, buff=0.3)
        with self.voiceover(f"Another transaction logs dave is now {DAVE}, "
                            '<bookmark mark="crash"/>and the power fails. <bookmark mark="gone"/>Memory is '
                            'gone, dirty pages and all, <bookmark mark="tail"/>plus the log record never '
                            "fsynced. That transaction never committed.") as beat:
            self.play(FadeOut(seq), FadeOut(rnd), run_time=0.5)
            self.play(log.append("dave", DAVE), run_time=APPEND)
            self.play(pages.write("dave", DAVE, lsn=log.state.records[-1].offset),
                      run_time=beat.time_until_bookmark("crash"))
            self.play(FadeIn(power), run_time=beat.time_until_bookmark("gone"))
            self.play(pages.crash(), run_time=beat.time_until_bookmark("tail"))
            self.play(log.crash(), FadeOut(power), run_time=beat.get_remaining_duration())

        # -- recovery --------------------------------------------------------------------------------------
        self.chapter("Recovery")
        start = label(f"redo from LSN {ckpt}", theme.SMALL, theme.BLUE)
        start.next_to(log.cell(ckpt), DOWN, buff=0.5)
        pointer = Arrow(start.get_top(), log.cell(ckpt).get_bottom(), buff=0.08, color=theme.BLUE,
                        stroke_width=theme.STROKE_THIN, max_tip_length_to_length_ratio=0.3)
        replay = log.state.replay(ckpt)
        a, b = [r for r in replay if r.key is not None]
        with self.voiceover('On restart, redo begins at the last checkpoint, <bookmark mark="older"/>since '
                            f'older changes are on disk. <bookmark mark="a"/>In order: {a.key} is {a.value} '
                            f'again, <bookmark mark="b"/>{b.key} {b.value}. <bookmark mark="whole"/>The '
                            f"acknowledged transfer is back, and dave keeps his {dave}.") as beat:
            self.play(FadeIn(start), FadeIn(pointer), log.highlight(ckpt, theme.BLUE), run_time=FLASH)
            self.wait_until_bookmark("older")
            self.play(*(Circumscribe(pages.disk_card(p), color=theme.BLUE) for p in st.page_ids),
                      run_time=beat.time_until_bookmark("a"))
            self.play(log.highlight(a.offset, theme.BLUE), run_time=FLASH)  # the record, then its page
            self.play(pages.redo(a.key, a.value, a.offset), run_time=beat.time_until_bookmark("b"))
            self.play(log.highlight(b.offset, theme.BLUE), run_time=FLASH)
            self.play(pages.redo(b.key, b.value, b.offset), run_time=beat.time_until_bookmark("whole"))
            self.play(log.highlight(replay[-1].offset, theme.GREEN), run_time=FLASH)
            self.play(Circumscribe(pages.disk_card(3)), run_time=beat.get_remaining_duration())

        # -- checkpoint --------------------------------------------------------------------------------------
        self.chapter("Checkpoints")
        with self.voiceover("Without checkpoints, the log and recovery would grow forever. "
                            '<bookmark mark="flush"/>A checkpoint writes the dirty pages to disk, '
                            '<bookmark mark="rec"/>logs a checkpoint record, '
                            '<bookmark mark="trunc"/>and the log before it can go.') as beat:
            self.play(FadeOut(start), FadeOut(pointer), run_time=beat.time_until_bookmark("flush"))
            self.play(pages.flush(durable_lsn=log.state.synced_index),
                      run_time=beat.time_until_bookmark("rec"))
            self.play(log.append(None, "CKPT"), run_time=APPEND)
            self.play(log.fsync(), run_time=beat.time_until_bookmark("trunc"))
            self.play(log.truncate(log.state.records[-1].offset), run_time=beat.get_remaining_duration())

        # -- takeaway --------------------------------------------------------------------------------------
        self.chapter("Takeaway")
        self.play(FadeOut(pages), FadeOut(log), FadeOut(client))
        lines = VGroup(label("Log the change and fsync it before you say yes.", theme.HEADING, theme.TEXT),
                       label("The pages catch up later; after a crash, the log rebuilds them.",
                             theme.BODY, theme.BLUE)).arrange(DOWN, buff=0.45)
        with self.voiceover('Write-ahead logging, in short: <bookmark mark="l1"/>log the change and fsync it '
                            'before you say yes. <bookmark mark="l2"/>The data pages can catch up later, '
                            "because after a crash, the log rebuilds them.") as beat:
            self.wait_until_bookmark("l1")
            self.play(FadeIn(lines[0], shift=0.2 * RIGHT), run_time=beat.time_until_bookmark("l2"))
            self.play(FadeIn(lines[1], shift=0.2 * RIGHT), run_time=beat.get_remaining_duration())
