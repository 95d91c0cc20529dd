"""The house look: palette, fonts and sizes. The one place colours live.

Everything a primitive or a scene draws takes its colours and sizes from here,
so a topic never carries a colour literal and the whole catalog can be
restyled in one file.

Sizes are Manim ``font_size`` values chosen so that text stays readable in a
480p preview: ``SMALL`` (the smallest size anything may use) renders at about
20 px cap height at 480p.
"""

from __future__ import annotations

from manim import ManimColor

# -- palette (dark, low-glare, one accent per meaning) -----------------------
BACKGROUND = ManimColor("#0E1117")
SURFACE = ManimColor("#1A1F2B")  # cards, node fills
SURFACE_HI = ManimColor("#262D3D")  # highlighted fill
OUTLINE = ManimColor("#3A4357")  # quiet strokes, axes, rings
TEXT = ManimColor("#E8EDF5")
MUTED = ManimColor("#9AA5B8")  # secondary labels (still >= 4.5:1 on BACKGROUND)

BLUE = ManimColor("#5AA9FF")  # primary accent: "the thing we talk about"
GREEN = ManimColor("#4FD18B")  # success, accepted, healthy, committed
RED = ManimColor("#FF6B6B")  # failure, rejected, down
YELLOW = ManimColor("#F7C948")  # attention, in flight, suspect, candidate
PURPLE = ManimColor("#B794F6")
ORANGE = ManimColor("#FF9F5A")
TEAL = ManimColor("#3DD6D0")
PINK = ManimColor("#F78FB3")

#: Distinct colours for things of equal rank (servers on a ring, partitions,
#: processes). Cycle through with :func:`series`.
SERIES = (BLUE, ORANGE, GREEN, PURPLE, TEAL, PINK, YELLOW, RED)

# -- typography ---------------------------------------------------------------
FONT = "Inter"
MONO = "JetBrains Mono"

TITLE = 52
HEADING = 36
BODY = 28
LABEL = 24
SMALL = 20  # never go below this: it is the 480p legibility floor

# -- geometry -----------------------------------------------------------------
STROKE = 3
STROKE_THIN = 2
CORNER = 0.12
#: Keep content inside this fraction of the frame (a 5 % safe margin a side).
SAFE_MARGIN = 0.05


def series(i: int) -> ManimColor:
    """Return the ``i``-th colour of :data:`SERIES`, cycling."""
    return SERIES[i % len(SERIES)]
