"""Layout checks on the scene's live mobjects: overlap, frame, size, contrast, hidden labels.

:func:`inspect` looks at one state of the scene (what the camera would draw,
in its draw order) and returns the faults it sees; :func:`aggregate` turns
faults seen in successive samples into findings, keeping only those a viewer
can actually see: visible for at least :data:`MIN_VISIBLE` seconds. A label
sliding across another for a quarter of a second is motion, not a fault; the
same two labels overlapping while the narration goes on is.

Text size and contrast are judged only on texts that are not being animated
in that sample (a fade-in is dim on purpose for a moment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from manim import (
    DecimalNumber,
    ImageMobject,
    MarkupText,
    Mobject,
    Paragraph,
    SingleStringMathTex,
    Text,
    VMobject,
    config,
)
from manim.utils.iterables import list_update

from .. import theme
from . import geometry as geo
from .findings import Finding, clock, quote

#: A fault must be visible at least this long (seconds) to become a finding.
MIN_VISIBLE = 0.5
#: Text must be at least this tall at 480p: its line height (ascender to descender).
MIN_TEXT_PX = 18.0
#: WCAG 2 AA contrast for normal text.
MIN_CONTRAST = 4.5
#: A shape drawn over a label at this opacity or more hides it.
HIDING_OPACITY = 0.5
#: Opacity below which something is treated as not drawn.
VISIBLE_OPACITY = 0.05
#: Pixels per scene unit at 480p (the frame is 8 units tall).
PX_480 = 480 / 8
#: Overshoots and overlaps smaller than this (units) are rounding, not faults: one pixel at 480p.
TOLERANCE = 1 / PX_480
#: Pango's em box in pixels at 480p per unit of Manim ``font_size`` (the same for every font:
#: Inter's cap height, 0.7275 em, measures 60.6 px at ``font_size=100``).
EM_PX_PER_FONT_SIZE = 0.8331
#: Line height (ascender + descender) of the house font, in ems (Inter: (1984 + 494) / 2048).
LINE_EMS = 1.21

_TEXT_TYPES = (Text, MarkupText, Paragraph, SingleStringMathTex, DecimalNumber)


def text_px(font_size: float) -> float:
    """Line height in pixels at 480p of text with Manim ``font_size`` (``theme.SMALL`` = 20 -> 20.2 px)."""
    return font_size * EM_PX_PER_FONT_SIZE * LINE_EMS


@dataclass
class Fault:
    """One thing wrong in one sample of the scene."""

    check: str
    key: tuple
    objects: list[str]
    message: str
    fix: str
    score: float  # larger is worse: the worst sample is the one reported
    refs: tuple = ()  # the mobjects involved, kept alive so their ids stay unique


@dataclass
class Sample:
    """The faults seen at one scene time."""

    time: float
    faults: list[Fault]
    line: int | None = None
    held: bool = False


# -- reading the scene ---------------------------------------------------------------


def is_text(mob: Mobject) -> bool:
    """Whether ``mob`` is a piece of text (its glyphs are judged as one label)."""
    return isinstance(mob, _TEXT_TYPES)


def text_of(mob: Mobject) -> str:
    """The string a text mobject shows."""
    if isinstance(mob, Paragraph):
        return str(getattr(mob.lines_text, "original_text", ""))
    if isinstance(mob, DecimalNumber):
        return f"{mob.get_value():.{mob.num_decimal_places}f}"
    for attr in ("original_text", "tex_string", "text"):
        value = getattr(mob, attr, None)
        if isinstance(value, str):
            return value
    return type(mob).__name__


def font_size_of(mob: Mobject) -> float | None:
    """Manim font size of a text mobject as drawn now (any scaling included)."""
    if isinstance(mob, Paragraph):
        ref = mob.lines_text
        now = sum(m.height for m in mob.family_members_with_points())
        then = sum(m.height for m in ref.family_members_with_points())
        return float(ref.font_size) * now / then if then > 0 else None
    size = getattr(mob, "font_size", None)
    try:
        return float(size) if size is not None else None
    except (TypeError, ValueError):
        return None


def _opacity(mob: Mobject) -> tuple[float, float]:
    """(fill, stroke) opacity of a leaf as drawn."""
    if isinstance(mob, ImageMobject):
        return (1.0, 0.0)
    if not isinstance(mob, VMobject):
        return (1.0, 1.0)
    fill = float(np.max(mob.get_fill_opacities())) if mob.fill_rgbas.size else 0.0
    stroke = float(np.max(mob.get_stroke_opacities())) if mob.get_stroke_width() > 0 else 0.0
    return (fill, stroke)


@dataclass(eq=False)
class _Leaf:
    mob: Mobject
    top: Mobject
    ancestors: tuple[Mobject, ...]
    order: int
    points: np.ndarray
    box: np.ndarray
    fill: float
    stroke: float


@dataclass(eq=False)
class _Label:
    mob: Mobject
    top: Mobject
    text: str
    glyphs: list[_Leaf] = field(default_factory=list)

    @property
    def boxes(self) -> np.ndarray:
        return np.array([g.box for g in self.glyphs])

    @property
    def box(self) -> np.ndarray:
        b = self.boxes
        return np.array([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()])


class _View:
    """What the camera would draw now, in draw order, split into labels and shapes."""

    def __init__(self, scene: Any) -> None:
        draw = scene.camera.get_mobjects_to_display(list_update(scene.mobjects, scene.foreground_mobjects))
        order = {id(m): i for i, m in enumerate(draw)}
        self.background = geo.rgb(scene.camera.background_color)
        self.labels: list[_Label] = []
        self.shapes: list[_Leaf] = []  # visible non-text leaves
        self.leaves: list[_Leaf] = []  # every visible leaf, text or not
        seen: set[int] = set()
        for top in list_update(scene.mobjects, scene.foreground_mobjects):
            stack: list[tuple[Mobject, tuple[Mobject, ...], _Label | None]] = [(top, (), None)]
            while stack:
                mob, anc, label = stack.pop()
                if id(mob) in seen:
                    continue
                seen.add(id(mob))
                if label is None and is_text(mob):
                    label = _Label(mob, top, text_of(mob))
                    self.labels.append(label)
                if id(mob) in order:
                    leaf = self._leaf(mob, top, anc, order[id(mob)])
                    if leaf is not None:
                        self.leaves.append(leaf)
                        (label.glyphs if label is not None else self.shapes).append(leaf)
                for sub in reversed(mob.submobjects):
                    stack.append((sub, anc + (mob,), label))
        self.labels = [lb for lb in self.labels if lb.glyphs]
        for lb in self.labels:
            lb.glyphs.sort(key=lambda g: g.order)
        self.shapes.sort(key=lambda s: s.order)
        self._polys: dict[int, list[np.ndarray]] = {}

    @staticmethod
    def _leaf(mob: Mobject, top: Mobject, anc: tuple[Mobject, ...], order: int) -> _Leaf | None:
        fill, stroke = _opacity(mob)
        if max(fill, stroke) < VISIBLE_OPACITY:
            return None
        pts = geo.outline(mob)
        b = geo.box(pts)
        if b is None or (b[2] - b[0] <= 0 and b[3] - b[1] <= 0):
            return None
        return _Leaf(mob, top, anc, order, pts, b, fill, stroke)

    def polygons(self, shape: _Leaf) -> list[np.ndarray]:
        if id(shape.mob) not in self._polys:
            self._polys[id(shape.mob)] = geo.polygons(shape.mob) if isinstance(shape.mob, VMobject) else []
        return self._polys[id(shape.mob)]

    def describe(self, leaf: _Leaf, fill: bool = True) -> str:
        """A shape named by its kind, its fill, and the texts of the nearest group around it."""
        kind = type(leaf.mob).__name__
        if fill and leaf.fill >= VISIBLE_OPACITY and isinstance(leaf.mob, VMobject):
            kind += f" (fill {geo.hex_of(geo.rgb(leaf.mob.get_fill_color()))} at {leaf.fill:.0%})"
        for group in reversed(leaf.ancestors):
            if type(group).__name__ in ("Group", "VGroup"):
                continue  # an anonymous container (or one an AnimationGroup made) says nothing
            texts = [lb.text for lb in self.labels if any(lb.mob is m for m in group.get_family())]
            shown = ", ".join(quote(t, 24) for t in texts[:3]) + (", …" if len(texts) > 3 else "")
            return f"{kind} of {type(group).__name__}" + (f" ({shown})" if texts else "")
        return kind


# -- the checks on one state ----------------------------------------------------------


def inspect(scene: Any, moving: set[int] | None = None) -> list[Fault]:
    """Every layout fault in the scene's current state.

    ``moving`` holds the ids of mobjects being animated right now; their
    texts are not judged for size or contrast in this sample.
    """
    view = _View(scene)
    moving = moving or set()
    faults: list[Fault] = []
    faults += _frame_faults(view)
    faults += _overlap_faults(view)
    settled = [lb for lb in view.labels if not any(id(g.mob) in moving for g in lb.glyphs)
               and id(lb.mob) not in moving]
    faults += _size_faults(settled)
    faults += _cover_faults(view, {id(lb.mob) for lb in settled})
    return faults


def _frame_faults(view: _View) -> list[Fault]:
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    mx, my = config.frame_width * theme.SAFE_MARGIN, config.frame_height * theme.SAFE_MARGIN
    frame = np.array([-half_w, -half_h, half_w, half_h])
    safe = frame + np.array([mx, my, -mx, -my])
    by_top: dict[int, list[_Leaf]] = {}
    for leaf in view.leaves:
        by_top.setdefault(id(leaf.top), []).append(leaf)
    faults = []
    label_of = {id(g.mob): lb for lb in view.labels for g in lb.glyphs}
    for leaves in by_top.values():
        for check, area in (("off-frame", frame), ("safe-margin", safe)):
            over = []  # (overshoot, side, leaf)
            for leaf in leaves:
                b = leaf.box
                for side, d in (("left", area[0] - b[0]), ("bottom", area[1] - b[1]),
                                ("right", b[2] - area[2]), ("top", b[3] - area[3])):
                    if d > TOLERANCE:
                        over.append((d, side, leaf))
            if not over:
                continue
            worst = max(over, key=lambda o: o[0])
            names: list[str] = []
            for _, _, leaf in sorted(over, key=lambda o: -o[0]):
                lb = label_of.get(id(leaf.mob))
                name = quote(lb.text) if lb is not None else view.describe(leaf, fill=False)
                if name not in names:
                    names.append(name)
            sides = sorted({o[1] for o in over})
            top = leaves[0].top
            whole = "" if type(top).__name__ in ("Group", "VGroup") else f" (in {type(top).__name__})"
            where = "frame" if check == "off-frame" else "safe area (5 % margin)"
            msg = (f"{', '.join(names[:3])}{' …' if len(names) > 3 else ''}{whole} "
                   f"sticks out {worst[0] * PX_480:.0f} px past the {'/'.join(sides)} edge of the {where}")
            fix = (f"move or scale it inward: content must stay within x ±{safe[2]:.2f}, y ±{safe[3]:.2f}"
                   f" (theme.SAFE_MARGIN)")
            worst_leaf = worst[2]
            culprit = label_of[id(worst_leaf.mob)].mob if id(worst_leaf.mob) in label_of else worst_leaf.mob
            faults.append(Fault(check, (check, id(culprit)), names[:5], msg, fix, worst[0], (culprit,)))
            break  # off the frame implies off the safe area: report the worse one only
    return faults


def _overlap_faults(view: _View) -> list[Fault]:
    """Texts whose glyph outlines overlap (text boxes, then glyph boxes, then the real outlines)."""
    faults: list[Fault] = []
    labels = view.labels
    if len(labels) < 2:
        return faults
    boxes = np.array([lb.box for lb in labels])
    for i, j, _, _ in geo.overlapping_pairs(boxes, boxes, shrink=TOLERANCE / 2):
        if j <= i:
            continue
        a, b = labels[i], labels[j]
        hit = None
        for k, m, gw, gh in geo.overlapping_pairs(a.boxes, b.boxes, shrink=TOLERANCE / 2)[:64]:
            if geo.outlines_overlap(view.polygons(a.glyphs[k]), view.polygons(b.glyphs[m])):
                hit = (gw, gh)
                break
        if hit is None:
            continue
        if id(a.mob) > id(b.mob):
            a, b = b, a
        size = f"{hit[0] * PX_480:.0f}x{hit[1] * PX_480:.0f} px"
        msg = f"{quote(a.text)} and {quote(b.text)} overlap by {size}"
        fix = "move one of them (next_to / arrange with a buff) or shorten the text"
        faults.append(Fault("overlap", ("overlap", id(a.mob), id(b.mob)), [a.text, b.text], msg, fix,
                            hit[0] * hit[1], (a.mob, b.mob)))
    return faults


def _size_faults(labels: Iterable[_Label]) -> list[Fault]:
    faults = []
    for lb in labels:
        size = font_size_of(lb.mob)
        if size is None:
            continue
        px = text_px(size)
        if px < MIN_TEXT_PX - 1e-6:
            msg = (f"{quote(lb.text)} is {px:.1f} px tall at 480p (font size {size:.1f}); "
                   f"the floor is {MIN_TEXT_PX:.0f} px")
            fix = f"draw it at font size >= theme.SMALL ({theme.SMALL}); do not scale it (or its group) down"
            faults.append(Fault("text-size", ("text-size", id(lb.mob)), [lb.text], msg, fix,
                                MIN_TEXT_PX - px, (lb.mob,)))
    return faults


def _cover_faults(view: _View, judged: set[int]) -> list[Fault]:
    """Hidden labels (any label) and contrast (labels in ``judged`` only)."""
    faults = []
    filled = [s for s in view.shapes if s.fill >= VISIBLE_OPACITY and isinstance(s.mob, VMobject)]
    shape_boxes = np.array([s.box for s in filled]).reshape(-1, 4)
    for lb in view.labels:
        centres = np.array([[(g.box[0] + g.box[2]) / 2, (g.box[1] + g.box[3]) / 2] for g in lb.glyphs])
        tb = lb.box
        hits: list[list[_Leaf]] = [[] for _ in lb.glyphs]
        near = np.nonzero((shape_boxes[:, 0] <= tb[2]) & (shape_boxes[:, 2] >= tb[0])
                          & (shape_boxes[:, 1] <= tb[3]) & (shape_boxes[:, 3] >= tb[1]))[0]
        for shape in (filled[k] for k in near):
            sb = shape.box
            in_box = (centres[:, 0] >= sb[0]) & (centres[:, 0] <= sb[2]) & (centres[:, 1] >= sb[1]) & (
                centres[:, 1] <= sb[3])
            idx = np.nonzero(in_box)[0]
            if len(idx) == 0:
                continue
            ins = geo.inside(centres[idx], view.polygons(shape))
            for k in idx[ins]:
                hits[k].append(shape)
        hidden_by: list[_Leaf] = []
        worst: tuple[float, np.ndarray, np.ndarray, list[_Leaf]] | None = None
        n_hidden = 0
        for g, shapes in zip(lb.glyphs, hits, strict=True):
            back = view.background
            over: list[_Leaf] = []
            under: list[_Leaf] = []
            for s in sorted(shapes, key=lambda s: s.order):
                (under if s.order < g.order else over).append(s)
            for s in under:
                back = geo.blend(geo.rgb(s.mob.get_fill_color()), s.fill, back)
            fg = geo.blend(geo.rgb(g.mob.get_fill_color()), g.fill, back)
            covered = False
            for s in over:
                if s.fill >= HIDING_OPACITY:
                    covered = True
                    if s not in hidden_by:
                        hidden_by.append(s)
                    break
                col = geo.rgb(s.mob.get_fill_color())
                fg, back = geo.blend(col, s.fill, fg), geo.blend(col, s.fill, back)
            if covered:
                n_hidden += 1
                continue
            ratio = geo.contrast_ratio(fg, back)
            if worst is None or ratio < worst[0]:
                worst = (ratio, fg, back, under + over)
        if n_hidden:
            names = [view.describe(s) for s in hidden_by]
            msg = (f"{n_hidden} of {len(lb.glyphs)} letters of {quote(lb.text)} are covered by "
                   f"{', '.join(names[:2])} drawn after it")
            fix = ("draw the label after the shape (give it a higher z_index) or move it off the shape; "
                   "note that animating a shape on its own inside an AnimationGroup re-adds it to the "
                   "scene last, above its label: animate the group that holds both")
            faults.append(Fault("hidden", ("hidden", id(lb.mob)), [lb.text] + names[:2], msg, fix,
                                n_hidden / len(lb.glyphs), (lb.mob,)))
        elif id(lb.mob) in judged and worst is not None and worst[0] < MIN_CONTRAST - 1e-6:
            ratio, fg, back, shapes = worst
            behind = ", ".join(view.describe(s) for s in shapes[-1:]) if shapes else "the background"
            msg = (f"{quote(lb.text)} has contrast {ratio:.2f}:1 ({geo.hex_of(fg)} on {geo.hex_of(back)}, "
                   f"over {behind}); WCAG AA needs {MIN_CONTRAST}:1")
            fix = ("use theme.TEXT or theme.MUTED at full opacity on the dark background, or put it on "
                   "theme.SURFACE; do not dim text below 4.5:1")
            faults.append(Fault("contrast", ("contrast", id(lb.mob)), [lb.text], msg, fix,
                                MIN_CONTRAST - ratio, (lb.mob,)))
    return faults


# -- from samples to findings ------------------------------------------------------------


def aggregate(samples: list[Sample], end: float, topic: str,
              beat_at: Callable[[float], tuple[int | None, str]]) -> list[Finding]:
    """Findings for the faults that stay visible at least :data:`MIN_VISIBLE` seconds.

    Each fault key (check + objects) becomes one finding, reported at its
    first visible stretch, with the worst measurement seen; later stretches
    are listed in the message.
    """
    samples = sorted(samples, key=lambda s: s.time)
    times = [s.time for s in samples] + [end]
    runs: dict[tuple, list[dict]] = {}
    open_runs: dict[tuple, dict] = {}
    for i, sample in enumerate(samples):
        present = {}
        for f in sample.faults:
            present.setdefault(f.key, f)
        for key, f in present.items():
            run = open_runs.get(key)
            if run is None:
                run = {"start": sample.time, "first": f, "worst": f, "line": sample.line,
                       "until": times[i + 1]}
                open_runs[key] = run
                runs.setdefault(key, []).append(run)
            if f.score > run["worst"].score:
                run["worst"] = f
            run["until"] = times[i + 1]
        for key in list(open_runs):
            if key not in present:
                del open_runs[key]
    findings = []
    for key_runs in runs.values():
        visible = [r for r in key_runs if r["until"] - r["start"] >= MIN_VISIBLE - 1e-9]
        if not visible:
            continue
        r = visible[0]
        f: Fault = r["worst"]
        beat, beat_text = beat_at(r["start"])
        message = f.message
        longest = max(x["until"] - x["start"] for x in visible)
        if len(visible) > 1:
            more = ", ".join(clock(x["start"]) for x in visible[1:4]) + (" …" if len(visible) > 4 else "")
            message += f" (again at {more})"
        findings.append(Finding(
            check=f.check, topic=topic, message=message, fix=f.fix, time=r["start"],
            duration=r["until"] - r["start"] if len(visible) == 1 else longest, beat=beat,
            beat_text=beat_text, objects=list(r["first"].objects), line=r["line"],
        ))
    return _merge(findings)


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding for faults of one check that appear together (same moment, same line)."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.check, round(f.time or 0.0, 6), f.line), []).append(f)
    out = []
    for group in groups.values():
        first = group[0]
        if len(group) > 1:
            others = [o for f in group[1:] for o in f.objects[:1]]
            shown = ", ".join(quote(o, 24) for o in others[:6]) + (" …" if len(others) > 6 else "")
            first.message += f"; the same for {len(group) - 1} more: {shown}"
            first.objects = list(dict.fromkeys(o for f in group for o in f.objects))
            first.duration = max(f.duration or 0.0 for f in group)
        out.append(first)
    return out
