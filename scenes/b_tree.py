"""B-trees: how a database finds one key in a billion with three or four page reads."""

import math

from manim import DOWN, LEFT, RIGHT, UP, Brace, FadeIn, FadeOut, Indicate, VGroup

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import BTree, BTreeState, Readout, TitleCard, label
from visualsys.primitives.page_icons import cost_bar, count_table, fan_out, slotted_page
from visualsys.primitives.pages import PageStore
from visualsys.primitives.tree_math import binary_levels, levels_for, route, spoken_count

TOPIC = Topic(
    slug="b-tree",
    title="B-Trees",
    length=150,
    category="Databases",
    summary="Why a B-tree finds one key in a billion with three or four page reads, and stays balanced.",
    tags=("b-tree", "database", "index", "disk", "page"),
)

PAGE_KB, KEY_BYTES, POINTER_BYTES = 8, 8, 8
FIT = PAGE_KB * 1024 // (KEY_BYTES + POINTER_BYTES)  # 512 key-pointer pairs in an 8 KB page
FANOUT = 500  # a round number under FIT: the page keeps a header and some slack
ROWS = 10**9
KEYS = [31, 82, 14, 36, 71, 55, 67, 90, 44, 69, 98, 86, 34, 73, 83, 81, 46, 75, 49, 10, 88, 15, 43, 42, 78,
        77]  # inserted in this order: a tree 3 levels tall
NAMES = "ann bob cy dee eve fay gus hal ivy jo kim lu".split()  # rows id 1-12, three to a page
PAGES = {p: {f"id {i + 1}": NAMES[i] for i in range(3 * p - 3, 3 * p)} for p in range(1, 5)}
READS = (3, 1, 4)  # pages a lookup reads, in order
FIND, ADD = 43, 11  # a key found in a leaf; a key whose insert splits every page up to the root


class BTreeTopic(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "One key in a billion, in a handful of page reads")
        with self.voiceover("B-trees: how a database finds one row among a billion "
                            '<bookmark mark="sub"/>with only three or four page reads.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("sub"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- pages ----------------------------------------------------------------------------------
        self.chapter("Disks read pages")
        store = PageStore(pages=PAGES, page_width=2.2, divider=False).shift(0.45 * DOWN)
        reads = Readout("page reads", 0).to_corner(UP + RIGHT, buff=0.8)
        size = label(f"real pages: {PAGE_KB} KB, hundreds of rows", theme.LABEL, theme.YELLOW)
        size.next_to(store.disk_card(1), DOWN, buff=0.35).set_x(store.get_x())
        with self.voiceover("A database stores its tables on disk in fixed-size pages, "
                            '<bookmark mark="page"/>and reads a whole page at a time, never a single row. '
                            f'<bookmark mark="size"/>Pages are typically 4 to 16 kilobytes: Postgres uses '
                            f"{PAGE_KB}, InnoDB 16.") as beat:
            self.play(FadeIn(store), run_time=beat.time_until_bookmark("page"))
            self.play(store.load(READS[0]), FadeIn(reads), reads.set(1),
                      run_time=beat.time_until_bookmark("size"))
            self.play(FadeIn(size, shift=0.2 * UP), run_time=beat.get_remaining_duration())
        with self.voiceover("Every page read is a trip to storage, far slower than working in memory. "
                            '<bookmark mark="cost"/>So a lookup costs the number of pages it reads, '
                            '<bookmark mark="small"/>and the whole game is to make that number small.'
                            ) as beat:
            self.play(Indicate(store.memory_card(READS[0]), color=theme.YELLOW),
                      run_time=beat.time_until_bookmark("cost"))
            step = beat.time_until_bookmark("small") / (len(READS) - 1)
            for n, pid in enumerate(READS[1:], start=2):
                self.play(store.load(pid), reads.set(n), run_time=step)
            self.play(Indicate(reads.value, color=theme.YELLOW, scale_factor=1.5),
                      run_time=beat.get_remaining_duration())
        self.play(FadeOut(VGroup(store, size, reads)))

        # -- fan-out ---------------------------------------------------------------------------------
        self.chapter("Fan-out")
        box, node = slotted_page(["key", "ptr", "key", "ptr", "…", "key", "ptr"]).to_edge(UP, buff=0.7)
        fit = label(f"{PAGE_KB} KB / ({KEY_BYTES} + {POINTER_BYTES}) bytes = {FIT}", theme.LABEL, theme.TEXT,
                    mono=True).next_to(VGroup(box, node), DOWN, buff=0.6)
        kids = fan_out(box, 9)
        fanout = label(f"fan-out ≈ {FANOUT}", theme.BODY, theme.BLUE).next_to(kids, RIGHT, buff=0.4)
        with self.voiceover("So fill each page with keys. With 8-byte keys and 8-byte pointers, "
                            f'<bookmark mark="fit"/>one {PAGE_KB}-kilobyte page holds {FIT} pairs; '
                            f'<bookmark mark="call"/>call it {FANOUT}, after the page\'s own bookkeeping. '
                            '<bookmark mark="fan"/>Each pointer leads down to another page: '
                            f"a fan-out of {FANOUT}.") as beat:
            self.play(FadeIn(box), FadeIn(node), run_time=beat.time_until_bookmark("fit"))
            self.play(FadeIn(fit, shift=0.2 * LEFT), run_time=beat.time_until_bookmark("call"))
            self.play(FadeOut(fit), run_time=beat.time_until_bookmark("fan"))
            self.play(FadeIn(kids, lag_ratio=0.1), FadeIn(fanout), run_time=beat.get_remaining_duration())

        reach = [FANOUT**h for h in range(1, levels_for(ROWS, FANOUT) + 1)]
        rows = count_table([(f"{h} level{'s' if h > 1 else ''}", f"{n:,}")
                            for h, n in enumerate(reach, start=1)])
        short = label("< 1 billion", theme.LABEL, theme.RED).next_to(rows[-2][1], RIGHT, buff=0.5)
        enough = label("≥ 1 billion", theme.LABEL, theme.GREEN).next_to(rows[-1][1], RIGHT, buff=0.5)
        VGroup(rows, short, enough).next_to(kids, DOWN, buff=0.6).set_x(-1.2)
        with self.voiceover("Levels multiply. "
                            f'<bookmark mark="l1"/>One page reaches {spoken_count(reach[0])} keys, '
                            f'<bookmark mark="l2"/>two levels {spoken_count(reach[1])}, '
                            f'<bookmark mark="l3"/>three, {spoken_count(reach[2])}: '
                            '<bookmark mark="short"/>still short of a billion. '
                            f'<bookmark mark="l4"/>Four reach {spoken_count(reach[3])}. '
                            f'<bookmark mark="log"/>Log base {FANOUT} of a billion is '
                            f"{math.log(ROWS, FANOUT):.1f}: round up, {len(reach)} levels.") as beat:
            self.wait_until_bookmark("l1")
            for i, until in enumerate(["l2", "l3", "short"]):
                self.play(FadeIn(rows[i], shift=0.2 * UP), run_time=beat.time_until_bookmark(until))
            self.play(FadeIn(short), run_time=beat.time_until_bookmark("l4"))
            self.play(FadeIn(rows[-1], shift=0.2 * UP), run_time=beat.time_until_bookmark("log"))
            self.play(FadeIn(enough), Indicate(rows[-1][1], color=theme.GREEN),
                      run_time=beat.get_remaining_duration())
        top_pages = sum(FANOUT**h for h in range(2))
        top_mb = top_pages * PAGE_KB / 1024
        brace = Brace(rows[:2], RIGHT, color=theme.BLUE).set_x(short.get_left()[0] + 0.15)
        cached = label(f"{top_pages} pages ≈ {top_mb:.0f} MB", theme.LABEL, theme.BLUE)
        cached.next_to(brace, RIGHT, buff=0.2)
        with self.voiceover('And the top is tiny: <bookmark mark="top"/>the first two levels are '
                            f"{top_pages} pages, about {top_mb:.0f} megabytes: small enough to stay cached "
                            "in memory. "
                            '<bookmark mark="disk"/>Often only the last one or two reads touch the disk.'
                            ) as beat:
            self.play(Indicate(rows[0][1], color=theme.BLUE), run_time=beat.time_until_bookmark("top"))
            self.play(FadeIn(brace), FadeIn(cached), run_time=beat.time_until_bookmark("disk"))
            self.play(Indicate(VGroup(rows[2][0], rows[3][0]), color=theme.YELLOW),
                      run_time=beat.get_remaining_duration())

        # -- a search ---------------------------------------------------------------------------------
        self.chapter("A search")
        self.play(FadeOut(VGroup(box, node, kids, fanout, rows, short, enough, brace, cached)))
        tree = BTree(BTreeState.from_keys(KEYS, order=4), width=9.7, height=4.8).scale(1.3)
        tree.move_to(0.2 * DOWN)
        st = self.tree = tree.state  # kept for tests: the facts the narration quotes
        with self.voiceover("Here is a small B-tree. Real pages hold hundreds of keys; "
                            f'<bookmark mark="few"/>these hold at most {st.max_keys}, '
                            "so you can read them.") as beat:
            self.play(FadeIn(tree), run_time=beat.time_until_bookmark("few"))
            self.play(tree.highlight([st.root.id]), run_time=beat.get_remaining_duration())
        snap, found = st.snapshot(), st.search(FIND)
        steps = [route(snap.keys(n), FIND) for n in found.path]
        marks = [f"r{i}" for i in range(found.reads)]
        said = " ".join(f'<bookmark mark="{m}"/>Page {i + 1}: {s}.'
                        for i, (m, s) in enumerate(zip(marks, steps, strict=True)))
        with self.voiceover(f"Find {FIND}, starting at the root. {said} "
                            f'<bookmark mark="done"/>{found.reads} page reads.') as beat:
            self.play(tree.search(FIND), **beat.on_words([*marks, "done"]))

        # -- insert and split ---------------------------------------------------------------------------
        self.chapter("Insert and split")
        before = st.height
        trial = BTreeState.from_keys(KEYS, order=4).insert(ADD)  # what the insert below will do
        medians = [s.median for s in trial.splits]
        insert = tree.insert(ADD)
        with self.voiceover(f"Now insert {ADD}. "
                            '<bookmark mark="path"/>It goes where a search for it would end: '
                            f'<bookmark mark="leaf"/>a leaf already holding {st.max_keys} keys. '
                            f'<bookmark mark="over"/>With {ADD} it has one too many, '
                            f'<bookmark mark="s0"/>so it splits in two, and a middle key, {medians[0]}, '
                            'moves up. <bookmark mark="s1"/>That overfills the parent, which splits and '
                            f'sends {medians[1]} up; <bookmark mark="s2"/>and the root splits too, '
                            f"pushing {medians[2]} into a brand-new root.") as beat:
            self.play(insert, **beat.on_words(["path", None, "leaf", "over", "s0", "s1", "s2", "end"]))
        with self.voiceover(f"The tree grew from {before} levels to {st.height}, at the top. "
                            '<bookmark mark="leaves"/>So every leaf stays the same distance from the root, '
                            "and every search costs the same number of reads.") as beat:
            self.play(tree.highlight([st.root.id]), run_time=beat.time_until_bookmark("leaves"))
            self.play(tree.highlight(st.snapshot().levels()[-1], color=theme.GREEN),
                      run_time=beat.get_remaining_duration())

        # -- against a binary tree -------------------------------------------------------------------------
        self.chapter("Versus a binary tree")
        self.play(FadeOut(tree))
        binary = cost_bar("binary tree", binary_levels(ROWS), theme.ORANGE)
        btree = cost_bar("B-tree", levels_for(ROWS, FANOUT), theme.GREEN)
        VGroup(binary, btree).arrange(DOWN, aligned_edge=LEFT, buff=0.9).center()
        with self.voiceover("Compare a balanced binary tree, with two children a node. "
                            f'<bookmark mark="bin"/>A billion keys make it {binary_levels(ROWS)} levels '
                            "deep, "
                            "and each level can be another page read. "
                            f'<bookmark mark="b"/>The B-tree: {levels_for(ROWS, FANOUT)}.') as beat:
            self.play(FadeIn(binary[0]), run_time=beat.time_until_bookmark("bin"))
            self.play(FadeIn(binary[1], lag_ratio=0.3), run_time=beat.time_until_bookmark("b"))
            self.play(FadeIn(btree[0]), FadeIn(btree[1], lag_ratio=0.3),
                      run_time=beat.get_remaining_duration())

        # -- takeaway ----------------------------------------------------------------------------------------
        self.chapter("Takeaway")
        lines = VGroup(label("wide pages → short trees → few reads", theme.HEADING, theme.TEXT),
                       label("databases use the B+ tree: every key in the leaves", theme.LABEL, theme.MUTED))
        lines.arrange(DOWN, buff=0.4)
        with self.voiceover("Wide pages make short trees, and short trees make few reads. "
                            '<bookmark mark="plus"/>Databases use a variant, the B+ tree, with every key in '
                            "the leaves, but the arithmetic is the same.") as beat:
            self.play(FadeOut(VGroup(binary, btree)), FadeIn(lines[0], shift=0.2 * UP),
                      run_time=beat.time_until_bookmark("plus"))
            self.play(FadeIn(lines[1]), run_time=beat.get_remaining_duration())
