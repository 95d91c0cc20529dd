"""Time ``render.py check`` on every topic: the whole run, and the cost of sampling motion.

Run: ``.venv/bin/python bench/check_all.py [--voice hibari]``. Prints, per
topic, the video length, how many states were looked at, and the seconds
taken with the default sampling (every 0.25 s of motion plus every held
state) and with held states only (what sampling costs).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from visualsys.checks.runner import check_scene
from visualsys.narration.cache import Narrator
from visualsys.narration.voices import get_service
from visualsys.topics import discover

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default="hibari")
    args = parser.parse_args()
    narrator = Narrator(get_service(args.voice), ROOT / ".cache" / "speech")
    print(f"{'topic':<24} {'video s':>8} {'states':>7} {'check s':>8} {'held-only s':>12} {'findings':>9}")
    total = 0.0
    for slug, entry in discover(ROOT / "scenes").items():
        t0 = time.perf_counter()
        work = ROOT / ".cache" / "manim" / slug
        report, _ = check_scene(entry.scene, entry.topic, narrator=narrator, work_dir=work)
        t1 = time.perf_counter()
        check_scene(entry.scene, entry.topic, narrator=narrator, work_dir=work, sample_period=1e9)
        t2 = time.perf_counter()
        total += t1 - t0
        print(f"{slug:<24} {report.duration:>8.1f} {report.samples:>7} {t1 - t0:>8.1f} {t2 - t1:>12.1f} "
              f"{len(report.failures):>9}")
    print(f"{'all':<24} {'':>8} {'':>7} {total:>8.1f}")


if __name__ == "__main__":
    main()
