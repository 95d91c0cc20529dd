"""Play keys: skip Manim's per-play hash for plays whose inputs are those of an earlier render.

Manim names each play's cached segment by a hash of the whole scene as it
stands (every mobject serialised to JSON): on a re-render that is the
largest cost after drawing, paid for every play, changed or not.

A scene is a deterministic program. What a play draws depends only on the
code that ran before it and on what that code was given: the source files,
the tool versions, the render settings, and the narration clips the beats
before it spoke. A *play key* is a running SHA-256 of exactly those inputs,
taken as the play starts. Each render keeps a journal, ``play key -> Manim
hash``; on the next render a play whose key is in the journal takes the
hash from it and skips Manim's hashing (its segment is then found in
Manim's cache as usual, or drawn again if it was pruned).

Editing a beat's narration changes the clip that beat speaks, so every play
from that beat on has a new key and is hashed by Manim as before (and,
where its picture did not change, still found in the cache). What the keys
cover:

* the scene's own module, as a syntax tree without the text of its
  ``voiceover`` blocks (that text is folded in as each block runs), and every
  other local source file it uses (:func:`.sources.source_closure`), every
  file of the visualsys package and of ``assets/``;
* non-Python files next to the topic file;
* the versions of Manim, NumPy, cairo, Pango and PyAV, and Python's;
* the render settings (size, frame rate, encoder, every Manim option set);
* the voice's fingerprint and lexicon, and, in the order the scene reached
  them, each ``voiceover`` text as written (bookmarks included) and the clip
  spoken for it (text, samples, word timings);
* the scene class's plain class attributes (classes made at run time);
* Python's string-hash seed: with hash randomisation on, keys differ between
  processes and never match (``render.py`` fixes the seed, so they do).

A scene reading anything else at run time (a data file elsewhere, the
clock, the environment) would defeat the keys: keep such inputs in files
next to the topic, or set ``VISUALSYS_PLAY_KEYS=0`` to hash every play.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from .sources import source_closure

#: Bumped when what a key covers changes.
FORMAT = "visualsys-play-keys-1"
JOURNAL = "play-keys.json"
PACKAGE = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parents[3] / "assets"


class PlayKeys:
    """The running key of one render process, and the journal it looks hashes up in.

    Attributes
    ----------
    by_index
        The key of every play the scene reached, by play index.
    hits
        Plays whose Manim hash came from the journal.
    """

    def __init__(self, base: bytes, journal: dict[str, str] | None = None) -> None:
        self._chain = hashlib.sha256(FORMAT.encode())
        self._fold(base)
        self.journal = journal or {}
        self.by_index: list[str] = []
        self.current: str | None = None
        self.hits = 0

    def _fold(self, data: bytes) -> None:
        self._chain.update(len(data).to_bytes(8, "little"))
        self._chain.update(data)

    def spoke(self, text: str, speech: Any) -> None:
        """Fold in a clip the scene was given (everything of it a scene can see)."""
        words = [(w.text, w.start, w.end) for w in speech.words]
        self._fold(json.dumps([text, speech.sample_rate, len(speech.samples), words]).encode())
        self._fold(hashlib.sha256(speech.samples.tobytes()).digest())

    def said(self, text: str, args: tuple, kwargs: dict[str, Any]) -> None:
        """Fold in a ``voiceover`` block's text as the scene wrote it (bookmarks move the picture too)."""
        self._fold(json.dumps([text, repr(args), repr(sorted(kwargs.items()))]).encode())

    def begin(self, index: int) -> None:
        """A play starts: its key is the inputs so far and its index."""
        if index != len(self.by_index):
            raise RuntimeError(f"play {index} began after play {len(self.by_index) - 1}")
        chain = self._chain.copy()
        chain.update(f"play {index}".encode())
        self.current = chain.hexdigest()
        self.by_index.append(self.current)

    def known_hash(self) -> str | None:
        """The current play's Manim hash from an earlier render with the same inputs, if any."""
        found = self.journal.get(self.current) if self.current is not None else None
        if found is not None:
            self.hits += 1
        return found


def attach(scene: Any, keys: PlayKeys) -> None:
    """Fold the text of each ``voiceover`` block of ``scene`` (as written, with bookmarks) into ``keys``."""
    original = scene.voiceover

    def voiceover(text: str, *args: Any, **kwargs: Any) -> Any:
        keys.said(text, args, kwargs)
        return original(text, *args, **kwargs)

    scene.voiceover = voiceover


class KeyedNarrator:
    """A narrator that folds every clip it returns into ``keys`` (everything else is the wrapped one's)."""

    def __init__(self, inner: Any, keys: PlayKeys) -> None:
        self.inner, self.keys = inner, keys

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def speak(self, text: str) -> Any:
        """Speak ``text`` and fold the clip into the keys."""
        speech = self.inner.speak(text)
        self.keys.spoke(text, speech)
        return speech


def base_inputs(scene_cls: type, options: dict[str, Any], narrator: Any) -> bytes:
    """Everything a render's frames depend on besides the narration clips, as bytes."""
    import av
    import cairo
    import manim
    import manimpango
    import numpy

    parts: list[Any] = [
        FORMAT,
        f"{scene_cls.__module__}.{scene_cls.__qualname__}",
        {k: repr(v) for k, v in sorted(options.items())},
        [manim.__version__, numpy.__version__, cairo.cairo_version_string(), manimpango.__version__,
         av.__version__, sys.version],
        getattr(narrator.service, "fingerprint", repr(narrator.service)),
        sorted(getattr(narrator, "lexicon", {}).items()),
        hash("visualsys") if sys.flags.hash_randomization else 0,
        _class_data(scene_cls),
    ]
    files: dict[str, Path] = {}
    module = sys.modules.get(scene_cls.__module__)
    if module is not None:
        files.update({f"module:{name}": path for name, path in source_closure(module).items()
                      if name != module.__name__})
        topic = getattr(module, "__file__", None)
        if topic:
            folder = Path(topic).resolve().parent
            files.update({f"beside:{p.name}": p for p in sorted(folder.iterdir())
                          if p.is_file() and p.suffix != ".py" and not p.name.startswith(".")})
    for root, tag in ((PACKAGE, "package"), (ASSETS, "assets")):
        if root.is_dir():
            files.update({f"{tag}:{p.relative_to(root).as_posix()}": p for p in sorted(root.rglob("*"))
                          if p.is_file() and "__pycache__" not in p.parts})
    digest = hashlib.sha256(json.dumps(parts, default=repr).encode())
    topic_file = getattr(module, "__file__", None) if module is not None else None
    if topic_file:  # the scene's own module: its code, without the narration the keys fold in as it is spoken
        digest.update(narration_free(Path(topic_file).read_text(encoding="utf-8")).encode())
    for name, path in sorted(files.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def narration_free(source: str) -> str:
    """``source``'s syntax tree, with the string constants of every ``.voiceover(...)`` text blanked.

    The text itself reaches the keys when the block runs (:meth:`PlayKeys.said`),
    so a play keeps its key when a later beat's narration is edited. Comments and
    line wrapping are not part of the tree either; code inside an f-string's
    braces is.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr == "voiceover":
            for text in node.args[:1] + [k.value for k in node.keywords if k.arg == "text"]:
                for part in ast.walk(text):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        part.value = ""
    return ast.dump(tree)


def _class_data(scene_cls: type) -> list[Any]:
    """Plain data attributes of the scene's classes (a class made at run time has no file of its own)."""
    out = []
    for cls in scene_cls.__mro__:
        if cls.__module__.startswith(("manim.", "visualsys.")) or cls is object:
            continue
        data = {k: repr(v) for k, v in sorted(vars(cls).items())
                if not k.startswith("__") and isinstance(v, (str, int, float, bool, tuple, type(None)))}
        out.append([cls.__module__, cls.__qualname__, data])
    return out


def load_journal(folder: Path) -> dict[str, str]:
    """The journal of earlier renders in ``folder`` (empty if missing or unreadable)."""
    try:
        data = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("keys"), dict):
        return {}
    return {str(k): str(v) for k, v in data["keys"].items()}


def save_journal(folder: Path, old: dict[str, str], keys: list[str], segments: list[str],
                 kept: set[str]) -> None:
    """Write the journal: this render's ``key -> hash``, and older entries whose segment is still cached.

    ``segments`` are this render's segment files in play order (the file
    stem is Manim's hash); ``kept`` the stems of every segment in the cache.
    """
    if len(keys) != len(segments):
        raise ValueError(f"{len(keys)} play keys for {len(segments)} segments")
    entries = {k: h for k, h in old.items() if h in kept}
    entries.update({k: Path(s).stem for k, s in zip(keys, segments, strict=True)})
    tmp = folder / f".{JOURNAL}.{os.getpid()}"
    text = json.dumps({"format": FORMAT, "keys": entries}, indent=0, sort_keys=True)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, folder / JOURNAL)


__all__ = [
    "KeyedNarrator", "PlayKeys", "attach", "base_inputs", "load_journal", "narration_free", "save_journal",
]
