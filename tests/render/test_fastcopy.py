"""Mobject copies under ``fast_paths`` (``render/fastcopy.py``) are ``copy.deepcopy``'s, value by value."""

from __future__ import annotations

import enum
import types

import numpy as np
import pytest
from manim import BLUE, Circle, Code, Dot, Square, Text, VGroup
from manim.mobject.mobject import Mobject

from visualsys.primitives import BTree, BTreeState, Cluster, ClusterState, HashRing
from visualsys.render import fastcopy
from visualsys.render.fastpaths import fast_paths

IMMUTABLE = (int, float, str, bool, bytes, complex, tuple, type(None))
MANIM_DEEPCOPY = Mobject.__deepcopy__  # (outside fast_paths: Manim's own)


def same(first, second):
    """``second`` is ``first`` copied: equal values, the same sharing, mutable things paired one to one."""
    pairs: dict[int, object] = {}
    todo = [(first, second, "copy")]
    while todo:
        a, b, path = todo.pop()
        if not (type(a) in IMMUTABLE or isinstance(a, np.generic)):
            if id(a) in pairs:
                assert pairs[id(a)] is b, f"{path}: shared differently"
                continue
            pairs[id(a)] = b
        assert type(a) is type(b), f"{path}: {type(a)} vs {type(b)}"
        if isinstance(a, float):
            assert repr(a) == repr(b), path
        elif isinstance(a, (int, str, bool, bytes, complex, type(None))):
            assert a == b, path
        elif isinstance(a, np.ndarray):
            assert (a.dtype, a.shape, a.strides) == (b.dtype, b.shape, b.strides), path
            assert a.tobytes() == b.tobytes(), path
        elif isinstance(a, np.generic):
            assert a.tobytes() == b.tobytes(), path
        elif isinstance(a, (types.FunctionType, types.BuiltinFunctionType, type, enum.Enum)):
            assert a is b, path  # deepcopy shares these
        elif isinstance(a, types.MethodType):
            assert a.__func__ is b.__func__, path
            todo.append((a.__self__, b.__self__, f"{path}.__self__"))
        elif isinstance(a, (list, tuple)):
            assert len(a) == len(b), path
            todo.extend((x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b, strict=True)))
        elif isinstance(a, dict):
            assert list(a) == list(b), path
            todo.extend((a[k], b[k], f"{path}[{k!r}]") for k in a)
        shared = (type, types.FunctionType, types.MethodType, enum.Enum)
        if hasattr(a, "__dict__") and not isinstance(a, shared):
            assert list(vars(a)) == list(vars(b)), f"{path}: attributes differ"
            todo.extend((vars(a)[k], vars(b)[k], f"{path}.{k}") for k in vars(a))


def both(mob):
    """The copy Manim's ``__deepcopy__`` makes (with the shared SVG parse), and ours."""
    with fast_paths():
        ours = mob.copy()
        fast = Mobject.__deepcopy__
        Mobject.__deepcopy__ = MANIM_DEEPCOPY
        try:
            theirs = mob.copy()
        finally:
            Mobject.__deepcopy__ = fast
    assert fast is fastcopy.mobject_deepcopy
    return theirs, ours


class Model:
    """A plain state model, as primitives keep one."""

    def __init__(self):
        self.rows = {"a": [1, 2.5, None]}
        self.weights = np.arange(6.0).reshape(2, 3)[:, ::2]  # a view: copied contiguous


class Opaque:
    """An object with its own ``__deepcopy__``: left to deepcopy."""

    def __init__(self):
        self.copies = 0

    def __deepcopy__(self, memo):
        new = Opaque()
        new.copies = self.copies + 1
        return new


class Tracked(Square):
    def __init__(self):
        super().__init__()
        self.model = Model()
        self.again = self.model  # one object reached twice: copied once
        self.points_alias = self.points  # one array reached twice
        self.me = self  # a cycle
        self.opaque = Opaque()
        self.mode = enum.Enum("Mode", "A B").A
        self.add_updater(self.nudge)  # a bound method: bound to the copy
        self.add_updater(lambda m, dt: m)

    def nudge(self, m, dt):
        return m


@pytest.mark.parametrize("make", [
    lambda: Square().set_fill(BLUE, 0.5),
    lambda: Text("Consistent hashing, walked clockwise"),
    lambda: Code(code_string="def f(x):\n    return x + 1\n", language="python"),
    lambda: VGroup(Circle(), Text("abc"), Dot().add_updater(lambda m, dt: m)),
    lambda: HashRing(nodes=["A", "B", "C"], keys=["k1", "k2"], vnodes=2),
    lambda: Cluster(ClusterState(["n1", "n2", "n3"])),
    lambda: BTree(BTreeState(order=3)),
    Tracked,
], ids=["square", "text", "code", "group", "hash-ring", "cluster", "b-tree", "tracked"])
def test_a_copy_is_deepcopys_copy(make):
    theirs, ours = both(make())
    same(theirs, ours)


def test_what_deepcopy_would_share_or_copy_is_shared_or_copied():
    original = Tracked()
    _, ours = both(original)
    assert ours.me is ours and ours.again is ours.model and ours.points_alias is ours.points
    assert ours.model is not original.model and ours.points is not original.points
    assert ours.model.weights.flags.c_contiguous  # a view copied as ndarray.__deepcopy__ copies it
    assert ours.updaters[0].__self__ is ours  # the bound updater follows the copy
    assert ours.updaters[1] is original.updaters[1]  # a function is shared, as deepcopy shares it
    assert ours.opaque.copies == 1  # its own __deepcopy__ ran
    assert ours.original_id == str(id(original))
    ours.points[0, 0] += 1
    assert ours.points[0, 0] != original.points[0, 0]
