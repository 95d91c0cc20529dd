"""An append-only log: a Kafka partition, a write-ahead log, a Raft log.

``LogState`` is the model: records with offsets (optional key, value and Raft
term), the log end, named consumer positions, a commit index (the high-water
mark), fsync tracking, segments, compaction (latest record per key survives,
tombstones remove keys) and truncation. ``Log`` draws it as a row of cells
with offsets above and consumer pointers below; a long log shows only its last
records, with an ellipsis on the left.

Several logs stacked make a topic's partitions (:func:`log_stack`) or a Raft
cluster's per-node logs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    Animation,
    AnimationGroup,
    Arrow,
    DashedVMobject,
    LaggedStart,
    Line,
    ManimColor,
    Mobject,
    Rectangle,
    RoundedRectangle,
    VGroup,
    VMobject,
)

from .. import theme
from .parts import Parts, Pieces, group, pieces, together
from .text import char_width, fit_text, fmt_value
from .widgets import label


# =============================================================================
# The model
# =============================================================================
@dataclass(frozen=True)
class Record:
    """One entry of the log.

    Attributes
    ----------
    offset
        Position in the log (never reused, kept through compaction).
    key, value
        The payload (either may be ``None``).
    term
        Raft term of the entry, if any.
    tombstone
        A delete marker for ``key`` (compaction removes the key).
    """

    offset: int
    key: str | None = None
    value: object = None
    term: int | None = None
    tombstone: bool = False


def compacted(records: Sequence[Record], keep_tombstones: bool = False) -> list[Record]:
    """The records log compaction keeps: the latest per key (unkeyed records all stay).

    A key whose latest record is a tombstone disappears entirely (unless
    ``keep_tombstones``, which keeps the tombstone itself).
    """
    latest: dict[str, int] = {}
    for r in records:
        if r.key is not None:
            latest[r.key] = r.offset
    return [
        r
        for r in records
        if r.key is None or (latest[r.key] == r.offset and (keep_tombstones or not r.tombstone))
    ]


class LogState:
    """An append-only log as data.

    Parameters
    ----------
    segment_size
        Offsets per segment (``None``: no segments). Compaction leaves the
        active (last) segment alone, as Kafka's cleaner does.
    needs_fsync
        Appended records are not durable until :meth:`fsync`; :meth:`crash`
        loses the ones that are not.
    read_committed
        Consumers may not read past the high-water mark (``commit_index + 1``).

    Examples
    --------
    >>> log = LogState()
    >>> for k, v in [("a", 1), ("b", 2), ("a", 3)]:
    ...     _ = log.append(k, v)
    >>> [r.offset for r in log.compact()], [r.offset for r in log.records]
    ([0], [1, 2])
    """

    def __init__(
        self, segment_size: int | None = None, needs_fsync: bool = False, read_committed: bool = False
    ) -> None:
        if segment_size is not None and segment_size < 1:
            raise ValueError(f"segment_size must be >= 1, got {segment_size}")
        self.segment_size = segment_size
        self.needs_fsync = needs_fsync
        self.read_committed = read_committed
        self.records: list[Record] = []
        self.start_offset = 0
        self.next_offset = 0
        self.commit_index = -1
        self._synced = -1
        self.consumers: dict[str, int] = {}

    # -- queries ----------------------------------------------------------------
    @property
    def high_watermark(self) -> int:
        """First offset that is not committed (``commit_index + 1``)."""
        return self.commit_index + 1

    @property
    def synced_index(self) -> int:
        """Highest offset that is durable (everything, unless ``needs_fsync``)."""
        return self._synced if self.needs_fsync else self.next_offset - 1

    def get(self, offset: int) -> Record | None:
        """The record at ``offset``, or ``None`` (never written, compacted or truncated)."""
        for r in self.records:
            if r.offset == offset:
                return r
        return None

    def offsets(self) -> list[int]:
        """Offsets of the records present, in order."""
        return [r.offset for r in self.records]

    def is_committed(self, offset: int) -> bool:
        """Whether ``offset`` is at or below the commit index."""
        return offset <= self.commit_index

    def is_synced(self, offset: int) -> bool:
        """Whether ``offset`` is durable."""
        return offset <= self.synced_index

    def records_from(self, offset: int, upto: int | None = None) -> list[Record]:
        """Records with ``offset <= r.offset < upto`` (``upto`` defaults to the log end)."""
        end = self.next_offset if upto is None else upto
        return [r for r in self.records if offset <= r.offset < end]

    def as_dict(self) -> dict[str, object]:
        """The key-value table the log describes: latest value per key, tombstones deleting."""
        table: dict[str, object] = {}
        for r in self.records:
            if r.key is None:
                continue
            if r.tombstone:
                table.pop(r.key, None)
            else:
                table[r.key] = r.value
        return table

    def segment_base(self, offset: int) -> int:
        """Base offset of the segment holding ``offset``."""
        if self.segment_size is None:
            return 0
        return offset // self.segment_size * self.segment_size

    @property
    def active_segment(self) -> int:
        """Base offset of the active (last) segment."""
        return self.segment_base(max(self.next_offset - 1, self.start_offset, 0))

    def segments(self) -> list[tuple[int, int]]:
        """``(base, end)`` offset ranges of the segments holding the log (end exclusive)."""
        if self.segment_size is None or self.next_offset == self.start_offset:
            return []
        out = []
        base = self.segment_base(self.start_offset)
        while base < self.next_offset:
            out.append((base, min(base + self.segment_size, self.next_offset)))
            base += self.segment_size
        return out

    def lag(self, consumer: str) -> int:
        """How many records ``consumer`` has yet to read (to the log end)."""
        return len(self.records_from(self._position(consumer)))

    def replay(self, start: int | None = None) -> list[Record]:
        """The records recovery would re-apply, in order, from ``start`` (default: the log start)."""
        return self.records_from(self.start_offset if start is None else start)

    def _position(self, consumer: str) -> int:
        if consumer not in self.consumers:
            known = ", ".join(self.consumers) or "none"
            raise ValueError(f"unknown consumer {consumer!r}; consumers are: {known}")
        return self.consumers[consumer]

    # -- changes ----------------------------------------------------------------
    def append(
        self,
        key: str | None = None,
        value: object = None,
        *,
        term: int | None = None,
        tombstone: bool = False,
    ) -> Record:
        """Append a record at the log end and return it."""
        if tombstone and key is None:
            raise ValueError("a tombstone needs a key")
        if term is not None and term < 0:
            raise ValueError(f"term must be >= 0, got {term}")
        record = Record(self.next_offset, key, None if tombstone else value, term, tombstone)
        self.records.append(record)
        self.next_offset += 1
        return record

    def delete(self, key: str) -> Record:
        """Append a tombstone for ``key``."""
        return self.append(key, tombstone=True)

    def add_consumer(self, name: str, at: int | None = None) -> None:
        """Add a consumer reading from ``at`` (default: the log start)."""
        if not name:
            raise ValueError("a consumer needs a name")
        if name in self.consumers:
            raise ValueError(f"consumer {name!r} already exists")
        self.consumers[name] = self.start_offset
        self.advance(name, self.start_offset if at is None else at)

    def remove_consumer(self, name: str) -> None:
        """Forget consumer ``name``."""
        self._position(name)
        del self.consumers[name]

    def advance(self, consumer: str, to: int | None = None) -> int:
        """Move ``consumer`` to offset ``to`` (the next record it will read); default: one further.

        Bounds: the log start to the log end (to the high-water mark when
        ``read_committed``). Moving back (re-reading) is allowed.
        """
        pos = self._position(consumer)
        to = pos + 1 if to is None else to
        limit = self.high_watermark if self.read_committed else self.next_offset
        if to < self.start_offset:
            raise ValueError(
                f"consumer {consumer!r} cannot move to {to}: the log starts at {self.start_offset}"
            )
        if to > limit:
            what = "the high-water mark" if self.read_committed else "the log end"
            raise ValueError(f"consumer {consumer!r} cannot read past {what} {limit} (asked for {to})")
        self.consumers[consumer] = to
        return to

    def commit(self, upto: int) -> None:
        """Mark every offset up to ``upto`` (inclusive) committed; it never moves back."""
        if upto < self.commit_index:
            raise ValueError(f"the commit index cannot move back: {self.commit_index} -> {upto}")
        if upto >= self.next_offset:
            raise ValueError(f"cannot commit {upto}: the log ends at {self.next_offset - 1}")
        self.commit_index = upto

    def fsync(self, upto: int | None = None) -> list[Record]:
        """Make records durable up to ``upto`` (default: all); return the ones newly synced."""
        if not self.needs_fsync:
            raise ValueError("this log does not track fsync (create it with needs_fsync=True)")
        upto = self.next_offset - 1 if upto is None else upto
        if not self._synced <= upto < self.next_offset:
            raise ValueError(f"fsync upto must be in {self._synced}..{self.next_offset - 1}, got {upto}")
        newly = self.records_from(self._synced + 1, upto + 1)
        self._synced = upto
        return newly

    def compact(self, upto: int | None = None, keep_tombstones: bool = False) -> list[Record]:
        """Compact records below offset ``upto`` and return the ones removed.

        ``upto`` defaults to the active segment's base (the whole log when
        there are no segments).
        """
        if upto is None:
            upto = self.active_segment if self.segment_size is not None else self.next_offset
        if not self.start_offset <= upto <= self.next_offset:
            raise ValueError(f"compact upto must be in {self.start_offset}..{self.next_offset}, got {upto}")
        head = [r for r in self.records if r.offset < upto]
        keep = set(r.offset for r in compacted(head, keep_tombstones))
        removed = [r for r in head if r.offset not in keep]
        self.records = [r for r in self.records if r.offset >= upto or r.offset in keep]
        return removed

    def truncate(self, before: int) -> list[Record]:
        """Drop every record below ``before`` (a checkpoint); return them.

        Consumers left behind the new log start move up to it.
        """
        if not self.start_offset <= before <= self.next_offset:
            raise ValueError(
                f"truncate before must be in {self.start_offset}..{self.next_offset}, got {before}"
            )
        removed = [r for r in self.records if r.offset < before]
        self.records = [r for r in self.records if r.offset >= before]
        self.start_offset = before
        for name, pos in self.consumers.items():
            self.consumers[name] = max(pos, before)
        return removed

    def discard_from(self, offset: int) -> list[Record]:
        """Drop ``offset`` and everything after it (a Raft follower's conflicting tail); return them.

        Committed records can never be discarded.
        """
        if offset <= self.commit_index:
            raise ValueError(f"cannot discard from {offset}: offsets up to {self.commit_index} are committed")
        if not self.start_offset <= offset <= self.next_offset:
            raise ValueError(
                f"discard offset must be in {self.start_offset}..{self.next_offset}, got {offset}"
            )
        removed = [r for r in self.records if r.offset >= offset]
        self.records = [r for r in self.records if r.offset < offset]
        self.next_offset = offset
        self._synced = min(self._synced, offset - 1)
        for name, pos in self.consumers.items():
            self.consumers[name] = min(pos, offset)
        return removed

    def crash(self) -> list[Record]:
        """Lose every record that was not fsynced; return them (nothing, unless ``needs_fsync``)."""
        if not self.needs_fsync:
            return []
        self.commit_index = min(self.commit_index, self._synced)
        return self.discard_from(self._synced + 1)


def window(records: Sequence[Record], size: int) -> tuple[int, list[Record]]:
    """The last ``size`` records and how many come before them (hidden behind the ellipsis)."""
    if size < 1:
        raise ValueError(f"window size must be >= 1, got {size}")
    hidden = max(0, len(records) - size)
    return hidden, list(records[hidden:])


# =============================================================================
# The drawing
# =============================================================================
class Log(VGroup):
    """A log drawn as a row of cells, offsets above, consumer pointers below.

    Cells show the record's key (or Raft term ``t2``) over its value; keys get
    a colour each so compaction is easy to follow. Committed cells are green,
    records not yet fsynced have a dashed yellow outline, a tombstone's value
    reads ``null`` in red. The dashed slot after the last record is the log
    end. Only the last ``window`` records are drawn; earlier ones hide behind
    an ellipsis.

    Parameters
    ----------
    state
        The model to draw (default: a new one from ``segment_size``,
        ``needs_fsync`` and ``read_committed``).
    name
        Label on the left (``"P0"``, ``"node A"``, ``"WAL"``) or ``None``.
    width
        Total width; the window shrinks if fewer cells fit.
    window
        Most records drawn.
    cell_width, cell_height
        Cell size (text is cut to fit the width).
    name_width
        Width of the name column (give several logs the same value to align
        their cells; :func:`log_stack` does it for you).
    consumer_rows
        Rows reserved below the cells for consumer labels (``0`` for logs
        without consumers).
    key_colors
        Colour per key, filled in as keys appear; pass the same dict to
        several logs so a key has one colour everywhere.
    consumer_colors
        Colour per consumer, filled in as consumers appear (or given up
        front); pass the same dict to several logs so a consumer that reads
        several partitions has one colour everywhere.

    Examples
    --------
    .. code-block:: python

        class Partition(ExplainerScene):
            def construct(self):
                log = Log(name="P0")
                self.add(log)
                self.play(log.append_many([("user1", "login"), ("user2", "view")]))
                self.play(log.add_consumer("A"))
                self.play(log.advance("A", 2))
    """

    GAP = 0.08
    ROW = 0.32

    def __init__(
        self,
        state: LogState | None = None,
        *,
        name: str | None = None,
        width: float = 12.5,
        window: int = 12,
        cell_width: float = 0.8,
        cell_height: float = 0.8,
        name_width: float | None = None,
        consumer_rows: int = 1,
        segment_size: int | None = None,
        needs_fsync: bool = False,
        read_committed: bool = False,
        key_colors: dict[str, ManimColor] | None = None,
        consumer_colors: dict[str, ManimColor] | None = None,
        **kwargs: Any,
    ) -> None:
        if window < 1:
            raise ValueError(f"window must be >= 1, got {window}")
        if cell_width < 0.5 or cell_height < 0.5:
            raise ValueError(f"cells must be at least 0.5 x 0.5, got {cell_width} x {cell_height}")
        if consumer_rows < 0:
            raise ValueError(f"consumer_rows must be >= 0, got {consumer_rows}")
        super().__init__(**kwargs)
        self.state = state if state is not None else LogState(segment_size, needs_fsync, read_committed)
        self.title = name
        self._cw, self._ch = float(cell_width), float(cell_height)
        self._pitch = self._cw + self.GAP
        name_w = label(name, theme.LABEL).width if name else 0.0
        if name_width is not None:
            if name_width < name_w:
                raise ValueError(f"name_width must be >= {name_w:.2f} to fit {name!r}, got {name_width}")
            name_w = name_width
        self._name_col = name_w + 0.3 if (name or name_width) else 0.0
        fit = int((width - self._name_col + self.GAP) // self._pitch) - 2  # ellipsis + end slots
        if fit < 1:
            raise ValueError(f"width={width} is too small for even one cell")
        self.window = min(window, fit)
        self._w = self._name_col + (self.window + 2) * self._pitch - self.GAP
        self._rows = consumer_rows
        self._top = self._ch / 2 + (0.86 if self.state.segment_size else 0.34)
        self._bottom = -self._ch / 2 - (0.34 + self.ROW * consumer_rows if consumer_rows else 0.05)
        self._frame = Rectangle(
            width=self._w, height=self._top - self._bottom, stroke_width=0, fill_opacity=0, stroke_opacity=0
        )
        self._body, self._transients = VGroup(), VGroup()
        self.add(self._frame, self._body, self._transients)
        self._parts = Parts(self._body, self._transients)
        self._key_colors: dict[str, ManimColor] = {} if key_colors is None else key_colors
        self._consumer_colors: dict[str, ManimColor] = {} if consumer_colors is None else consumer_colors
        self._parts.sync(self._build())

    # -- geometry -----------------------------------------------------------------
    def _scale(self) -> float:
        return self._frame.width / self._w

    def _place(self, mob: VMobject) -> VMobject:
        local_center = np.array([0.0, (self._top + self._bottom) / 2, 0.0])
        k = self._scale()
        return mob.shift(-local_center).scale(k, about_point=ORIGIN).shift(self._frame.get_center())

    def _slot_x(self, k: int) -> float:
        """Centre of slot ``k`` (0: the ellipsis, 1..: records, then the log end)."""
        return -self._w / 2 + self._name_col + self._cw / 2 + k * self._pitch

    # -- colours ------------------------------------------------------------------
    def _key_color(self, key: str) -> ManimColor:
        if key not in self._key_colors:
            self._key_colors[key] = theme.series(len(self._key_colors))
        return self._key_colors[key]

    def _consumer_color(self, name: str) -> ManimColor:
        if name not in self._consumer_colors:
            palette = (theme.TEAL, theme.PINK, theme.YELLOW, theme.PURPLE, theme.ORANGE, theme.BLUE)
            self._consumer_colors[name] = palette[len(self._consumer_colors) % len(palette)]
        return self._consumer_colors[name]

    # -- building -----------------------------------------------------------------
    def _cell_lines(self, r: Record) -> list[tuple[str, ManimColor]]:
        top: tuple[str, ManimColor] | None = None
        if r.term is not None:
            top = (f"t{r.term}", theme.series(r.term))
        elif r.key is not None:
            top = (r.key, self._key_color(r.key))
        if r.tombstone:
            bottom: tuple[str, ManimColor] | None = ("null", theme.RED)
        elif r.value is None:
            bottom = None
        elif r.term is not None and r.key is not None:
            bottom = (f"{r.key}={fmt_value(r.value)}", theme.TEXT)
        else:
            bottom = (fmt_value(r.value) if not isinstance(r.value, str) else r.value, theme.TEXT)
        return [line for line in (top, bottom) if line is not None]

    def _cell(self, r: Record, x: float) -> dict[str, VMobject]:
        committed = self.state.is_committed(r.offset)
        synced = self.state.is_synced(r.offset)
        box = RoundedRectangle(
            width=self._cw,
            height=self._ch,
            corner_radius=0.08,
            fill_color=theme.GREEN if committed else theme.SURFACE,
            fill_opacity=0.22 if committed else 1,
            stroke_color=theme.GREEN if committed else (theme.OUTLINE if synced else theme.YELLOW),
            stroke_width=theme.STROKE_THIN,
        )
        box.move_to(np.array([x, 0, 0]))
        parts: dict[str, VMobject] = {"box": DashedVMobject(box, num_dashes=16) if not synced else box}
        max_chars = max(1, int((self._cw - 0.1) / char_width(theme.SMALL)))
        lines = [label(fit_text(s, max_chars), theme.SMALL, c, mono=True) for s, c in self._cell_lines(r)]
        if lines:
            parts["text"] = VGroup(*lines).arrange(DOWN, buff=0.07).move_to(np.array([x, 0, 0]))
        number = label(str(r.offset), theme.SMALL, theme.MUTED, mono=True)
        parts["offset"] = number.move_to(np.array([x, self._ch / 2 + 0.2, 0]))
        return parts

    def _end_slot(self, x: float) -> dict[str, VMobject]:
        box = DashedVMobject(
            RoundedRectangle(
                width=self._cw,
                height=self._ch,
                corner_radius=0.08,
                stroke_color=theme.OUTLINE,
                stroke_width=theme.STROKE_THIN,
            ),
            num_dashes=16,
        ).move_to(np.array([x, 0, 0]))
        number = label(str(self.state.next_offset), theme.SMALL, theme.MUTED, mono=True)
        number.move_to(np.array([x, self._ch / 2 + 0.2, 0]))
        return {"box": box, "offset": number}

    def _slot_of(self, offset: int, shown: list[Record], hidden: int) -> int:
        """The slot a consumer at ``offset`` points at."""
        if hidden and shown and offset < shown[0].offset:
            return 0
        for k, r in enumerate(shown):
            if r.offset >= offset:
                return k + 1
        return len(shown) + 1

    def _consumers(self, shown: list[Record], hidden: int) -> Pieces:
        placed: list[tuple[str, float, int]] = []  # name, x, row
        row_ends: list[float] = []
        items = sorted(self.state.consumers.items(), key=lambda kv: (kv[1], kv[0]))
        out: Pieces = {}
        for name, pos in items:
            x = self._slot_x(self._slot_of(pos, shown, hidden))
            text = label(f"{name} @ {pos}", theme.SMALL, self._consumer_color(name))
            left = x - text.width / 2
            row = next((i for i, end in enumerate(row_ends) if end + 0.15 <= left), len(row_ends))
            if row == len(row_ends):
                row_ends.append(x + text.width / 2)
            else:
                row_ends[row] = x + text.width / 2
            placed.append((name, x, row))
            color = self._consumer_color(name)
            tip_y = -self._ch / 2 - 0.05
            arrow = Arrow(
                [x, tip_y - 0.26, 0],
                [x, tip_y, 0],
                buff=0,
                stroke_width=theme.STROKE,
                color=color,
                max_tip_length_to_length_ratio=0.5,
                tip_length=0.14,
            )
            text.move_to(np.array([x, -self._ch / 2 - 0.5 - row * self.ROW, 0]))
            out.update(pieces(("consumer", name), {"arrow": arrow, "label": text}))
        return out

    def _segments(self, shown: list[Record], hidden: int) -> Pieces:
        out: Pieces = {}
        if not self.state.segment_size or not shown:
            return out
        y = self._ch / 2 + 0.5
        active = self.state.active_segment
        for base, _end in self.state.segments():
            slots = [k + 1 for k, r in enumerate(shown) if self.state.segment_base(r.offset) == base]
            if not slots:
                continue
            left = self._slot_x(slots[0]) - self._cw / 2 + 0.03
            right = self._slot_x(slots[-1]) + self._cw / 2 - 0.03
            color = theme.BLUE if base == active else theme.OUTLINE
            line = Line(
                np.array([left, y, 0]),
                np.array([right, y, 0]),
                stroke_color=color,
                stroke_width=theme.STROKE_THIN,
            )
            ticks = VGroup(
                *[
                    Line(
                        np.array([x, y, 0]),
                        np.array([x, y - 0.08, 0]),
                        stroke_color=color,
                        stroke_width=theme.STROKE_THIN,
                    )
                    for x in (left, right)
                ]
            )
            k = base // self.state.segment_size
            name = f"segment {k}" + (" (active)" if base == active else "")
            text = label(name, theme.SMALL, theme.BLUE if base == active else theme.MUTED)
            if text.width > right - left:
                text = label(
                    f"seg {k}" if base != active else "active",
                    theme.SMALL,
                    theme.BLUE if base == active else theme.MUTED,
                )
            if text.width > right - left + self.GAP:
                text = label(str(k), theme.SMALL, theme.MUTED)
            text.move_to(np.array([(left + right) / 2, y + 0.04 + text.height / 2 + 0.04, 0]))
            out.update(pieces(("segment", base), {"line": VGroup(line, ticks), "label": text}))
        return out

    def _build(self) -> Pieces:
        parts: Pieces = {}
        if self.title:
            name = label(self.title, theme.LABEL, theme.TEXT)
            name.move_to(np.array([-self._w / 2 + name.width / 2, 0, 0]))
            parts.update(pieces("name", name))
        hidden, shown = window(self.state.records, self.window)
        if hidden:
            dots = label("…", theme.LABEL, theme.MUTED)
            count = label(f"+{hidden}", theme.SMALL, theme.MUTED, mono=True)
            count.move_to(np.array([self._slot_x(0), self._ch / 2 + 0.2, 0]))
            parts.update(
                pieces("ellipsis", {"dots": dots.move_to(np.array([self._slot_x(0), 0, 0])), "count": count})
            )
        for k, r in enumerate(shown):
            parts.update(pieces(("record", r.offset), self._cell(r, self._slot_x(k + 1))))
        parts.update(pieces("end", self._end_slot(self._slot_x(len(shown) + 1))))
        parts.update(self._segments(shown, hidden))
        parts.update(self._consumers(shown, hidden))
        return {k: self._place(m) for k, m in parts.items()}

    def _sync(self) -> Any:
        return self._parts.sync(
            self._build(), enter_shift=0.4 * LEFT * self._scale(), exit_shift=0.3 * DOWN * self._scale()
        )

    # -- read-only helpers ------------------------------------------------------------
    def cell(self, offset: int) -> Mobject:
        """The drawn cell of the record at ``offset``, for pointing at."""
        mob = self._parts.get(("record", offset))
        if mob is None:
            raise ValueError(f"no record at offset {offset} is drawn (missing or outside the window)")
        return mob

    def end_mobject(self) -> Mobject:
        """The log-end slot (where the next append lands)."""
        return self._parts["end"]

    def consumer_mobject(self, name: str) -> Mobject:
        """The pointer and label of consumer ``name``."""
        self.state._position(name)
        return self._parts[("consumer", name)]

    # -- verbs ---------------------------------------------------------------------
    def append(self, key: str | None = None, value: object = None, *, term: int | None = None) -> Animation:
        """Append one record: the log end moves on (the window scrolls if full), then the record slides in."""
        self.state.append(key, value, term=term)
        ch = self._sync()
        new = [g for g in ch.groups("entering") if isinstance(g, tuple) and g[0] == "record"]
        return group(self, ch.besides(*new), [a for g in new for a in ch.of(g)])

    def append_many(
        self, items: Iterable[object], *, term: int | None = None, lag_ratio: float = 0.25
    ) -> Animation:
        """Append several records, one after another: items are ``(key, value)`` pairs or bare values."""
        items = list(items)
        if not items:
            raise ValueError("append_many needs at least one item")
        for item in items:
            if isinstance(item, tuple) and len(item) == 2:
                self.state.append(item[0], item[1], term=term)
            else:
                self.state.append(None, item, term=term)
        ch = self._sync()
        new_cells = sorted(
            (g for g in ch.groups("entering") if isinstance(g, tuple) and g[0] == "record"),
            key=lambda g: g[1],
        )
        slides = together([together(ch.of(g)) for g in new_cells], lag_ratio=lag_ratio)
        return group(self, ch.besides(*new_cells), slides)  # make room first: no cell slides over another

    def delete(self, key: str) -> Animation:
        """Append a tombstone for ``key`` (its value reads ``null``)."""
        self.state.delete(key)
        return group(self, self._sync().all())

    def add_consumer(self, name: str, at: int | None = None) -> Animation:
        """A consumer appears, pointing at offset ``at`` (default: the log start)."""
        self.state.add_consumer(name, at)
        return group(self, self._sync().all())

    def remove_consumer(self, name: str) -> Animation:
        """Consumer ``name`` leaves."""
        self.state.remove_consumer(name)
        return group(self, self._sync().all())

    def advance(self, consumer: str, to: int | None = None) -> Animation:
        """Move ``consumer``'s pointer to ``to`` (default: one record further)."""
        self.state.advance(consumer, to)
        return group(self, self._sync().all())

    def commit(self, upto: int) -> Animation:
        """Commit everything up to ``upto``: those cells turn green."""
        self.state.commit(upto)
        return group(self, self._sync().all(), lag_ratio=0.1)

    def fsync(self, upto: int | None = None) -> Animation:
        """Make records durable up to ``upto`` (default: all): dashed outlines become solid."""
        self.state.fsync(upto)
        return group(self, self._sync().all())

    def compact(self, upto: int | None = None, keep_tombstones: bool = False) -> Animation:
        """Log compaction: superseded records and deleted keys drop out, survivors close ranks."""
        removed = self.state.compact(upto, keep_tombstones)
        return self._remove_then_close(removed)

    def truncate(self, before: int) -> Animation:
        """A checkpoint: records below ``before`` drop out of the log."""
        removed = self.state.truncate(before)
        return self._remove_then_close(removed)

    def discard_from(self, offset: int) -> Animation:
        """Discard ``offset`` and everything after it (a Raft follower's conflicting entries)."""
        removed = self.state.discard_from(offset)
        return self._remove_then_close(removed, flash=theme.RED)

    def crash(self) -> Animation:
        """A crash: the records that were not fsynced are lost."""
        removed = self.state.crash()
        return self._remove_then_close(removed, flash=theme.RED)

    def _flash(self, offset: int, color: ManimColor, scale: float = 1.1) -> Animation:
        """The record's cell swells and takes ``color`` for a moment (outline, text, number; not the fill)."""
        self.cell(offset)  # a clear error for a record that is not drawn
        return self._parts.flash(("record", offset), color, scale)

    def _remove_then_close(self, removed: list[Record], flash: ManimColor = theme.YELLOW) -> Animation:
        gone = [("record", r.offset) for r in removed if ("record", r.offset) in self._parts]
        marks = [self._flash(g[1], flash, scale=1.08) for g in gone]
        ch = self._sync()
        leaving = [a for g in gone for a in ch.of(g)]
        return group(self, marks, leaving, ch.besides(*gone))

    def highlight(self, offset: int, color: ManimColor = theme.YELLOW) -> Animation:
        """Flash the record at ``offset``."""
        return AnimationGroup(self._flash(offset, color), group=self)

    def replay(self, start: int | None = None, color: ManimColor = theme.BLUE) -> Animation:
        """Recovery: the records from ``start`` light up one after another, in offset order."""
        records = self.state.replay(start)
        flashes = [self._flash(r.offset, color) for r in records if ("record", r.offset) in self._parts]
        if not flashes:
            raise ValueError("nothing to replay in view")
        return LaggedStart(*flashes, lag_ratio=0.5, group=self)


def log_stack(names: Sequence[str], *, buff: float = 0.35, **kwargs: Any) -> VGroup:
    """Logs stacked top to bottom with aligned cells: a topic's partitions, a cluster's per-node logs.

    ``kwargs`` go to every :class:`Log` (``width``, ``window``, ``consumer_rows`` ...).
    """
    if not names:
        raise ValueError("log_stack needs at least one name")
    name_width = max(label(n, theme.LABEL).width for n in names)
    kwargs.setdefault("key_colors", {})  # one colour per key across the stack
    logs = VGroup(*[Log(name=n, name_width=name_width, **kwargs) for n in names])
    return logs.arrange(DOWN, buff=buff, aligned_edge=LEFT)


__all__ = ["Log", "LogState", "Record", "compacted", "log_stack", "window"]
