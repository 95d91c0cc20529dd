"""Data pages on disk and their cached copies in memory: a database's buffer pool.

``PageStoreState`` is the model: every page lives on disk; a page read into
memory is *cached*; writing a row changes only the cached copy, which is then
*dirty* (newer than disk) until it is *flushed* back. A crash empties memory
and loses every dirty page. Each page remembers the log sequence number of the
last change applied to it (its pageLSN), so that redo from a log can skip the
changes a page already holds, and a flush can refuse to write a page whose
change is not yet durable in the log (the write-ahead rule).

``PageStore`` draws it as two rows of page cards, memory above and disk below:
a dirty page has a yellow outline and a ``dirty`` tag, the values that differ
from disk are yellow, a page not in memory leaves a dashed empty slot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import (
    DOWN,
    ORIGIN,
    Animation,
    DashedVMobject,
    Indicate,
    Line,
    ManimColor,
    Mobject,
    Rectangle,
    RoundedRectangle,
    VGroup,
    VMobject,
)

from .. import theme
from .parts import Changes, Parts, Pieces, group, pieces, together, travel
from .text import char_width, fmt_value
from .widgets import label


# =============================================================================
# The model
# =============================================================================
@dataclass
class Page:
    """One data page.

    Attributes
    ----------
    rows
        Key to value, in the order the rows sit on the page.
    lsn
        Log sequence number of the last change applied (``-1``: none logged).
    """

    rows: dict[str, object] = field(default_factory=dict)
    lsn: int = -1

    def copy(self) -> Page:
        """An independent copy (reading a page from disk, or writing it back)."""
        return Page(dict(self.rows), self.lsn)


class PageStoreState:
    """Pages on disk and a cache of them in memory, as data.

    Parameters
    ----------
    pages
        Page id to its rows (``{1: {"alice": 100}, 2: {"bob": 100}}``); a key
        lives on one page only.
    cached
        Pages already read into memory (default: none).

    Examples
    --------
    >>> s = PageStoreState({1: {"alice": 100}, 2: {"bob": 100}}, cached=[1, 2])
    >>> s.write("alice", 70, lsn=3)
    1
    >>> s.dirty, s.disk[1].rows["alice"]
    ({1}, 100)
    >>> s.crash()
    [1]
    >>> s.redo("alice", 70, lsn=3), s.value("alice")
    (True, 70)
    >>> s.flush(durable_lsn=3), s.disk[1].rows["alice"]
    ([1], 70)
    """

    def __init__(self, pages: Mapping[int, Mapping[str, object]], cached: Iterable[int] = ()) -> None:
        if not pages:
            raise ValueError("a page store needs at least one page")
        self.disk: dict[int, Page] = {}
        self._home: dict[str, int] = {}
        for pid, rows in pages.items():
            for key in rows:
                if key in self._home:
                    raise ValueError(
                        f"key {key!r} is on page {self._home[key]} and page {pid}: one page per key"
                    )
                self._home[key] = pid
            self.disk[pid] = Page(dict(rows))
        self.memory: dict[int, Page] = {}
        self.dirty: set[int] = set()
        for pid in cached:
            self.load(pid)

    # -- queries ----------------------------------------------------------------
    @property
    def page_ids(self) -> list[int]:
        """Every page id, in drawing order."""
        return list(self.disk)

    def page_of(self, key: str) -> int:
        """The page holding ``key``."""
        if key not in self._home:
            known = ", ".join(self._home) or "none"
            raise ValueError(f"no page holds key {key!r}; keys are: {known}")
        return self._home[key]

    def is_cached(self, pid: int) -> bool:
        """Whether page ``pid`` is in memory."""
        self._check(pid)
        return pid in self.memory

    def is_dirty(self, pid: int) -> bool:
        """Whether page ``pid`` has changes not yet written to disk."""
        self._check(pid)
        return pid in self.dirty

    def value(self, key: str) -> object:
        """The current value of ``key``: the cached copy's if the page is in memory, else the disk's."""
        pid = self.page_of(key)
        return (self.memory.get(pid) or self.disk[pid]).rows[key]

    def table(self) -> dict[str, object]:
        """Every key's current value (what a query would read)."""
        return {key: self.value(key) for key in self._home}

    def on_disk(self) -> dict[str, object]:
        """Every key's value on disk (what survives a crash)."""
        return {key: self.disk[pid].rows[key] for key, pid in self._home.items()}

    def changed_keys(self, pid: int) -> list[str]:
        """Keys whose value in memory differs from disk (none if the page is not cached)."""
        self._check(pid)
        page = self.memory.get(pid)
        if page is None:
            return []
        return [k for k, v in page.rows.items() if v != self.disk[pid].rows.get(k)]

    def _check(self, pid: int) -> None:
        if pid not in self.disk:
            known = ", ".join(str(p) for p in self.disk)
            raise ValueError(f"no page {pid!r}; pages are: {known}")

    # -- changes ----------------------------------------------------------------
    def load(self, pid: int) -> bool:
        """Read page ``pid`` into memory; ``False`` if it already was."""
        self._check(pid)
        if pid in self.memory:
            return False
        self.memory[pid] = self.disk[pid].copy()
        return True

    def write(self, key: str, value: object, lsn: int | None = None) -> int:
        """Set ``key`` to ``value`` in memory (reading its page first if needed); return the page id.

        ``lsn`` is the log record describing the change; LSNs on a page only grow.
        """
        pid = self.page_of(key)
        page = self.memory.get(pid) or self.disk[pid]
        if lsn is not None and lsn <= page.lsn:
            raise ValueError(
                f"page {pid} already holds LSN {page.lsn}; a new change needs a larger LSN, got {lsn}"
            )
        self.load(pid)
        page = self.memory[pid]
        page.rows[key] = value
        if lsn is not None:
            page.lsn = lsn
        self.dirty.add(pid)
        return pid

    def redo(self, key: str, value: object, lsn: int) -> bool:
        """Redo a logged change unless the page has it (pageLSN >= ``lsn``); ``True`` if applied."""
        pid = self.page_of(key)
        self.load(pid)
        if self.memory[pid].lsn >= lsn:
            return False
        self.write(key, value, lsn)
        return True

    def flush(self, pids: Iterable[int] | None = None, durable_lsn: int | None = None) -> list[int]:
        """Write dirty pages (default: all of them) back to disk; return the ids written.

        With ``durable_lsn`` (how far the log is fsynced) a page holding a
        later change is refused: its log record must reach disk first.
        """
        chosen = sorted(self.dirty) if pids is None else list(pids)
        for pid in chosen:
            self._check(pid)
        written = [pid for pid in chosen if pid in self.dirty]
        if durable_lsn is not None:
            for pid in written:
                if self.memory[pid].lsn > durable_lsn:
                    raise ValueError(
                        f"write-ahead rule: page {pid} holds LSN {self.memory[pid].lsn} but the log is "
                        f"durable only up to LSN {durable_lsn}; fsync the log first"
                    )
        for pid in written:
            self.disk[pid] = self.memory[pid].copy()
            self.dirty.discard(pid)
        return written

    def crash(self) -> list[int]:
        """Lose memory: every cached page goes; return the dirty ones (their changes are lost)."""
        lost = sorted(self.dirty)
        self.memory.clear()
        self.dirty.clear()
        return lost


# =============================================================================
# The drawing
# =============================================================================
class PageStore(VGroup):
    """Page cards in two rows: the cached copies in memory above, the pages on disk below.

    Parameters
    ----------
    state
        The model to draw (default: a new one from ``pages`` and ``cached``).
    pages, cached
        Rows per page and the pages already in memory, when no ``state`` is given.
    page_width
        Width of a card (a :class:`ValueError` says how much is needed if the rows do not fit).
    gap
        Space between the memory row's cards and the disk row's.
    names
        Labels of the two rows, drawn on the left.
    name_width
        Width of the name column (give several primitives the same value to align them).
    divider
        Draw a dashed line in the gap: memory above it is lost in a crash, disk below survives.

    Examples
    --------
    .. code-block:: python

        class BufferPool(ExplainerScene):
            def construct(self):
                pages = PageStore(pages={1: {"alice": 100}, 2: {"bob": 100}}, cached=[1])
                self.add(pages)
                self.play(pages.write("alice", 70, lsn=3))  # page 1 turns dirty
                self.play(pages.flush())                     # ... and is written back
                self.play(pages.write("bob", 130))           # page 2 is read in first
                self.play(pages.crash())                     # memory is gone
    """

    HEADER = 0.4
    ROW = 0.34
    PAD = 0.12
    GAP = 0.3

    def __init__(
        self,
        state: PageStoreState | None = None,
        *,
        pages: Mapping[int, Mapping[str, object]] | None = None,
        cached: Iterable[int] = (),
        page_width: float = 2.0,
        gap: float = 1.0,
        names: tuple[str, str] = ("memory", "disk"),
        name_width: float | None = None,
        divider: bool = True,
        **kwargs: Any,
    ) -> None:
        if state is None:
            if pages is None:
                raise ValueError("give a PageStoreState or pages")
            state = PageStoreState(pages, cached)
        if gap < 0.3:
            raise ValueError(f"gap must be >= 0.3, got {gap}")
        super().__init__(**kwargs)
        self.state = state
        self.names = names
        self._pw = float(page_width)
        need = self._needed_width()
        if self._pw < need:
            raise ValueError(f"page_width must be >= {need:.2f} to fit the rows, got {page_width}")
        name_w = max(label(n, theme.LABEL).width for n in names) if any(names) else 0.0
        if name_width is not None:
            if name_width < name_w:
                raise ValueError(f"name_width must be >= {name_w:.2f} to fit {names!r}, got {name_width}")
            name_w = name_width
        self._name_col = name_w + 0.3 if name_w else 0.0
        n_rows = max(len(p.rows) for p in state.disk.values())
        self._ch = self.HEADER + n_rows * self.ROW + self.PAD
        self._gap = float(gap)
        self._divider = divider
        self._w = self._name_col + len(state.disk) * (self._pw + self.GAP) - self.GAP
        self._h = 2 * self._ch + self._gap
        self._frame = Rectangle(
            width=self._w, height=self._h, stroke_width=0, fill_opacity=0, stroke_opacity=0
        )
        self._body, self._transients = VGroup(), VGroup()
        self.add(self._frame, self._body, self._transients)
        self._parts = Parts(self._body, self._transients)
        self._parts.sync(self._build())

    # -- geometry -----------------------------------------------------------------
    def _needed_width(self) -> float:
        cw = char_width(theme.SMALL)
        widest = max(
            (len(k) + 1 + len(fmt_value(v))) * cw for p in self.state.disk.values() for k, v in p.rows.items()
        )
        pid_w = max(label(f"page {pid}", theme.SMALL).width for pid in self.state.page_ids)
        header = pid_w + 0.2 + label("dirty", theme.SMALL).width
        return max(widest, header) + 0.3

    def _scale(self) -> float:
        return self._frame.width / self._w

    def _place(self, mob: VMobject) -> VMobject:
        k = self._scale()
        return mob.scale(k, about_point=ORIGIN).shift(self._frame.get_center())

    def _x(self, pid: int) -> float:
        i = self.state.page_ids.index(pid)
        return -self._w / 2 + self._name_col + self._pw / 2 + i * (self._pw + self.GAP)

    def _y(self, memory: bool) -> float:
        return (self._h - self._ch) / 2 * (1 if memory else -1)

    # -- building -----------------------------------------------------------------
    def _card(self, pid: int, page: Page, memory: bool) -> dict[str, VMobject]:
        x, y = self._x(pid), self._y(memory)
        dirty = memory and pid in self.state.dirty
        changed = set(self.state.changed_keys(pid)) if memory else set()
        box = RoundedRectangle(
            width=self._pw,
            height=self._ch,
            corner_radius=theme.CORNER,
            fill_color=theme.SURFACE_HI if dirty else theme.SURFACE,
            fill_opacity=1,
            stroke_color=theme.YELLOW if dirty else theme.OUTLINE,
            stroke_width=theme.STROKE if dirty else theme.STROKE_THIN,
        ).move_to(np.array([x, y, 0]))
        left, top = x - self._pw / 2 + 0.15, y + self._ch / 2
        parts: dict[str, VMobject] = {"box": box}
        header = label(f"page {pid}", theme.SMALL, theme.MUTED)
        parts["header"] = header.move_to(np.array([left + header.width / 2, top - self.HEADER / 2 - 0.02, 0]))
        if dirty:
            tag = label("dirty", theme.SMALL, theme.YELLOW)
            parts["dirty"] = tag.move_to(
                np.array([x + self._pw / 2 - 0.15 - tag.width / 2, header.get_y(), 0])
            )
        for i, (key, value) in enumerate(page.rows.items()):
            row_y = top - self.HEADER - (i + 0.5) * self.ROW
            k = label(key, theme.SMALL, theme.TEXT, mono=True)
            v = label(
                fmt_value(value), theme.SMALL, theme.YELLOW if key in changed else theme.TEXT, mono=True
            )
            parts[f"key:{key}"] = k.move_to(np.array([left + k.width / 2, row_y, 0]))
            right = x + self._pw / 2 - 0.15
            # keyed by the value too: a new value replaces the old one instead of cross-fading over it
            parts[f"value:{key}={fmt_value(value)}"] = v.move_to(np.array([right - v.width / 2, row_y, 0]))
        return parts

    def _slot(self, pid: int) -> VMobject:
        box = RoundedRectangle(
            width=self._pw,
            height=self._ch,
            corner_radius=theme.CORNER,
            stroke_color=theme.OUTLINE,
            stroke_width=theme.STROKE_THIN,
        ).move_to(np.array([self._x(pid), self._y(True), 0]))
        return DashedVMobject(box, num_dashes=24)

    def _build(self) -> Pieces:
        parts: Pieces = {}
        for memory, name in zip((True, False), self.names, strict=True):
            if name:
                text = label(name, theme.LABEL, theme.MUTED)
                text.move_to(np.array([-self._w / 2 + text.width / 2, self._y(memory), 0]))
                parts.update(pieces(("name", memory), text))
        if self._divider:
            y = 0.0
            line = Line(
                np.array([-self._w / 2, y, 0]),
                np.array([self._w / 2, y, 0]),
                stroke_color=theme.OUTLINE,
                stroke_width=theme.STROKE_THIN,
            )
            parts.update(pieces("divider", DashedVMobject(line, num_dashes=48)))
        for pid in self.state.page_ids:
            cached = self.state.memory.get(pid)
            if cached is None:
                parts.update(pieces(("slot", pid), self._slot(pid)))
            else:
                parts.update(pieces(("memory", pid), self._card(pid, cached, True)))
            parts.update(pieces(("disk", pid), self._card(pid, self.state.disk[pid], False)))
        return {k: self._place(m) for k, m in parts.items()}

    def _sync(self, exit_shift: np.ndarray = ORIGIN) -> Changes:
        return self._parts.sync(self._build(), exit_shift=exit_shift * self._scale())

    def _swap(self) -> list[Any]:
        """Redraw in two phases: what goes (old values) fades first, then what comes fades in."""
        ch = self._sync()
        return [[*ch.leaving.values(), *ch.changed.values()], list(ch.entering.values())]

    # -- read-only helpers ------------------------------------------------------------
    def memory_card(self, pid: int) -> Mobject:
        """The cached copy of page ``pid`` (or its empty slot when it is not in memory)."""
        self.state._check(pid)
        return self._parts.get(("memory", pid)) or self._parts[("slot", pid)]

    def disk_card(self, pid: int) -> Mobject:
        """Page ``pid`` on disk."""
        self.state._check(pid)
        return self._parts[("disk", pid)]

    def divider_y(self) -> float:
        """Height of the line between memory and disk (in scene coordinates)."""
        return float(self._frame.get_center()[1])

    def _copy_travel(self, pid: int, up: bool) -> Animation:
        """A ``page N`` tag crossing the gap between the rows (read in: up; write back: down)."""
        color = theme.BLUE if up else theme.YELLOW
        text = label(f"page {pid}", theme.SMALL, theme.TEXT)
        box = RoundedRectangle(
            width=text.width + 0.24,
            height=text.height + 0.16,
            corner_radius=0.08,
            fill_color=theme.SURFACE,
            fill_opacity=1,
            stroke_color=color,
            stroke_width=theme.STROKE_THIN,
        )
        tag = self._place(VGroup(box, text.move_to(box)))
        k = self._scale()
        x = self._x(pid) * k + self._frame.get_center()[0]
        reach = (self._gap / 2) * k - tag.height / 2 - 0.04  # stay in the gap, clear of both cards
        y0, y1 = (-reach, reach) if up else (reach, -reach)
        cy = self._frame.get_center()[1]
        start, end = np.array([x, cy + y0, 0]), np.array([x, cy + y1, 0])
        return self._parts.transient(tag, travel(start, end), run_time=1)

    # -- verbs ---------------------------------------------------------------------
    def load(self, pid: int) -> Animation:
        """Read page ``pid`` into memory: a copy rises from disk into its slot."""
        if not self.state.load(pid):
            return group(self)
        return group(self, self._copy_travel(pid, up=True), self._sync().all())

    def write(self, key: str, value: object, lsn: int | None = None) -> Animation:
        """Change ``key`` in memory (reading its page in first if needed): the page turns dirty."""
        pid = self.state.page_of(key)
        phases: list[Any] = []
        if self.state.load(pid):
            phases += [self._copy_travel(pid, up=True), self._sync().all()]
        self.state.write(key, value, lsn)
        return group(self, *phases, *self._swap())

    def redo(self, key: str, value: object, lsn: int, color: ManimColor = theme.BLUE) -> Animation:
        """Recovery re-applies a logged change (reading the page first); a page that has it just flashes."""
        pid = self.state.page_of(key)
        phases: list[Any] = []
        if self.state.load(pid):
            phases += [self._copy_travel(pid, up=True), self._sync().all()]
        if not self.state.redo(key, value, lsn):
            return group(
                self, *phases, self._parts.flash(("memory", pid), theme.MUTED, scale=1.05)
            )
        swap = self._swap()
        flash = Indicate(self._parts.piece(("memory", pid), f"value:{key}={fmt_value(value)}"), color=color)
        return group(self, *phases, *swap, flash)

    def flush(self, pids: Iterable[int] | None = None, durable_lsn: int | None = None) -> Animation:
        """Write dirty pages back: copies sink to disk and the disk cards take the new values."""
        written = self.state.flush(pids, durable_lsn)  # the memory cards are still drawn
        if not written:
            return group(self)
        going = [self._copy_travel(pid, up=False) for pid in written]
        return group(self, together(going), *self._swap())

    def crash(self) -> Animation:
        """Memory is lost: every cached page flashes red and falls away, leaving empty slots."""
        cached = [pid for pid in self.state.page_ids if pid in self.state.memory]
        flashes = [self._parts.flash(("memory", pid), theme.RED, scale=1.05) for pid in cached]
        self.state.crash()
        return group(self, flashes, self._sync(exit_shift=0.4 * DOWN).all())


__all__ = ["Page", "PageStore", "PageStoreState"]
