"""The render pipeline: quality presets, running Manim, muxing, safe outputs."""
