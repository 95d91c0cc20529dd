"""A warm process for ``--watch``: the slow imports are paid once, each render is forked from it.

A render's process spends its first ~0.8 s importing Manim, NumPy, SciPy,
PyAV and the rest before it draws anything; in ``--watch`` that happens on
every save. :class:`WarmStarter` starts one *zygote* process that imports
those libraries (third-party code only) and then waits; each render is a
``fork`` of it that imports visualsys and the topic afresh, so edited scene
and library code is picked up exactly as with a new process.

The zygote runs no threads, so forking it is safe; it ignores Ctrl-C (the
terminal sends that to the render and the watcher) and exits when the
watcher goes away (its end of the control socket closes). If the zygote
cannot start or dies, :class:`WarmStarter` says so once and falls back to
starting each render as a new process.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Callable

from .workers import CHILD_PROGRAM, GC_THRESHOLDS

#: The zygote's program (run with ``python -c``; imports no visualsys module, see the module docstring).
ZYGOTE = r"""
import json, os, signal, socket, sys, traceback, warnings
signal.signal(signal.SIGINT, signal.SIG_IGN)
control = socket.socket(fileno=int(sys.argv[1]))
import manim  # noqa: first, as in a render
with warnings.catch_warnings():  # (pydub's "no ffmpeg" notice: renders never need that program)
    warnings.simplefilter("ignore")
    import numpy, scipy.signal, pyloudnorm, av, PIL.Image, click, pydub, srt, webvtt, jinja2  # noqa
    import onnx, onnxruntime, hibari.g2p, hibari.tts, hibari.dsp  # noqa: the default voice
import gc
gc.freeze()  # the renders' collector settings (tune_gc in render/workers.py, not importable here)
gc.set_threshold(*json.loads(sys.argv[2]))
control.sendall(b"ready\n")
reader = control.makefile("rb")
while True:
    line = reader.readline()
    if not line:
        break
    argv = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            reader.close()
            control.close()
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.argv = [sys.argv[0], *argv]
            from visualsys.cli import main
            main(argv, prog_name="render.py")
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    try:
        control.sendall(b"%d\n" % pid)
    except OSError:  # the watcher is gone (Ctrl-C): let the render finish, then leave
        os.waitpid(pid, 0)
        break
    _, status = os.waitpid(pid, 0)
    try:
        control.sendall(b"%d\n" % os.waitstatus_to_exitcode(status))
    except OSError:
        break
"""


class ZygoteGone(RuntimeError):
    """The warm process stopped or never started."""


class _Line:
    """Reads newline-terminated numbers from a socket, one byte at a time (no hidden buffer)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def ready(self) -> bool:
        readable, _, _ = select.select([self.sock], [], [], 0)
        return bool(readable)

    def read(self) -> str:
        data = b""
        while not data.endswith(b"\n"):
            byte = self.sock.recv(1)
            if not byte:
                raise ZygoteGone("the warm render process stopped")
            data += byte
        return data.decode().strip()


class ForkedRender:
    """One render forked by the zygote: ``poll``, ``terminate`` and ``wait`` like ``subprocess.Popen``."""

    def __init__(self, pid: int, line: _Line) -> None:
        self.pid, self._line = pid, line
        self.returncode: int | None = None

    def poll(self) -> int | None:  # noqa: D102
        if self.returncode is None and self._line.ready():
            self.returncode = self._code()
        return self.returncode

    def wait(self) -> int:  # noqa: D102
        if self.returncode is None:
            self.returncode = self._code()
        return self.returncode

    def terminate(self) -> None:  # noqa: D102
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def _code(self) -> int:
        try:
            return int(self._line.read())
        except ZygoteGone:
            return 1


class WarmStarter:
    """Starts renders (``argv`` of ``visualsys.cli``) as forks of a warm zygote; a plain process if it fails.

    Parameters
    ----------
    env
        The zygote's environment (and so every render's).
    say
        Told once if the zygote cannot be used.
    """

    def __init__(self, env: dict[str, str], say: Callable[[str], None]) -> None:
        self.env, self.say = env, say
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._line: _Line | None = None
        try:
            self._start_zygote()
        except (OSError, ZygoteGone) as error:
            self._fail(error)

    @property
    def warm(self) -> bool:
        """Whether renders are forked from the zygote."""
        return self._line is not None

    def start(self, argv: list[str]) -> ForkedRender | subprocess.Popen[bytes]:
        """Start a render of ``argv`` (as given to ``visualsys.cli.main``)."""
        if self._line is not None and self._sock is not None:
            try:
                self._sock.sendall(json.dumps(argv).encode() + b"\n")
                return ForkedRender(int(self._line.read()), self._line)
            except (OSError, ValueError, ZygoteGone) as error:
                self._fail(error)
        return subprocess.Popen([sys.executable, "-c", CHILD_PROGRAM, *argv],
                                stdin=subprocess.DEVNULL, env=self.env)

    def close(self) -> None:
        """Let the zygote go (it exits when its socket closes)."""
        if self._sock is not None:
            self._sock.close()
            self._sock = self._line = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def _start_zygote(self) -> None:
        mine, theirs = socket.socketpair()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", ZYGOTE, str(theirs.fileno()), json.dumps(GC_THRESHOLDS)],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=self.env)
        finally:
            theirs.close()
        self._sock, self._line = mine, _Line(mine)
        if self._line.read() != "ready":
            raise ZygoteGone("the warm render process did not start")

    def _fail(self, error: Exception) -> None:
        self.say(f"renders start as new processes ({error})")
        if self._sock is not None:
            self._sock.close()
        self._sock = self._line = None
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def __enter__(self) -> WarmStarter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
