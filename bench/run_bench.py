"""Benchmarks of `aggregator run`, printed as figures and ratios (never asserted as timed tests).

    .venv/bin/python bench/run_bench.py --scale province --repeat 5
    .venv/bin/python bench/run_bench.py --scale national --repeat 3

For each scale: generate the units' files once (cached in bench/.data/), then for each repeat copy
them into a fresh workspace and time, in a child process, a full `run` (end to end and per stage),
its peak memory, and a re-run with nothing new. The naive baseline — pandas.read_excel(engine=
"openpyxl") per file, then concat — reads the same files in the same way, and the ratio is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA = ROOT / ".data"
AS_OF = "2024-12-20"

CHILD = r"""
import json, resource, sys, time
from datetime import date
from pathlib import Path
from aggregator import api
root = Path(sys.argv[1])
t = time.perf_counter()
result = api.run(root, date.fromisoformat(sys.argv[2]))
full = time.perf_counter() - t
t = time.perf_counter()
again = api.run(root, date.fromisoformat(sys.argv[2]))
rerun = time.perf_counter() - t
print(json.dumps({
    "files": len(result.files), "full": full, "rerun": rerun, "stages": result.timings,
    "accepted": result.count("accepted"), "rerun_files": len(again.files),
    "peak_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "peak_worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

NAIVE = r"""
import sys, time
from pathlib import Path
import pandas as pd
files = sorted(Path(sys.argv[1]).rglob("*.xlsx"))
step = max(1, len(files) // int(sys.argv[2])) if int(sys.argv[2]) else 1
files = files[::step]  # an evenly spread sample when asked: per-file time is what matters
t = time.perf_counter()
frames = [pd.read_excel(f, sheet_name=None, engine="openpyxl", header=None) for f in files]
flat = pd.concat([df for book in frames for df in book.values()], ignore_index=True)
print(len(files), time.perf_counter() - t)
"""


def fresh_data(scale: str) -> Path:
    folder = DATA / f"{scale}-fresh"
    if not (folder / "inbox").is_dir() or not any((folder / "inbox").iterdir()):
        from aggregator.demo.bulk import generate

        shutil.rmtree(folder, ignore_errors=True)
        t = time.perf_counter()
        n = generate(folder, scale)
        print(f"  generated {n} files in {time.perf_counter() - t:.1f} s (not timed below)")
    return folder


def one_run(fresh: Path, work: Path) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(fresh, work)  # copy2: modification times (received times) are kept
    os.sync()  # files that arrived earlier are on disk, not being written back during the run
    time.sleep(1.5)  # … and older than the settle window, as in a monthly run
    out = subprocess.run([sys.executable, "-c", CHILD, str(work), AS_OF], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def naive(fresh: Path, sample: int) -> tuple[int, float]:
    """(files read, seconds) of the naive loop, scaled to all files when sampling."""
    out = subprocess.run([sys.executable, "-c", NAIVE, str(fresh / "inbox"), str(sample)],
                         capture_output=True, text=True, check=True)
    n, seconds = out.stdout.split()
    total = sum(1 for _ in (fresh / "inbox").rglob("*.xlsx"))
    return total, float(seconds) * total / int(n)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["province", "national", "all"], default="province")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the (slow) baseline")
    parser.add_argument("--naive-sample", type=int, default=0,
                        help="time the baseline on this many files and scale (0: all files)")
    args = parser.parse_args()
    scales = ["province", "national"] if args.scale == "all" else [args.scale]
    report = {}
    for scale in scales:
        print(f"== {scale}")
        fresh = fresh_data(scale)
        runs = [one_run(fresh, DATA / f"{scale}-work") for _ in range(args.repeat)]
        med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
        stages = {k: statistics.median(r["stages"].get(k, 0) for r in runs)
                  for k in runs[0]["stages"]}
        read = stages.get("read", 0)
        line = {"files": runs[0]["files"], "full_s": med("full"), "rerun_s": med("rerun"),
                "peak_self_mib": max(r["peak_self_mib"] for r in runs),
                "peak_worker_mib": max(r["peak_worker_mib"] for r in runs), "stages_s": stages}
        print(f"  files {line['files']}  full run {line['full_s']:.2f} s (median of {len(runs)})"
              f"  re-run {line['rerun_s']:.2f} s")
        print(f"  peak RSS: main {line['peak_self_mib']:.0f} MiB, largest worker "
              f"{line['peak_worker_mib']:.0f} MiB")
        print("  stages: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
        if not args.no_naive:
            n, seconds = naive(fresh, args.naive_sample)
            line |= {"naive_read_s": seconds, "naive_per_file_ms": seconds / n * 1000,
                     "ratio_full_run": seconds / line["full_s"],
                     "ratio_read_stage": seconds / read if read else None}
            print(f"  naive read loop {seconds:.1f} s ({seconds / n * 1000:.1f} ms/file): "
                  f"full run is {seconds / line['full_s']:.1f}× faster; our read stage "
                  f"{seconds / read:.1f}× faster" if read else "")
        report[scale] = line
    (ROOT / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
