"""Consistent hashing: why a hash ring moves so few keys when servers come and go."""

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Indicate, VGroup, Write

from visualsys import ExplainerScene, Topic, theme
from visualsys.primitives import Callout, Readout, TitleCard, label
from visualsys.primitives.hash_ring import HashRing, KeyGrid, RingState, ring_hash

TOPIC = Topic(
    slug="consistent-hashing",
    title="Consistent Hashing",
    length=95,
    category="Distributed Systems",
    summary="How a hash ring keeps data in place when servers join or leave.",
    tags=("sharding", "load balancing", "hash ring"),
)

VNODES = 100
KEYS = ["alice", "bob", "carol", "dave", "erin", "frank", "heidi", "judy", "oscar", "walter", "cat", "user:7"]


def modulo(keys: list[str], n: int) -> dict[str, str]:
    """Assign each key to server ``hash % n`` (the naive scheme)."""
    return {k: f"S{ring_hash(k) % n}" for k in keys}


def moved_fraction(n: int, sample: int = 10_000) -> float:
    """Fraction of keys that change server when ``hash % n`` becomes ``hash % (n + 1)``."""
    keys = (f"key{i}" for i in range(sample))
    return sum(ring_hash(k) % n != ring_hash(k) % (n + 1) for k in keys) / sample


class ConsistentHashing(ExplainerScene):
    def construct(self):
        card = TitleCard(TOPIC.title, "Adding a server without reshuffling everything")
        with self.voiceover("Consistent hashing: how a cluster adds or loses a server "
                            '<bookmark mark="without"/>without moving all of its data.') as beat:
            self.play(FadeIn(card[:2], shift=0.2 * UP), run_time=beat.time_until_bookmark("without"))
            self.play(FadeIn(card.subtitle, shift=0.2 * UP), run_time=beat.get_remaining_duration())
        self.play(FadeOut(card))

        # -- the problem: hash mod N -------------------------------------------------
        self.chapter("Hash mod N")
        grid = KeyGrid(KEYS, columns=4).shift(0.3 * DOWN)
        rule = label("server = hash(key) % 4", theme.HEADING, theme.TEXT, mono=True).to_edge(UP, buff=0.6)
        four, five = modulo(KEYS, 4), modulo(KEYS, 5)
        moved = [k for k in KEYS if four[k] != five[k]]
        count = Readout("keys moved", f"0 of {len(KEYS)}", color=theme.RED).to_edge(DOWN, buff=0.6)
        with self.voiceover("The simple way to spread keys over four servers is to hash each key "
                            '<bookmark mark="mod"/>and take the remainder modulo four.') as beat:
            self.play(FadeIn(grid), run_time=beat.time_until_bookmark("mod"))
            self.play(Write(rule), grid.assign(four), run_time=beat.get_remaining_duration())
        five_rule = label("server = hash(key) % 5", theme.HEADING, theme.TEXT, mono=True).move_to(rule)
        with self.voiceover("Now add a fifth server. The divisor changes, "
                            f'<bookmark mark="move"/>and {len(moved)} of these {len(KEYS)} keys '
                            "suddenly belong somewhere else.") as beat:
            self.play(rule.animate.become(five_rule), run_time=beat.time_until_bookmark("move"))
            self.play(grid.assign(five), FadeIn(count), count.set(f"{len(moved)} of {len(KEYS)}"),
                      run_time=beat.get_remaining_duration())
        stat = label(f"{moved_fraction(4):.0%} of 10,000 keys move", theme.HEADING, theme.RED)
        costs = [label(t, theme.BODY, theme.MUTED)
                 for t in ("cache: a storm of misses", "database: a mass migration")]
        panel = VGroup(stat, *costs).arrange(DOWN, buff=0.35)
        with self.voiceover(f"Across ten thousand keys it is {moved_fraction(4):.0%}. "
                            '<bookmark mark="cache"/>For a cache, that is a storm of misses; '
                            '<bookmark mark="db"/>for a database, a mass migration.') as beat:
            self.play(FadeOut(grid), FadeOut(count), run_time=0.5)
            self.play(FadeIn(stat, scale=0.9), run_time=beat.time_until_bookmark("cache"))
            self.play(FadeIn(costs[0], shift=0.2 * UP), run_time=beat.time_until_bookmark("db"))
            self.play(FadeIn(costs[1], shift=0.2 * UP), run_time=beat.get_remaining_duration())
        self.play(FadeOut(panel), FadeOut(rule))

        # -- the ring ---------------------------------------------------------------------
        self.chapter("The ring")
        ring = HashRing(nodes=["A", "B", "C"], keys=KEYS, radius=2.3, show_load=True).center()
        with self.voiceover("Consistent hashing bends the hash space into a ring. "
                            '<bookmark mark="servers"/>Each server is hashed to a point on it, '
                            '<bookmark mark="keys"/>and so is every key.') as beat:
            self.play(ring.draw_ring(), run_time=beat.time_until_bookmark("servers"))
            self.play(ring.show_nodes(), run_time=beat.time_until_bookmark("keys"))
            self.play(ring.show_keys(), run_time=beat.get_remaining_duration())
        with self.voiceover("To find a key's server, start at the key and walk clockwise. "
                            '<bookmark mark="first"/>The first server you meet owns it.') as beat:
            self.play(ring.lookup("erin"), run_time=beat.time_until_bookmark("first"))
            self.play(ring.lookup("judy"), run_time=beat.get_remaining_duration())

        # -- a server joins ------------------------------------------------------------------
        self.chapter("Joining and leaving")
        state = RingState(vnodes=1)
        for n in ("A", "B", "C"):
            state.add_node(n)
        for k in KEYS:
            state.add_key(k)
        joins = state.add_node("D")
        moved_count = Readout("keys moved", f"{len(joins)} of {len(KEYS)}", color=theme.RED)
        moved_count.align_to(ring.load_panel, LEFT).to_edge(DOWN, buff=1.0)
        with self.voiceover("Now server D joins. It lands on the ring and takes over "
                            '<bookmark mark="arc"/>only the keys between it and the server before it: '
                            f'{len(joins)} keys. <bookmark mark="rest"/>Everything else stays put.') as beat:
            self.play(ring.add_node("D"), run_time=beat.time_until_bookmark("arc"))
            arc = ring.arc_of("D")
            self.play(FadeIn(arc), FadeIn(moved_count), run_time=beat.time_until_bookmark("rest"))
            self.play(FadeOut(arc), run_time=beat.get_remaining_duration())
        leaves = state.remove_node("A")
        with self.voiceover("When a server leaves, the same thing happens in reverse. "
                            f'<bookmark mark="slide"/>A\'s {len(leaves)} keys slide clockwise '
                            "to the next server, "
                            "and nobody else moves.") as beat:
            self.play(Indicate(ring.node_mobject("A"), color=theme.RED),
                      run_time=beat.time_until_bookmark("slide"))
            self.play(ring.remove_node("A"), moved_count.set(f"{len(leaves)} of {len(KEYS)}"),
                      run_time=beat.get_remaining_duration())

        # -- virtual nodes --------------------------------------------------------------------
        self.chapter("Virtual nodes")
        share = state.share()
        big, small = max(share, key=share.get), min(share, key=share.get)
        note = Callout("one point per server", ring.load_panel, direction=DOWN, buff=0.3)
        with self.voiceover("There is a catch. With one point per server the arcs are uneven: "
                            f'<bookmark mark="big"/>{big} owns {share[big]:.0%} of the ring, '
                            f'<bookmark mark="small"/>{small} only {share[small]:.0%}.') as beat:
            self.play(FadeOut(moved_count), run_time=0.5)
            self.play(FadeIn(note), run_time=beat.time_until_bookmark("big"))
            self.play(FadeIn(ring.arc_of(big)), run_time=beat.time_until_bookmark("small"))
            self.play(FadeIn(ring.arc_of(small)), run_time=beat.get_remaining_duration())
        self.play(*[FadeOut(m) for m in self.mobjects])
        vring = HashRing(nodes=state.nodes, vnodes=VNODES, radius=2.3, colors=ring.colors,
                         show_load=True).center()
        vshare = vring.state.share().values()
        with self.voiceover(f"The fix is virtual nodes: hash each server {VNODES} times. "
                            '<bookmark mark="slices"/>Each one now owns many thin slices, '
                            f"and the shares land between {min(vshare):.0%} and {max(vshare):.0%}.") as beat:
            self.play(vring.draw_ring(), run_time=beat.time_until_bookmark("slices"))
            self.play(vring.show_nodes(), run_time=beat.get_remaining_duration())

        # -- takeaway ----------------------------------------------------------------------------
        self.chapter("Takeaway")
        self.play(FadeOut(vring))
        lines = [label("Add or remove one of N servers:", theme.HEADING, theme.TEXT),
                 label("only about 1/N of the keys move.", theme.HEADING, theme.BLUE)]
        VGroup(*lines).arrange(DOWN, buff=0.4)
        with self.voiceover("That is consistent hashing. When one of N servers comes or goes, "
                            '<bookmark mark="only"/>only about one N-th of the keys have to move.') as beat:
            self.play(FadeIn(lines[0], shift=0.2 * RIGHT), run_time=beat.time_until_bookmark("only"))
            self.play(FadeIn(lines[1], shift=0.2 * RIGHT), run_time=beat.get_remaining_duration())
