"""Writing outputs safely: a temporary file beside the target, renamed into place when complete.

A failed or interrupted render therefore never leaves a half-written file
and never destroys the previous good output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

TMP_PREFIX = ".visualsys-tmp-"


@cache
def file_mode() -> int:
    """Permissions of a new file under the process umask (``mkstemp`` would leave 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success rename it onto ``target``.

    On any exception (including KeyboardInterrupt) the temporary file is
    removed and ``target`` is left as it was. The finished file gets the
    usual permissions for a new file (0644 under the common umask), not the
    owner-only ones of a temporary file.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed; raise ``OSError`` with a clear message if outputs cannot go there.

    Checked before any rendering, so a bad ``--out`` costs seconds, not a render.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OSError(f"output folder {folder} is a file, not a folder; pass another --out")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot create output folder {folder}: {exc.strerror}; pass another --out") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OSError(f"output folder {folder} is not writable; pass another --out or fix its permissions")
    try:  # a read-only file system or an ACL can refuse what os.access allowed
        fd, probe = tempfile.mkstemp(prefix=TMP_PREFIX, dir=folder)
    except OSError as exc:
        raise OSError(
            f"output folder {folder} is not writable ({exc.strerror}); pass another --out") from None
    os.close(fd)
    os.unlink(probe)
