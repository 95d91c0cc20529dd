"""Reusable visuals, each a Manim ``VGroup`` drawn from a pure-Python state model.

Verbs return Animations; scenes play them: ``self.play(ring.add_node("D"))``.
"""

from .widgets import Callout, Legend, Readout, TitleCard, label

__all__ = ["Callout", "Legend", "Readout", "TitleCard", "label"]
