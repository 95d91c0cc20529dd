"""Finding topics: every ``scenes/<name>.py`` module with a ``TOPIC`` and an ``ExplainerScene``.

A topic module declares its metadata as ``TOPIC = Topic(...)`` and defines
exactly one :class:`~visualsys.scene.ExplainerScene` subclass. Modules are
loaded from their file path, so a creator can also render a script that is
not in ``scenes/`` yet (``render.py path/to/my_topic.py``).
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

from .scene import ExplainerScene
from .topic import SLUG_RE, Topic


class TopicError(ValueError):
    """A topic could not be found or loaded; the message says what to do."""


@dataclass(frozen=True)
class TopicEntry:
    """A loadable topic: its metadata, scene class and source file."""

    topic: Topic
    scene: type[ExplainerScene]
    path: Path

    @property
    def slug(self) -> str:
        """The topic's CLI name."""
        return self.topic.slug

    def source_hash(self) -> str:
        """SHA-256 of the topic's source file (for metadata)."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def module_name(path: Path) -> str:
    """The import name a scene file is loaded under."""
    return f"visualsys_topic_{path.stem}"


def load_file(path: Path) -> TopicEntry:
    """Load the topic defined in the Python file ``path``."""
    path = Path(path).resolve()
    if not path.is_file():
        raise TopicError(f"scene file {path} does not exist")
    name = module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise TopicError(f"{path} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    topic = getattr(module, "TOPIC", None)
    if not isinstance(topic, Topic):
        raise TopicError(f"{path.name} has no `TOPIC = Topic(...)`; add one (see README, 'Writing a topic')")
    scenes = [
        obj for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, ExplainerScene)
        and obj is not ExplainerScene and obj.__module__ == name
    ]
    if len(scenes) != 1:
        raise TopicError(
            f"{path.name} must define exactly one ExplainerScene subclass, found {len(scenes)}"
        )
    return TopicEntry(topic, scenes[0], path)


def discover(scenes_dir: Path, errors: list[tuple[Path, Exception]] | None = None) -> dict[str, TopicEntry]:
    """Load every topic in ``scenes_dir``, keyed by slug, in catalog (file name) order.

    A module that fails to load raises, unless ``errors`` is given: then the
    failure is appended to it as ``(path, exception)`` and the others still load.
    Two modules with one slug always raise :class:`TopicError`.
    """
    found: dict[str, TopicEntry] = {}
    for path in sorted(Path(scenes_dir).glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            entry = load_file(path)
        except Exception as exc:
            if errors is None:
                raise
            errors.append((path, exc))
            continue
        if entry.slug in found:
            raise TopicError(f"two scene files declare the slug {entry.slug!r}")
        found[entry.slug] = entry
    return found


def find(name: str, scenes_dir: Path) -> TopicEntry:
    """Resolve ``name`` (a slug, or a path to a ``.py`` scene file) to a topic."""
    if name.endswith(".py"):
        return load_file(Path(name))
    if "/" in name or "\\" in name or ".." in name or not SLUG_RE.match(name):
        raise TopicError(
            f"{name!r} is not a topic name; topics are lower-case words joined by '-' "
            "(or give a path ending in .py)"
        )
    slug_file = Path(scenes_dir) / (name.replace("-", "_") + ".py")
    if slug_file.is_file():
        entry = load_file(slug_file)
        if entry.slug == name:
            return entry
    topics = discover(scenes_dir, errors=[])  # a broken module elsewhere must not hide this one
    if name in topics:
        return topics[name]
    close = difflib.get_close_matches(name, list(topics), n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else " Run `render.py list` to see them."
    raise TopicError(f"no topic called {name!r}.{hint}")
