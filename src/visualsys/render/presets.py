"""Quality presets: the names ``--quality`` accepts and what each renders."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quality:
    """A render size and frame rate."""

    name: str
    height: int
    fps: int
    description: str

    @property
    def width(self) -> int:
        """Frame width for a 16:9 picture, rounded to even (H.264 4:2:0 needs it)."""
        return round(self.height * 16 / 9 / 2) * 2

    @property
    def label(self) -> str:
        """Short form such as ``480p15``."""
        return f"{self.height}p{self.fps}"


QUALITIES = {
    "preview": Quality("preview", 480, 15, "854x480 at 15 fps: fast look, what CI renders"),
    "draft": Quality("draft", 720, 30, "1280x720 at 30 fps: review copy"),
    "hd": Quality("hd", 1080, 60, "1920x1080 at 60 fps: publishable (the default)"),
}
DEFAULT_QUALITY = "hd"
