"""Geometry and colour helpers for the layout checks: outlines, boxes, point-in-shape, WCAG contrast.

Everything works on Manim's own data (a VMobject's cubic Bézier points, its
fill colour and opacity) with numpy; nothing is rasterised.
"""

from __future__ import annotations

import numpy as np
from manim import ManimColor, Mobject, VMobject

#: Parameters at which each cubic segment is sampled. Bézier *control* points
#: can lie well outside the curve (a circle's by ~3 %), so extents and
#: polygons use points on the curve instead.
_T = np.linspace(0.0, 1.0, 5)
_BERNSTEIN = np.stack([(1 - _T) ** 3, 3 * (1 - _T) ** 2 * _T, 3 * (1 - _T) * _T**2, _T**3], axis=1)  # (5, 4)


def curve_points(points: np.ndarray) -> np.ndarray:
    """Points on the curves described by Manim's cubic Bézier ``points`` (n*4 x 3), as (m, 2) x/y."""
    n = len(points) // 4
    if n == 0:
        return np.zeros((0, 2))
    quads = points[: 4 * n, :2].reshape(n, 4, 2)
    return np.einsum("tk,nkd->ntd", _BERNSTEIN, quads).reshape(-1, 2)


def outline(mob: Mobject) -> np.ndarray:
    """Points on ``mob``'s own outline (not its submobjects'), as (m, 2)."""
    pts = mob.points
    if len(pts) == 0:
        return np.zeros((0, 2))
    if isinstance(mob, VMobject) and len(pts) % 4 == 0:
        return curve_points(pts)
    return np.asarray(pts)[:, :2]


def box(points: np.ndarray) -> np.ndarray | None:
    """``[xmin, ymin, xmax, ymax]`` of (m, 2) points, or ``None`` when there are none."""
    if len(points) == 0:
        return None
    lo, hi = points.min(axis=0), points.max(axis=0)
    return np.array([lo[0], lo[1], hi[0], hi[1]])


def polygons(mob: VMobject) -> list[np.ndarray]:
    """Each closed subpath of ``mob`` as a polygon of points on the curve."""
    out = []
    for sub in mob.get_subpaths():
        poly = curve_points(np.asarray(sub))
        if len(poly) >= 3:
            out.append(poly)
    return out


def inside(points: np.ndarray, polys: list[np.ndarray]) -> np.ndarray:
    """Which of (n, 2) ``points`` lie inside the shape made of ``polys`` (even-odd rule)."""
    result = np.zeros(len(points), dtype=bool)
    if len(points) == 0:
        return result
    px, py = points[:, 0:1], points[:, 1:2]
    for poly in polys:
        x1, y1 = poly[:, 0], poly[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        straddles = (y1 > py) != (y2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
        crossings = np.count_nonzero(straddles & (px < x_cross), axis=1)
        result ^= crossings % 2 == 1
    return result


def box_intersection(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Width and height of the intersection of two boxes (0 when they do not meet)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return (max(w, 0.0), max(h, 0.0))


def overlapping_pairs(a: np.ndarray, b: np.ndarray,
                      shrink: float = 0.0) -> list[tuple[int, int, float, float]]:
    """Pairs ``(i, j, width, height)`` of boxes of (n, 4) ``a`` and (m, 4) ``b`` that intersect.

    Every box is first shrunk by ``shrink`` on each side, so boxes that merely
    touch do not count. Largest intersections first.
    """
    if len(a) == 0 or len(b) == 0:
        return []
    a = a + np.array([shrink, shrink, -shrink, -shrink])
    b = b + np.array([shrink, shrink, -shrink, -shrink])
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    ii, jj = np.nonzero((w > 0) & (h > 0))
    pairs = [(int(i), int(j), float(w[i, j]), float(h[i, j])) for i, j in zip(ii, jj, strict=True)]
    return sorted(pairs, key=lambda p: -p[2] * p[3])


def outlines_overlap(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    """Whether two filled shapes, given as polygons (even-odd), share any area.

    Tested by points on each outline lying inside the other shape, which
    catches every overlap except two thin strokes crossing without either
    outline's sample points inside the other (not a concern for glyphs).
    """
    if not a or not b:
        return False
    pa, pb = np.concatenate(a), np.concatenate(b)
    return bool(inside(pa, b).any() or inside(pb, a).any())


# -- colour --------------------------------------------------------------------


def rgb(color: ManimColor | str) -> np.ndarray:
    """``color`` as an sRGB triple in 0..1."""
    return np.asarray(ManimColor(color).to_rgb(), dtype=float)


def blend(top: np.ndarray, alpha: float, under: np.ndarray) -> np.ndarray:
    """``top`` painted with opacity ``alpha`` over ``under`` (sRGB, as Cairo composites)."""
    alpha = float(np.clip(alpha, 0.0, 1.0))
    return alpha * top + (1.0 - alpha) * under


def luminance(color: np.ndarray) -> float:
    """WCAG 2 relative luminance of an sRGB triple in 0..1."""
    c = np.asarray(color, dtype=float)
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2])


def contrast_ratio(a: np.ndarray, b: np.ndarray) -> float:
    """WCAG 2 contrast ratio of two sRGB colours, from 1 (none) to 21 (black on white)."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def hex_of(color: np.ndarray) -> str:
    """``#RRGGBB`` of an sRGB triple in 0..1."""
    r, g, b = (int(round(float(np.clip(v, 0, 1)) * 255)) for v in color)
    return f"#{r:02X}{g:02X}{b:02X}"
