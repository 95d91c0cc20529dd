"""Safe outputs: atomic writes, the output-folder check, the per-topic lock, clean interrupts."""

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from visualsys.render import interrupts
from visualsys.render.files import TMP_PREFIX, atomic_path, check_writable, write_text_atomic
from visualsys.render.lock import exclusive


def test_atomic_write_replaces_the_target_with_normal_permissions(tmp_path):
    target = tmp_path / "t.srt"
    target.write_text("old")
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask  # not mkstemp's 0600
    assert [p.name for p in tmp_path.iterdir()] == ["t.srt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "t.mp4"
    target.write_bytes(b"good")
    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(exc)), atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise exc
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["t.mp4"]


def test_missing_output_folders_are_created(tmp_path):
    check_writable(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()
    assert not [p for p in (tmp_path / "a" / "b").iterdir()]  # the write probe is gone


def test_an_output_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OSError, match="is a file, not a folder"):
        check_writable(tmp_path / "f")
    with pytest.raises(OSError, match="cannot create output folder"):
        check_writable(tmp_path / "f" / "out")


def test_an_unwritable_output_folder_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "ro"
    out.mkdir()
    if os.geteuid() != 0:  # a real read-only folder (root ignores permissions)
        out.chmod(0o500)
        try:
            with pytest.raises(OSError, match="not writable"):
                check_writable(out)
        finally:
            out.chmod(0o700)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OSError, match="is not writable"):
        check_writable(out)


def test_the_lock_is_exclusive_across_processes(tmp_path):
    lock = tmp_path / "topic.lock"
    probe = textwrap.dedent(f"""
        import fcntl, os, sys
        fd = os.open({str(lock)!r}, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.exit(3)
        sys.exit(0)
    """)
    waited = []
    with exclusive(lock, on_wait=lambda: waited.append(1)):
        assert lock.read_text().strip() == str(os.getpid())
        assert subprocess.run([sys.executable, "-c", probe]).returncode == 3
    assert subprocess.run([sys.executable, "-c", probe]).returncode == 0
    assert waited == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signals_unwind_like_an_exception_and_repeat_signals_do_not_cut_the_cleanup(tmp_path, sig):
    target = tmp_path / "v.mp4"
    target.write_bytes(b"good")
    cleaned = []
    with interrupts.handled():
        with pytest.raises(interrupts.Interrupted) as info:
            try:
                with atomic_path(target) as tmp:
                    tmp.write_bytes(b"half")
                    os.kill(os.getpid(), sig)
            finally:
                os.kill(os.getpid(), sig)  # a second Ctrl-C during the clean-up is ignored
                cleaned.append(True)
    assert info.value.signum == sig and info.value.name == signal.Signals(sig).name
    assert cleaned == [True]
    assert target.read_bytes() == b"good"
    assert [p.name for p in tmp_path.iterdir()] == ["v.mp4"]
    assert signal.getsignal(sig) is not interrupts._handler  # put back


def test_a_signal_during_a_deferred_block_waits_for_its_end(tmp_path):
    done = []
    with interrupts.handled(), pytest.raises(interrupts.Interrupted):
        with interrupts.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            done.append("renamed everything")
    assert done == ["renamed everything"]


def test_temporary_names_are_recognisable(tmp_path):
    with atomic_path(tmp_path / "x.json") as tmp:
        assert tmp.name.startswith(TMP_PREFIX + "x.json-") and tmp.suffix == ".json"
        tmp.write_text("{}")
