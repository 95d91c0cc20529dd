"""A play's cache key: the state Manim's play hash reads, serialised by :mod:`pickle` instead of JSON.

Manim names each play's segment after a digest of everything on stage (the
camera, the play's animations, the scene's mobjects), serialised to JSON by
a Python encoder that walks every attribute of every object; that walk was
~10 % of a preview render's CPU. :func:`play_hash` reads the same state with
the same rules and feeds it to SHA-256 through the C pickler, which walks
dicts, lists and numbers itself and calls back into Python only for objects:

* an object is its class and its ``__dict__`` (Manim's filtered keys left out,
  as Manim leaves them out), plus its items if it is a list, tuple or dict;
* an array is its dtype, shape and bytes;
* a function is its source and the values of the globals and closure
  variables it reads (modules left out), as in Manim; a bound method also
  its ``__self__``;
* the scene itself is a placeholder, and so is anything else with no
  ``__dict__`` that pickle cannot take as it is (Manim writes its type);
* an object met a second time in one play is a back-reference, as Manim
  writes ``"AP"`` for it.

So two plays with the same key have the same state by Manim's own
definition; the keys are not Manim's strings, which only name files in the
topic's cache. What can differ is sharing: pickle also back-references a
string met twice, so two equal states built with different sharing get
different keys. That costs a redraw, never a wrong frame, and a render's
program is the same from run to run (the tests re-render and count).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import linecache
import pickle
import sys
import types
from typing import Any

import numpy as np
from manim import __version__ as manim_version
from manim.utils.hashing import KEYS_TO_FILTER_OUT

#: Bumped whenever what a key is made of changes (so old segments are not taken for new ones).
FORMAT = 1
_PASS = (np.generic, np.dtype, complex, bytes, bytearray, range, slice, frozenset, set, type,
         types.BuiltinFunctionType, functools.partial)
_CODE_TYPES = (types.FunctionType, types.MethodType)


def _token(*parts: Any) -> None:
    """The callable a key's reduce tuples name (never called: keys are only written)."""


class _Sink:
    """A write-only file that hashes what is written to it."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.write = self.digest.update


class _KeyPickler(pickle.Pickler):
    def __init__(self, sink: _Sink, scene: Any) -> None:
        super().__init__(sink, protocol=5)
        self.scene = scene
        self.skip: frozenset[str] = frozenset(KEYS_TO_FILTER_OUT)

    def reducer_override(self, obj: Any) -> Any:  # noqa: C901 - one dispatch, read top to bottom
        kind = type(obj)
        if kind is np.ndarray:
            if obj.dtype.hasobject:
                return _token, ("objects", obj.shape, obj.tolist())
            return _token, ("array", obj.dtype.str, obj.shape, obj.tobytes())
        if obj is self.scene:
            return _token, ("scene",)
        if kind in _CODE_TYPES:
            return NotImplemented if obj is _token else self._code(obj)
        if isinstance(obj, _PASS):
            return NotImplemented  # pickle's own way: by value, or a class or builtin by its name
        if isinstance(obj, types.ModuleType):
            return _token, ("module", obj.__name__)
        if isinstance(obj, np.ndarray):  # a subclass
            return _token, ("array", kind.__qualname__, repr(obj) if obj.size <= 1000 else obj.shape,
                            np.ascontiguousarray(obj).tobytes() if not obj.dtype.hasobject else None)
        state = getattr(obj, "__dict__", None)
        items: Any = None
        if isinstance(obj, (list, tuple)):
            items = list(obj)
        elif isinstance(obj, dict):
            items = dict(obj)
        if state is None and items is None:
            return _token, ("opaque", kind.__module__, kind.__qualname__)
        if state is not None:
            skip = self.skip
            state = {k: v for k, v in state.items() if k not in skip} if isinstance(state, dict) else None
        return _token, ("object", kind.__module__, kind.__qualname__, items), state

    def _code(self, fn: Any) -> Any:
        func = fn.__func__ if isinstance(fn, types.MethodType) else fn
        try:
            names = inspect.getclosurevars(fn)
            values = {**names.globals, **names.nonlocals}
        except (TypeError, ValueError):
            values = {}
        values = {k: v for k, v in values.items() if not isinstance(v, types.ModuleType)}
        owner = fn.__self__ if isinstance(fn, types.MethodType) else None
        return _token, ("code", _source(func.__code__), values, owner)


@functools.lru_cache(maxsize=4096)
def _source(code: types.CodeType) -> str:
    """The source of ``code``'s block, as :func:`inspect.getsource` finds it (without its module search)."""
    lines = linecache.getlines(code.co_filename)
    first = code.co_firstlineno - 1
    if not lines or first >= len(lines):
        return f"{code.co_filename}:{code.co_firstlineno}:{code.co_name}"
    try:
        return "".join(inspect.getblock(lines[first:]))
    except (IndexError, SyntaxError):
        return "".join(lines[first:first + 1])


def play_hash(scene: Any, camera: Any, animations: Any, mobjects: Any, *, backend: str,
              encoder_fingerprint: str, renderer_state: Any) -> str:
    """The cache key of one play: what :func:`manim.utils.hashing.get_hash_from_play_call` reads, pickled.

    Same arguments as Manim's function, so it can stand in for it.
    """
    sink = _Sink()
    pickler = _KeyPickler(sink, scene)
    pickler.dump((FORMAT, manim_version, sys.version_info[:2], backend, encoder_fingerprint))
    pickler.dump(camera)
    pickler.skip = frozenset(KEYS_TO_FILTER_OUT - {"pixel_array"})  # Manim keeps images' pixels elsewhere
    pickler.dump(sorted(animations, key=str))
    pickler.dump(list(mobjects))
    pickler.dump(renderer_state)
    return sink.digest.hexdigest()


__all__ = ["FORMAT", "play_hash"]
