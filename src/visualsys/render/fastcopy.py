"""``Mobject.__deepcopy__`` with :func:`copy.deepcopy`'s dispatch done once per type, not once per value.

Manim copies whole mobject families all the time: every ``FadeIn``,
``Transform`` and ``become`` copies its mobject, and a re-render replays
every play's copies to rebuild the scene's state. Manim's
``Mobject.__deepcopy__`` hands each of a mobject's ~30 attributes to
:func:`copy.deepcopy`, which for every value looks in the memo, finds a
copier for its type and records what it copied. Two thirds of those values
are numbers, flags, names and enum members, which ``deepcopy`` returns as
they are; most of the rest are NumPy arrays.

:func:`mobject_deepcopy` does what Manim's does, attribute by attribute, in
the same order, with the same memo, except that it decides per *type* (once)
what ``deepcopy`` would do:

* numbers, strings, ``None`` and enum members are the values themselves
  (``deepcopy``'s atomic types; an enum member's ``__deepcopy__`` returns it);
* a plain numeric array is ``array.copy(order="K")`` (what
  ``ndarray.__deepcopy__`` does) and is entered in the memo, so an array
  met twice is copied once, as ``deepcopy`` does;
* a list or dict is a new one entered in the memo, its items copied by
  these rules (what ``deepcopy``'s own list and dict copiers do);
* a mobject in it (a submobject) is copied by its ``__deepcopy__``;
* a plain object (a colour, a state model: ``object``'s reduce protocol
  with nothing overridden) is a new instance of its class, entered in the
  memo, given its ``__dict__`` copied (what ``deepcopy``'s ``_reconstruct``
  does for it);
* anything else goes to :func:`copy.deepcopy` with the shared memo.

Everything already in the memo is the memo's, as in ``deepcopy``.

Attributes are set with ``setattr``, in the original's order, as Manim sets
them (so the copy's attributes are laid out as Manim's copy's are).
``tests/render/test_fastcopy.py`` compares copies made both ways, value by
value and sharing by sharing, and ``tests/render/test_perf_exact.py`` whole
renders frame by frame.
"""

from __future__ import annotations

import copy
import copyreg
import enum
from typing import Any

import numpy as np
from manim.mobject.mobject import Mobject

_AS_IS, _ARRAY, _LIST, _DICT, _MOBJECT, _PLAIN, _DEEPCOPY = range(7)
_ATOMIC = (type(None), int, float, bool, complex, str, bytes)
_NIL = object()
_HOW: dict[type, int] = {}


def _how(kind: type) -> int:
    """What ``deepcopy`` does with a value of type ``kind``, decided once per type."""
    how = _HOW.get(kind)
    if how is None:
        if kind in _ATOMIC or (issubclass(kind, enum.Enum) and kind.__deepcopy__ is enum.Enum.__deepcopy__):
            how = _AS_IS
        elif kind is np.ndarray:
            how = _ARRAY
        elif kind is list:
            how = _LIST
        elif kind is dict:
            how = _DICT
        elif issubclass(kind, Mobject):  # its own __deepcopy__, as deepcopy calls it
            how = _MOBJECT
        elif _plain(kind):
            how = _PLAIN
        else:
            how = _DEEPCOPY
        _HOW[kind] = how
    return how


def _plain(kind: type) -> bool:
    """Whether ``deepcopy`` copies a ``kind`` as a new object given a copy of its ``__dict__``, nothing else.

    That is ``object.__reduce_ex__``'s protocol with nothing overridden: no
    ``__deepcopy__``, reduce, ``__getstate__``/``__setstate__``, ``__slots__``,
    ``__getattr__`` or registered copier, and no built-in base but ``object``.
    """
    copiers = getattr(copy, "_deepcopy_dispatch", {})
    if type(kind) is not type or kind in copiers or kind in copyreg.dispatch_table:
        return False
    for klass in kind.__mro__[:-1]:
        if klass.__module__ == "builtins" or "__slots__" in vars(klass):
            return False
    return (kind.__reduce_ex__ is object.__reduce_ex__ and kind.__reduce__ is object.__reduce__
            and kind.__getstate__ is object.__getstate__ and not hasattr(kind, "__setstate__")
            and not hasattr(kind, "__deepcopy__") and not hasattr(kind, "__getattr__")
            and kind.__new__ is object.__new__)


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(value, memo)``."""
    kind = type(value)
    how = _HOW.get(kind)
    if how is None:
        how = _how(kind)
    if how == _AS_IS:
        return value
    found = memo.get(id(value), _NIL)
    if found is not _NIL:
        return found
    if how == _ARRAY and not value.dtype.hasobject:
        new = memo[id(value)] = value.copy(order="K")
        return new
    if how == _LIST:
        new = memo[id(value)] = []
        append = new.append
        for item in value:
            append(item if _HOW.get(type(item)) == _AS_IS else _copy(item, memo))
        return new
    if how == _DICT:
        new = memo[id(value)] = {}
        for k, v in value.items():
            new[k if _HOW.get(type(k)) == _AS_IS else _copy(k, memo)] = (
                v if _HOW.get(type(v)) == _AS_IS else _copy(v, memo))
        return new
    if how == _MOBJECT:
        new = memo[id(value)] = value.__deepcopy__(memo)
        return new
    if how == _PLAIN:
        new = memo[id(value)] = object.__new__(kind)  # (a plain class: its __new__ is object's)
        state = value.__dict__
        if state:
            new.__dict__.update(_copy(state, memo))
        return new
    return copy.deepcopy(value, memo)


def mobject_deepcopy(self: Mobject, memo: dict[int, Any]) -> Mobject:
    """``Mobject.__deepcopy__``: the same copy, with ``deepcopy``'s per-value dispatch decided per type."""
    cls = self.__class__
    result = cls.__new__(cls)
    memo[id(self)] = result
    for key, value in self.__dict__.items():
        setattr(result, key, value if _HOW.get(type(value)) == _AS_IS else _copy(value, memo))
    result.original_id = str(id(self))
    return result


__all__ = ["mobject_deepcopy"]
