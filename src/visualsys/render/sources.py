"""Which source files a topic is made of: its scene file and the local modules it uses.

Used for the ``sources`` of the metadata (a hash per module, so a render
says exactly which code made it) and by ``render.py <topic> --watch``
(which files to watch).

A module counts when its file is *local*: not part of Python itself and not
an installed package (site-packages), so the scene file, the helper
modules next to it and visualsys (installed editable) count, Manim and
NumPy do not. The set is the closure of what the topic module refers to —
modules it imported, and the modules that define the classes, functions
and objects it imported — followed through local modules only. It does not
depend on what else the process happened to import before.
"""

from __future__ import annotations

import hashlib
import site
import sys
import sysconfig
from functools import cache
from pathlib import Path
from types import ModuleType


@cache
def _foreign_roots() -> tuple[Path, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(path)
    try:
        roots.update(site.getsitepackages())
    except AttributeError:  # pragma: no cover - old virtualenv
        pass
    return tuple(Path(r).resolve() for r in roots)


def module_file(module: ModuleType) -> Path | None:
    """The local ``.py`` file of ``module``, or ``None`` (built-in, compiled, or installed)."""
    name = getattr(module, "__file__", None)
    if not name or not name.endswith(".py"):
        return None
    path = Path(name).resolve()
    for root in _foreign_roots():
        if path.is_relative_to(root):
            return None
    return path


def _referenced(module: ModuleType) -> set[str]:
    names: set[str] = set()
    is_package = hasattr(module, "__path__")
    for value in list(vars(module).values()):
        if isinstance(value, ModuleType):
            # a package gains an attribute for every submodule anyone imports: not a use
            if not (is_package and value.__name__.startswith(module.__name__ + ".")):
                names.add(value.__name__)
            continue
        owner = getattr(value, "__module__", None)
        if isinstance(owner, str):
            names.add(owner)
        owner = getattr(type(value), "__module__", None)
        if isinstance(owner, str):
            names.add(owner)
    # a package's __init__ runs whenever one of its modules is imported
    parts = module.__name__.split(".")
    names.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return names


def source_closure(module: ModuleType) -> dict[str, Path]:
    """Every local module ``module`` uses (itself included), by module name, in name order."""
    found: dict[str, Path] = {}
    todo = [module.__name__]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        mod = sys.modules.get(name)
        if mod is None:
            continue
        path = module_file(mod)
        if path is None:
            continue
        found[name] = path
        todo.extend(_referenced(mod))
    return dict(sorted(found.items()))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
