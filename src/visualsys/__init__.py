"""visualsys: narrated, animated explainers about computer systems, on Manim.

Import what a scene needs from here::

    from visualsys import ExplainerScene, Topic, theme
    from visualsys.primitives import HashRing, TitleCard
"""

__version__ = "0.1.0"

from . import theme  # noqa: E402
from .scene import Beat, ExplainerScene  # noqa: E402
from .topic import Topic  # noqa: E402

__all__ = ["Beat", "ExplainerScene", "Topic", "theme", "__version__"]
