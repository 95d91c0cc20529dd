"""Quality presets: the names ``--quality`` accepts, what each renders and how it is encoded.

Each preset also picks the x264 speed preset and CRF of Manim's per-play
segments. Stock Manim encodes every quality with x264's default ``medium``
preset at CRF 23. Measured on consistent-hashing's own frames (PSNR of the
decoded YUV against the YUV sent in; ``bench/render.py`` has the timing):

=================  ==========  ==============  ==============  ==============
preset / CRF       480p PSNR   480p file size  480p encoder    1080p encoder
                                               CPU             ms/frame
=================  ==========  ==============  ==============  ==============
medium / 23 stock  54.1 dB     0.70 MB         6.9 s           27
superfast / 23     55.4 dB     1.16 MB         3.9 s           11-13
ultrafast / 30     55.2 dB     1.60 MB         2.8 s           7-9
ultrafast / 23     61.4 dB     2.62 MB         2.8 s           7-9
=================  ==========  ==============  ==============  ==============

So every preset here loses less to the encoder than stock does, for less
than half its CPU; the price is file size (about 2.3x stock's at hd), which
no one watching sees. ``ultrafast`` also drops the deblocking filter;
flat graphics and text (these videos) show no blocking at CRF 30.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quality:
    """A render size and frame rate, and how its segments are encoded."""

    name: str
    height: int
    fps: int
    description: str
    x264_preset: str = "medium"
    crf: int = 23
    #: Rough share of a serial render spent replaying the scene (not drawing): balances parallel sections.
    replay_share: float = 0.2
    #: Finish the narration track while other processes still draw (at 1080p: once they are done, so
    #: their frame buffers and the clips are not in memory together; the peak stays under 1 GB).
    mix_while_drawing: bool = True
    #: x264's threads per segment encoder (0: x264 decides). One is enough where drawing is the
    #: bottleneck, and spends less CPU (no frame threads to start and keep in step for each play).
    x264_threads: int = 0

    def __post_init__(self) -> None:
        if self.height <= 0 or self.height % 2:
            raise ValueError(f"height must be a positive even number, got {self.height}")
        if self.fps <= 0:
            raise ValueError(f"fps must be > 0, got {self.fps}")
        if not 0 <= self.crf <= 51:
            raise ValueError(f"crf must be between 0 and 51, got {self.crf}")

    @property
    def width(self) -> int:
        """Frame width for a 16:9 picture, rounded to even (H.264 4:2:0 needs it)."""
        return round(self.height * 16 / 9 / 2) * 2

    @property
    def label(self) -> str:
        """Short form such as ``480p15``."""
        return f"{self.height}p{self.fps}"

    @property
    def encoder_options(self) -> dict[str, str]:
        """libx264 options for Manim's ``video_encoder_options``."""
        options = {"preset": self.x264_preset, "crf": str(self.crf)}
        if self.x264_threads:
            options["threads"] = str(self.x264_threads)
        return options


QUALITIES = {
    "preview": Quality("preview", 480, 15, "854x480 at 15 fps: fast look, what CI renders",
                       x264_preset="ultrafast", crf=23, replay_share=0.3, x264_threads=1),
    "draft": Quality("draft", 720, 30, "1280x720 at 30 fps: review copy",
                     x264_preset="ultrafast", crf=30, replay_share=0.15),
    "hd": Quality("hd", 1080, 60, "1920x1080 at 60 fps: publishable (the default)",
                  x264_preset="ultrafast", crf=30, replay_share=0.08, mix_while_drawing=False),
}
DEFAULT_QUALITY = "hd"
