"""Render speed, side by side with stock Manim, on a real topic.

Run::

    .venv/bin/python bench/render.py                      # preview and 1080p60, 3 runs each
    .venv/bin/python bench/render.py --quality preview --runs 5
    .venv/bin/python bench/render.py --quality hd --runs 1 --no-incremental

What is measured, for each quality, in alternating runs (the order rotates
every round, so a noisy neighbour hurts every variant alike):

* **stock** - the plain ``manim render`` CLI on a wrapper scene that subclasses
  the topic's scene (same frames: same narrator, so the same beat lengths);
  Manim's defaults otherwise (its cache on, x264 ``medium`` CRF 23). It
  makes the silent video only: no narration track, captions, poster,
  storyboard or metadata.
* **visualsys, 1 process** and **visualsys, N processes** - ``render.py
  <topic>`` with ``VISUALSYS_RENDER_WORKERS`` = 1 and N (N = the CPUs). This
  includes everything stock does *not* do: the mixed and loudness-normalised
  narration muxed as AAC, SRT/VTT captions, chapters, poster, storyboard and
  metadata.

Every run is cold: the segments of earlier runs are deleted first, and so are
our play-key journal (every play is hashed as in a first render) and our
last narration track and its levelled clips (it is mixed again). Manim's ``texts`` folder, which
stock keeps across runs in its media folder too, is kept for both, and so
are our pickled parses of those SVGs. Speech is not
measured: the hibari voice's clips are synthesised once before the runs (or
copied from ``.cache/speech``) into the bench's own cache and served from it.

Reported per variant: median wall time, median CPU time (user + system of
the process and its children), frames per second of wall time, peak memory
(the largest sum of PSS, i.e. shared pages split between the processes that
share them, over the process tree, sampled every 50 ms in one extra, untimed
run per variant, because sampling costs the measured render ~7 % of its wall
time; and the largest single-process max RSS over the timed runs), and
wall / stock.

**Encode floor**: the frames of the finished video are decoded and encoded
again with the same encoder settings, timing the encoder only (wrapping the
RGBA array, converting to YUV, x264): what a render would cost if drawing
were free. Shown for visualsys's settings and for stock's.

**Incremental**: a copy of the topic is rendered cold, one beat's narration
is edited (a new sentence each run, so the voice must synthesise it), and
it is rendered again; reported: the re-render's wall time as a share of the
cold render's, how many plays were drawn again, and how many clips were
synthesised. Then the same kind of edit is saved while ``render.py --watch``
runs on the copy, timed from the save to the end of the re-render (what a
creator waits for; those renders are forked from a warm process).

Nothing here is asserted; the numbers depend on the machine and on what
else runs on it (the header prints the load average).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MANIM = str(Path(PYTHON).with_name("manim"))
SIZES = {"preview": (854, 480, 15), "draft": (1280, 720, 30), "hd": (1920, 1080, 60)}
#: The beat edited for the incremental run: (sentence in the topic file, its replacement with {n}).
EDITS = {
    "consistent-hashing": ("To find a key's server, start at the key and walk clockwise. ",
                           "To find the server that owns a key, start at that key and walk clockwise, "
                           "take {n}. "),
}


# -- running and measuring a command ------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Run:
    wall: float
    cpu: float
    peak_pss_mb: float
    max_rss_mb: float


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
            memory: bool = False) -> Run:
    """Run ``cmd``; its wall and CPU time, max RSS and, with ``memory``, peak PSS of the tree (sampled).

    Sampling is not free (the kernel walks every page table for each
    ``smaps_rollup``: ~0.5 s of a 7 s two-process render), so timed runs
    do not sample; a separate run measures memory (``peak_pss_mb`` is 0 otherwise).
    """
    peak = [0]
    done = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def sample() -> None:
        while not done.is_set():
            pids, todo = [], [proc.pid]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo += _children(p)
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in pids))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    if memory:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = err.decode(errors="replace")[-3000:]
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, peak[0] / 1024, usage.ru_maxrss / 1024)


# -- the variants -------------------------------------------------------------------------------

STOCK_SCENE = '''"""Stock-Manim wrapper for the benchmark: the topic's scene with the benchmark's narrator."""
from pathlib import Path

from visualsys.narration import make_narrator
from visualsys.topics import load_file

_entry = load_file(Path({topic_file!r}))


class Stock(_entry.scene):
    def __init__(self, **kwargs):
        super().__init__(narrator=make_narrator("hibari", Path({speech!r})), **kwargs)
'''


@dataclass
class Bench:
    work: Path
    topic_file: Path
    slug: str
    quality: str
    workers: int

    @property
    def speech(self) -> Path:
        return self.work / "cache" / "speech"

    def stock_cmd(self) -> list[str]:
        w, h, fps = SIZES[self.quality]
        return [MANIM, "render", str(self.work / "stock_scene.py"), "Stock", "-r", f"{w},{h}",
                "--fps", str(fps),
                "--media_dir", str(self.work / "stock"), "-v", "ERROR", "--progress_bar", "none"]

    def stock_video(self) -> Path:
        found = sorted((self.work / "stock" / "videos").rglob("Stock.mp4"))
        if not found:
            sys.exit("stock Manim wrote no Stock.mp4")
        return found[0]

    def ours_cmd(self, topic_file: Path | None = None) -> list[str]:
        return [PYTHON, str(ROOT / "render.py"), str(topic_file or self.topic_file),
                "--quality", self.quality,
                "--voice", "hibari", "--cache", str(self.work / "cache"), "--out", str(self.work / "out")]

    def ours_env(self, workers: int) -> dict[str, str]:
        return dict(os.environ, VISUALSYS_RENDER_WORKERS=str(workers), CI="true")

    def cold(self) -> None:
        """Forget rendered segments (stock's and ours) and our play-key journal; keep text SVGs and speech."""
        from visualsys.render.pipeline import CLIPS_DIR
        from visualsys.render.playkeys import JOURNAL

        shutil.rmtree(self.work / "stock" / "videos", ignore_errors=True)
        topic = self.work / "cache" / "manim" / self.slug
        shutil.rmtree(topic / "videos", ignore_errors=True)
        (topic / JOURNAL).unlink(missing_ok=True)  # else every play's Manim hash comes from it
        for track in topic.glob("*.narration.*.m4a"):  # else an unchanged narration is not mixed again
            track.unlink()
        shutil.rmtree(topic / CLIPS_DIR, ignore_errors=True)  # else no clip is levelled again


def warm_speech(topic_file: Path, speech: Path) -> int:
    """Put every beat's hibari clip in the bench's cache (copied from .cache/speech, else synthesised)."""
    from manim import tempconfig

    from visualsys.narration import make_narrator
    from visualsys.narration.cache import Narrator
    from visualsys.topics import load_file

    project = make_narrator("hibari", ROOT / ".cache" / "speech")
    narrator = make_narrator("hibari", speech)

    class Seeding(Narrator):
        def speak(self, text):  # noqa: D102
            mine, theirs = narrator._path(text), project._path(text)
            if mine is not None and theirs is not None and not mine.exists() and theirs.exists():
                mine.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(theirs, mine)
            return narrator.speak(text)

    seeding = Seeding(narrator.service, speech, narrator.lexicon)
    entry = load_file(topic_file)
    with tempconfig({"dry_run": True, "verbosity": "ERROR", "progress_bar": "none", "pixel_height": 90,
                     "pixel_width": 160, "frame_rate": 15}):
        entry.scene(narrator=seeding).render()
    return narrator.synth_calls


def frames_of(video: Path) -> int:
    import av

    with av.open(str(video)) as c:
        return sum(1 for _ in c.demux(c.streams.video[0]) if _.dts is not None)


def encode_floor(video: Path, options: dict[str, str], copy_frames: bool) -> tuple[float, int]:
    """Seconds spent encoding ``video``'s frames again (RGBA in, H.264 out), encoder calls only."""
    import av
    import numpy as np

    spent, n = 0.0, 0
    with av.open(str(video)) as src, av.open(os.devnull, "w", format="mp4") as dst:
        vin = src.streams.video[0]
        rate = Fraction(vin.average_rate)
        out = dst.add_stream("libx264", rate=rate, options=options)
        out.width, out.height, out.pix_fmt = vin.codec_context.width, vin.codec_context.height, "yuv420p"
        tb = Fraction(rate.denominator, rate.numerator)

        def encode(frames: list[np.ndarray]) -> None:
            nonlocal spent, n
            t = time.perf_counter()
            for rgba in frames:
                f = (av.VideoFrame.from_ndarray(rgba, format="rgba") if copy_frames
                     else av.VideoFrame.from_numpy_buffer(rgba, format="rgba"))
                f.pts, f.time_base = n, tb
                n += 1
                for p in out.encode(f):
                    dst.mux(p)
            spent += time.perf_counter() - t

        batch: list[np.ndarray] = []
        for frame in src.decode(vin):
            batch.append(frame.to_ndarray(format="rgba"))
            if len(batch) == 32:
                encode(batch)
                batch = []
        encode(batch)
        t = time.perf_counter()
        for p in out.encode():
            dst.mux(p)
        spent += time.perf_counter() - t
    return spent, n


@dataclass
class Row:
    name: str
    runs: list[Run] = field(default_factory=list)
    #: The extra run that sampled memory (not among the timed runs).
    memory: Run | None = None

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def peak(self, attr: str) -> float:
        return max(getattr(r, attr) for r in self.runs)


def bench_quality(b: Bench, runs: int) -> dict:
    from visualsys.render.presets import QUALITIES

    q = QUALITIES[b.quality]
    variants: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "stock manim": (b.stock_cmd(), None),
        "visualsys, 1 process": (b.ours_cmd(), b.ours_env(1)),
    }
    if b.workers > 1:
        variants[f"visualsys, {b.workers} processes"] = (b.ours_cmd(), b.ours_env(b.workers))
    rows = {name: Row(name) for name in variants}
    names = list(variants)
    stock_frames = 0
    for r in range(runs):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            b.cold()
            cmd, env = variants[name]
            run = measure(cmd, env)
            rows[name].runs.append(run)
            if name == "stock manim":
                stock_frames = frames_of(b.stock_video())
            print(f"  run {r + 1}/{runs} {name:<26} wall {run.wall:6.1f} s  cpu {run.cpu:6.1f} s  "
                  f"max RSS {run.max_rss_mb:5.0f} MB", flush=True)
    for name in names:  # one more run each, sampling the memory of the process tree (not timed)
        b.cold()
        cmd, env = variants[name]
        rows[name].memory = measure(cmd, env, memory=True)
        print(f"  memory run {name:<26} peak PSS {rows[name].memory.peak_pss_mb:5.0f} MB", flush=True)
    frames = frames_of(b.work / "out" / f"{b.slug}.mp4")
    floor_ours, n = encode_floor(b.work / "out" / f"{b.slug}.mp4", q.encoder_options, copy_frames=False)
    floor_stock, _ = encode_floor(b.work / "out" / f"{b.slug}.mp4", {"crf": "23"}, copy_frames=True)
    return {"rows": rows, "frames": frames, "stock_frames": stock_frames, "floor_ours": floor_ours,
            "floor_stock": floor_stock, "floor_frames": n, "quality": q}


def bench_incremental(b: Bench, runs: int) -> list[dict]:
    """Cold render of a copy of the topic, then the same after editing one beat's narration."""
    if b.slug not in EDITS:
        print(f"  (no edit defined for {b.slug}; skipping the incremental run)")
        return []
    before, after = EDITS[b.slug]
    original = b.topic_file.read_text(encoding="utf-8")
    if before not in original:
        sys.exit(f"the incremental edit no longer matches {b.topic_file.name}; "
                 "update EDITS in bench/render.py")
    copy = b.work / "incremental" / b.topic_file.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    out = []
    segments = b.work / "cache" / "manim" / b.slug / "videos"
    for r in range(runs):
        copy.write_text(original, encoding="utf-8")
        b.cold()
        cold = measure(b.ours_cmd(copy), b.ours_env(b.workers))
        stamp = time.time()
        n = f"{int(stamp * 1000) % 100000}"  # a sentence never synthesised before
        copy.write_text(original.replace(before, after.format(n=n)), encoding="utf-8")
        clips_before = sum(1 for _ in b.speech.rglob("*.npz"))
        edit = measure(b.ours_cmd(copy), b.ours_env(b.workers))
        drawn = sum(1 for p in segments.rglob("*.mp4") if p.stat().st_mtime >= stamp
                    and "partial_movie_files" in p.parts and not p.name.startswith("."))
        meta = json.loads((b.work / "out" / f"{b.slug}.json").read_text(encoding="utf-8"))
        plays = sum(1 for p in segments.rglob("*.mp4") if "partial_movie_files" in p.parts)
        synthesised = sum(1 for _ in b.speech.rglob("*.npz")) - clips_before
        copy.write_text(original, encoding="utf-8")
        watched = watch_edit(b, copy, original.replace(before, after.format(n=f"{n}w")))
        out.append({"cold": cold, "edit": edit, "drawn": drawn, "synthesised": synthesised,
                    "segments_in_cache": plays, "beats": len(meta["beats"]), "watch": watched})
        print(f"  run {r + 1}/{runs} cold {cold.wall:6.1f} s, after editing one beat {edit.wall:6.1f} s "
              f"({edit.wall / cold.wall:.0%}); {drawn} play(s) drawn again, "
              f"{synthesised} clip(s) synthesised; the same edit saved under --watch: "
              f"{watched:.1f} s from the save to the finished outputs ({watched / cold.wall:.0%})",
              flush=True)
    copy.write_text(original, encoding="utf-8")
    return out


def watch_edit(b: Bench, topic_file: Path, edited: str) -> float:
    """Seconds from saving ``edited`` over ``topic_file`` to the re-render's end, under ``render.py --watch``.

    The watch renders the file as it is first (its cache is warm from the
    run before); the edit is saved once it says it is watching.
    """
    cmd = [*b.ours_cmd(topic_file), "--watch"]
    proc = subprocess.Popen(cmd, env=b.ours_env(b.workers), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)

    def until_watching() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("watching"):
                return
        sys.exit(f"render.py --watch ended early ({proc.wait()})")

    try:
        until_watching()
        saved = time.monotonic()
        topic_file.write_text(edited, encoding="utf-8")
        until_watching()
        return time.monotonic() - saved
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def report(results: dict[str, dict], incremental: dict[str, list[dict]], header: str) -> str:
    lines = [header, ""]
    for quality, res in results.items():
        q = res["quality"]
        rows: dict[str, Row] = res["rows"]
        stock = rows["stock manim"]
        lines.append(f"{quality} ({q.width}x{q.height}@{q.fps}, {res['frames']} frames; stock wrote "
                     f"{res['stock_frames']}), {len(stock.runs)} run(s) each, medians:")
        lines.append(f"  {'variant':<26} {'wall s':>7} {'cpu s':>7} {'frames/s':>9} {'peak PSS MB':>12} "
                     f"{'max RSS MB':>11} {'wall/stock':>11} {'cpu/stock':>10}")
        for row in rows.values():
            wall, cpu = row.median("wall"), row.median("cpu")
            lines.append(f"  {row.name:<26} {wall:>7.1f} {cpu:>7.1f} {res['frames'] / wall:>9.1f} "
                         f"{row.memory.peak_pss_mb if row.memory else 0:>12.0f} "
                         f"{row.peak('max_rss_mb'):>11.0f} "
                         f"{wall / stock.median('wall'):>11.2f} {cpu / stock.median('cpu'):>10.2f}")
        best = min((r for r in rows.values() if r is not stock), key=lambda r: r.median("wall"))
        lines.append("  speed-up (stock wall / visualsys wall): "
                     + ", ".join(f"{r.name.split(', ')[1]} {stock.median('wall') / r.median('wall'):.2f}x"
                                 for r in rows.values() if r is not stock))
        lines.append(f"  encode floor ({res['floor_frames']} frames, encoder calls only): "
                     f"visualsys settings ({q.x264_preset}/CRF {q.crf}) {res['floor_ours']:.1f} s, "
                     f"stock settings (medium/CRF 23) {res['floor_stock']:.1f} s; "
                     f"best visualsys wall / its floor = {best.median('wall') / res['floor_ours']:.2f}")
        lines.append("")
    for quality, runs in incremental.items():
        if not runs:
            continue
        ratios = [r["edit"].wall / r["cold"].wall for r in runs]
        lines.append(f"incremental at {quality}: re-render after editing one beat's narration = "
                     f"{statistics.median(ratios):.0%} of the cold render (median of {len(runs)}; cold "
                     f"{statistics.median(r['cold'].wall for r in runs):.1f} s, edit "
                     f"{statistics.median(r['edit'].wall for r in runs):.1f} s); plays drawn again: "
                     f"{', '.join(str(r['drawn']) for r in runs)}; clips synthesised: "
                     f"{', '.join(str(r['synthesised']) for r in runs)}")
        watch = [r["watch"] / r["cold"].wall for r in runs]
        lines.append(f"  the same edit saved while `render.py --watch` runs (renders forked from a warm "
                     f"process): {statistics.median(watch):.0%} of the cold render (median; "
                     f"{statistics.median(r['watch'] for r in runs):.1f} s from the save to the outputs)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--quality", choices=["preview", "draft", "hd", "both"], default="both",
                        help="both = preview and hd (default)")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per variant (default 3)")
    parser.add_argument("--topic", default="consistent-hashing")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for the parallel variant and the incremental runs "
                             "(default: the CPUs)")
    parser.add_argument("--no-incremental", action="store_true", help="skip the edit-one-beat re-render")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench",
                        help="scratch folder (default .cache/bench)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be >= 1")

    sys.path.insert(0, str(ROOT / "src"))
    from visualsys.render.workers import cpus
    from visualsys.topics import find

    workers = args.workers or cpus()
    entry = find(args.topic, ROOT / "scenes")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    speech = work / "cache" / "speech"
    synthesised = warm_speech(entry.path, speech)
    (work / "stock_scene.py").write_text(STOCK_SCENE.format(topic_file=str(entry.path), speech=str(speech)),
                                         encoding="utf-8")
    qualities = ["preview", "hd"] if args.quality == "both" else [args.quality]
    print("warming up (text SVGs, imports; not timed) ...", flush=True)
    warm = Bench(work, entry.path, entry.slug, "preview", workers)
    for cmd, env in ((warm.stock_cmd(), None), (warm.ours_cmd(), warm.ours_env(1))):
        warm.cold()
        measure(cmd, env)
    load = os.getloadavg()
    import av
    import manim

    header = (f"bench/render.py: {entry.slug}, {os.cpu_count()} CPUs, load average at start "
              f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; manim {manim.__version__}, PyAV {av.__version__}; "
              f"hibari voice from the bench's warmed cache ({synthesised} clip(s) synthesised while warming, "
              f"not timed); cold renders")
    print(header, flush=True)
    results, incremental = {}, {}
    for quality in qualities:
        b = Bench(work, entry.path, entry.slug, quality, workers)
        print(f"{quality}:", flush=True)
        results[quality] = bench_quality(b, args.runs)
        if not args.no_incremental:
            incremental[quality] = bench_incremental(b, args.runs)
    text = report(results, incremental, header)
    print("\n" + text)
    if args.json:
        raw = {q: {"frames": r["frames"], "floor_ours": r["floor_ours"], "floor_stock": r["floor_stock"],
                   "rows": {n: [vars(x) for x in row.runs] for n, row in r["rows"].items()}}
               for q, r in results.items()}
        raw["incremental"] = {
            q: [{k: (vars(v) if isinstance(v, Run) else v) for k, v in r.items()} for r in runs]
            for q, runs in incremental.items()}
        args.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
