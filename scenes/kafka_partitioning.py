"""Kafka partitioning: keys hash to partitions, order holds per partition, a group splits them by offset."""

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, VGroup, Write

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Callout, Message, TitleCard, label, log_stack
from visualsys.primitives.kafka import SIGN_MASK, murmur2, partition_for, range_assign

TOPIC = Topic(
    slug="kafka-partitioning",
    title="Kafka Topic Partitioning",
    length=100,
    category="Distributed Systems",
    summary="How Kafka spreads a topic over partitions by key, what order it keeps, "
            "and how consumers share them.",
    tags=("Kafka", "partitioning", "ordering", "consumer groups", "streaming"),
    lexicon={"murmur2": "murmur two"},
)

PARTITIONS = ["P0", "P1", "P2"]
#: The stream, in the order the producer sends it: (key, event).
EVENTS = [("ana", "cart"), ("bob", "cart"), ("ana", "pay"), ("eve", "cart"), ("bob", "pay"),
          ("ana", "ship"), ("eve", "pay"), ("bob", "ship")]
#: One colour per consumer, on every partition it reads and in the group panel.
CONSUMER_COLORS = {"C1": theme.TEAL, "C2": theme.PINK, "C3": theme.YELLOW, "C4": theme.PURPLE}


def group_panel(assignment: dict[str, list[str]]) -> VGroup:
    """The consumer group as a list: each consumer and the partitions it owns (or ``idle``)."""
    rows = [VGroup(label(c, theme.LABEL, CONSUMER_COLORS[c], weight="BOLD"),
                   label(" ".join(ps) if ps else "idle", theme.LABEL, theme.TEXT if ps else theme.RED))
            .arrange(RIGHT, buff=0.25) for c, ps in assignment.items()]
    title = label("group", theme.LABEL, theme.MUTED)
    return VGroup(title, *rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25)


class KafkaPartitioning(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Parallel by key, ordered per partition")
        with self.voiceover("Kafka partitions: how one topic is split across machines, "
                            '<bookmark mark="cost"/>and what that does to ordering.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("cost"))
            self.play(FadeIn(card.subtitle), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- partitions ------------------------------------------------------------------------------
        self.chapter("Partitions")
        logs = log_stack(PARTITIONS, width=6.8, window=4, cell_width=0.9, buff=0.3,
                         consumer_colors=dict(CONSUMER_COLORS)).move_to(0.55 * RIGHT + 0.4 * DOWN)
        part = dict(zip(PARTITIONS, logs, strict=True))
        self.partitions = {p: log.state for p, log in part.items()}  # kept for tests: what the viewer saw
        topic = label("topic: orders", theme.LABEL, theme.MUTED)
        topic.next_to(logs, UP, buff=0.3, aligned_edge=LEFT)
        producer = Callout("producer", color=theme.MUTED).to_edge(LEFT, buff=0.75)
        with self.voiceover("A Kafka topic is really several logs. "
                            f'<bookmark mark="p"/>This one, orders, has {len(PARTITIONS)} partitions: '
                            '<bookmark mark="log"/>append-only logs, numbered by offset, '
                            "that can live on different brokers.") as beat:
            self.play(FadeIn(topic), run_time=beat.time_until_bookmark("p"))
            self.play(FadeIn(logs, lag_ratio=0.3), run_time=beat.time_until_bookmark("log"))
            self.play(*(Indicate(p.end_mobject(), color=theme.BLUE) for p in logs),
                      run_time=beat.get_remaining_duration())

        # -- keys pick the partition -----------------------------------------------------------------
        self.chapter("Keys")
        rule = label(f"partition = (murmur2(key) & 0x7fffffff) % {len(PARTITIONS)}", theme.LABEL, theme.TEXT,
                     mono=True).to_edge(UP, buff=0.45)
        key = EVENTS[0][0]
        p = partition_for(key, len(PARTITIONS))
        worked = label(f'"{key}" → {murmur2(key.encode()) & SIGN_MASK} % {len(PARTITIONS)} = {p}',
                       theme.LABEL, theme.BLUE, mono=True).next_to(rule, DOWN, buff=0.2)
        with self.voiceover("The producer picks a partition from the record's key: "
                            '<bookmark mark="hash"/>murmur2 of the key\'s bytes, sign bit cleared, '
                            f'modulo {len(PARTITIONS)}. '
                            f'<bookmark mark="ana"/>For {key}, that is partition {p}.'
                            ) as beat:
            self.play(FadeOut(topic), FadeIn(producer), run_time=beat.time_until_bookmark("hash"))
            self.play(Write(rule), run_time=beat.time_until_bookmark("ana"))
            self.play(FadeIn(worked, shift=0.1 * DOWN), run_time=beat.get_remaining_duration())
        self.offsets: dict[tuple[str, str], tuple[str, int]] = {}  # (key, event) -> (partition, offset)

        def produce(key: str, event: str, run_time: float) -> None:
            log = logs[partition_for(key, len(PARTITIONS))]
            self.offsets[key, event] = (log.title, log.state.next_offset)
            tag = Message(f"{key} {event}")  # flies into the partition, then lands at its end
            inbox = log.get_left() + (tag.box.width / 2 + 0.1) * LEFT
            self.play(tag.travel(producer, inbox), run_time=0.55 * run_time)
            self.play(log.append(key, event), run_time=0.45 * run_time)

        (k1, e1), (k2, e2), (k3, e3) = EVENTS[:3]
        where = {k: PARTITIONS[partition_for(k, len(PARTITIONS))] for k in (k1, k2, k3)}
        with self.voiceover(f'So {k1}\'s {e1} lands in {where[k1]}, <bookmark mark="b"/>{k2}\'s {e2} in '
                            f'{where[k2]}, <bookmark mark="c"/>and {k3}\'s {e3} follows into {where[k3]}.'
                            ) as beat:
            produce(k1, e1, beat.time_until_bookmark("b"))
            produce(k2, e2, beat.time_until_bookmark("c"))
            produce(k3, e3, beat.get_remaining_duration())
        rest = EVENTS[3:]
        with self.voiceover("The rest follow the same rule: same key, same partition, in send order."
                            ) as beat:
            for i, (key, event) in enumerate(rest):
                produce(key, event, beat.get_remaining_duration() / (len(rest) - i))

        # -- ordering --------------------------------------------------------------------------------
        self.chapter("Ordering")
        ana = [(e, *self.offsets[k, e]) for k, e in EVENTS if k == "ana"]
        (pa, oa), (pb, ob) = self.offsets["ana", "pay"], self.offsets["bob", "pay"]
        with self.voiceover("That is why one key's events stay in order: ana's "
                            f"{', '.join(e for e, _, _ in ana[:-1])} and {ana[-1][0]} sit at offsets "
                            f"{', '.join(str(o) for _, _, o in ana[:-1])} and {ana[-1][2]} of {ana[0][1]}."
                            ) as beat:
            self.play(FadeOut(rule), FadeOut(worked), run_time=0.5)
            self.play(*(part[p].highlight(o, theme.YELLOW) for _, p, o in ana),
                      run_time=beat.get_remaining_duration())
        note = Callout("no order between\npartitions", color=theme.RED).to_edge(RIGHT, buff=0.75)
        with self.voiceover("Across partitions, there is no order. "
                            '<bookmark mark="pay"/>Bob paid after ana, but a consumer of '
                            f"{pb} may handle his payment before anyone reads hers.") as beat:
            self.play(FadeIn(note), run_time=beat.time_until_bookmark("pay"))
            self.play(part[pa].highlight(oa, theme.RED), part[pb].highlight(ob, theme.RED),
                      run_time=beat.get_remaining_duration())
        self.play(FadeOut(note), FadeOut(producer))

        # -- consumers ---------------------------------------------------------------------------------
        self.chapter("Consumer groups")
        members = ["C1", "C2"]
        owners = range_assign(PARTITIONS, members)
        panel = group_panel(owners).to_edge(RIGHT, buff=0.8)
        says = ", ".join(f"{c} takes {' and '.join(ps)}" for c, ps in owners.items())
        with self.voiceover("Consumers share a topic as a group, "
                            f'<bookmark mark="own"/>and each partition has exactly one owner: {says}.'
                            ) as beat:
            self.play(FadeIn(panel[0]), run_time=beat.time_until_bookmark("own"))
            self.play(FadeIn(panel[1:]),
                      *(part[p].add_consumer(c, 0) for c, ps in owners.items() for p in ps),
                      run_time=beat.get_remaining_duration())
        with self.voiceover("A consumer's position is just an offset: "
                            '<bookmark mark="read"/>it reads forward, and commits the offset, '
                            "so it can resume there after a restart.") as beat:
            self.play(*(Indicate(part[p].consumer_mobject(c), color=CONSUMER_COLORS[c])
                        for c, ps in owners.items() for p in ps), run_time=beat.time_until_bookmark("read"))
            self.play(*(part[p].advance(c, part[p].state.next_offset - 1) for c, ps in owners.items()
                        for p in ps), run_time=beat.get_remaining_duration())

        # -- scaling out -------------------------------------------------------------------------------
        self.chapter("Scaling out")
        members.append("C3")
        new = range_assign(PARTITIONS, members)
        # partitions that change hands: the new owner starts at the offset the old one committed
        moves = [(p, old, c, part[p].state.consumers[old]) for c, ps in new.items() for p in ps
                 for old, qs in owners.items() if p in qs and old != c]
        panel2 = group_panel(new).move_to(panel, aligned_edge=UP + LEFT)
        with self.voiceover("Add a third consumer and the group rebalances: "
                            '<bookmark mark="move"/>one partition each, '
                            "and a new owner resumes at the last committed offset.") as beat:
            self.play(FadeOut(panel), run_time=0.4)
            self.play(FadeIn(panel2), run_time=beat.time_until_bookmark("move"))
            self.play(*(part[p].remove_consumer(old) for p, old, _, _ in moves), run_time=0.6)
            self.play(*(part[p].add_consumer(c, at) for p, _, c, at in moves),
                      run_time=beat.get_remaining_duration())
        members.append("C4")
        owners = range_assign(PARTITIONS, members)
        idle = [c for c, ps in owners.items() if not ps]
        panel3 = group_panel(owners).move_to(panel2, aligned_edge=UP + LEFT)
        with self.voiceover(f"A fourth gets nothing: with {len(PARTITIONS)} partitions, "
                            f'<bookmark mark="idle"/>{idle[0]} sits idle. '
                            "The partition count caps a group's parallelism.") as beat:
            self.play(FadeOut(panel2), run_time=0.4)
            self.play(FadeIn(panel3), run_time=beat.time_until_bookmark("idle"))
            self.play(Indicate(panel3[-1], color=theme.RED), run_time=beat.get_remaining_duration())

        # -- takeaway ------------------------------------------------------------------------------------
        self.chapter("Takeaway")
        lines = VGroup(label("The key picks the partition.", theme.HEADING, theme.TEXT),
                       label("Order holds within a partition only.", theme.HEADING, theme.TEXT),
                       label("Partitions cap a group's parallelism.", theme.HEADING, theme.TEXT),
                       label("Add partitions later, and keys move.", theme.BODY, theme.RED))
        lines.arrange(DOWN, buff=0.35)
        with self.voiceover("So: the key picks the partition, order holds only inside one, "
                            '<bookmark mark="cap"/>and the partition count caps parallelism. '
                            '<bookmark mark="move"/>Choose it with care: adding partitions changes the '
                            "modulo, and keys move.") as beat:
            self.play(FadeOut(logs), FadeOut(panel3), run_time=0.5)
            self.play(FadeIn(lines[:2], lag_ratio=0.5), run_time=beat.time_until_bookmark("cap"))
            self.play(FadeIn(lines[2]), run_time=beat.time_until_bookmark("move"))
            self.play(FadeIn(lines[3]), run_time=beat.get_remaining_duration())
