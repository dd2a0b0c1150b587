"""Benchmarks of `aggregator run`, printed as figures and ratios (never asserted as timed tests).

    .venv/bin/python bench/run_bench.py --scale province --repeat 5
    .venv/bin/python bench/run_bench.py --scale national --repeat 3
    .venv/bin/python bench/run_bench.py --scale late --repeat 3
    .venv/bin/python bench/run_bench.py --scale history --repeat 1

For each scale: generate the units' files once (cached in bench/.data/), then for each repeat copy
them into a fresh workspace and time, in a child process, a full `run` (end to end and per stage),
its peak memory, and a re-run with nothing new. Beside it, in the same benchmark run:

- national: the naive baseline — pandas.read_excel(engine="openpyxl") per file, then concat — and
  the floor — python-calamine's raw read of the same files on 2 processes — with both ratios;
- late: 100 resubmissions dropped on the consolidated national round, the second run timed per
  stage (the first run is not timed), per file and beside the first run;
- history: the national round run on a ledger holding five years of national rounds (4 forms ×
  2 periods × 5 years, 250,000 submissions, written once through the ledger's own `record_many`
  and cached), beside the same run on an empty ledger; then `status`, `history` and `report` for
  the round on that ledger, and the ledger's size per submission.
"""

from __future__ import annotations

import argparse
import json
import math
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
LEDGER = "ledger.sqlite3"  # aggregator.workspace.settings.LEDGER_FILE
LATE_FILES = 100
HISTORY_YEARS = range(2019, 2024)
HISTORY_FORMS = ("KTCV", "CCHC", "KPKN", "DKT")
HISTORY_PER_ROUND = 6250  # × 4 forms × 2 periods × 5 years = 250,000 submissions

CHILD = r"""
import json, resource, sys, time
from datetime import date
from pathlib import Path
from aggregator import api
root, as_of, mode = Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), sys.argv[3]
out = {}
t = time.perf_counter()
result = api.run(root, as_of)
out |= {"files": len(result.files), "full": time.perf_counter() - t, "stages": result.timings,
        "accepted": result.count("accepted"),
        "totals": [[r.form, r.period, r.submitted, r.late, sorted(r.totals.items())]
                   for r in result.rounds]}
if mode == "rerun":
    t = time.perf_counter()
    again = api.run(root, as_of)
    out |= {"rerun": time.perf_counter() - t, "rerun_files": len(again.files)}
if mode == "queries":
    r = result.rounds[0]
    unit = r.units[len(r.units) // 2].code
    for name, call in (("status", lambda: api.status(root, as_of, r.form, r.period)),
                       ("history", lambda: api.history(root, unit)),
                       ("report", lambda: api.report(root, as_of))):
        t = time.perf_counter()
        call()
        out[name] = time.perf_counter() - t
out |= {"peak_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
print(json.dumps(out))
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

FLOOR = r"""
import sys, time
from multiprocessing import Pool
from pathlib import Path
from python_calamine import CalamineWorkbook

def read(path):
    book = CalamineWorkbook.from_path(path)
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)

if __name__ == "__main__":
    files = [str(f) for f in sorted(Path(sys.argv[1]).rglob("*.xlsx"))]
    t = time.perf_counter()
    with Pool(2) as pool:
        rows = sum(pool.map(read, files, chunksize=64))
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


def late_data(national: Path) -> Path:
    """LATE_FILES resubmissions (version 2, saved later) of units spread over the country."""
    folder = DATA / "late-files"
    if not folder.is_dir() or not any(folder.iterdir()):
        from aggregator.demo import bulk

        folder.mkdir(parents=True, exist_ok=True)
        stage = DATA / "late-stage"
        shutil.rmtree(stage, ignore_errors=True)
        shutil.copytree(national, stage, ignore=shutil.ignore_patterns("inbox"))
        (stage / "inbox").mkdir()
        units = sorted(p.name.split()[2] for p in (national / "inbox").glob("*.xlsx"))
        bulk._init(str(stage))
        step = len(units) // LATE_FILES
        for code in units[::step][:LATE_FILES]:
            bulk._write((str(stage), "KTCV", "2024-H1", code, 1))
        for f in (stage / "inbox").iterdir():
            shutil.copy2(f, folder / f.name)
        shutil.rmtree(stage)
    return folder


def history_ledger(national: Path) -> Path:
    """Five years of national rounds, written through the ledger's own `record_many` from the
    cells of a consolidated national ledger (generated once, then reused)."""
    path = DATA / "history-ledger.sqlite"
    if path.exists():
        return path
    from datetime import datetime

    from aggregator.ledger import Ledger, NewSubmission

    source = DATA / "national-work" / LEDGER
    if not source.exists():  # the national round once, untimed: its ledger is the model
        one_run(national, DATA / "national-work", "once")
    t = time.perf_counter()
    with Ledger(source) as ledger:
        long = ledger.in_force_values("KTCV", "2024-H1")
    model = [(unit, {code: (text if isinstance(text, str) else
                            None if math.isnan(number) else number,
                            "KTCV", "E12")
                     for code, number, text in zip(part["indicator"], part["number"],
                                                    part["text"])})
             for unit, part in long.groupby("unit", sort=False)]
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    with Ledger(tmp) as ledger:
        for year in HISTORY_YEARS:
            for form in HISTORY_FORMS:
                for half, month in (("H1", 6), ("Y", 12)):
                    run_id = ledger.start_run(f"{year}-{month:02d}-20")
                    period = f"{year}-{half}"
                    received = datetime(year, month, 10, 9)
                    subs = [NewSubmission(
                        f"{form}{period}{n:06d}".ljust(64, "0"), f"{form} {period} {unit}.xlsx",
                        f"{form} {period} {unit}.xlsx", f"archive/{form}/{period}/{unit}.xlsx",
                        received, "accepted", unit, form, period, values, [])
                        for n, (unit, values) in enumerate(model[:HISTORY_PER_ROUND])]
                    ledger.record_many(run_id, subs)
                    ledger.finish_run(run_id, len(subs), len(subs), 0, 0)
    tmp.rename(path)
    print(f"  generated the history ledger in {time.perf_counter() - t:.1f} s (not timed below)")
    return path


def child(work: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(work), AS_OF, mode],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def settle() -> None:
    os.sync()  # files that arrived earlier are on disk, not being written back during the run
    time.sleep(1.5)  # … and older than the settle window, as in a monthly run


def one_run(fresh: Path, work: Path, mode: str = "rerun", ledger: Path | None = None) -> dict:
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(fresh, work)  # copy2: modification times (received times) are kept
    if ledger is not None:
        shutil.copy2(ledger, work / LEDGER)
    settle()
    return child(work, mode)


def late_run(fresh: Path, extra: Path, work: Path) -> dict:
    first = one_run(fresh, work, "once")
    for f in extra.iterdir():
        shutil.copy2(f, work / "inbox" / f.name)
    settle()
    second = child(work, "once")
    return second | {"first": first["full"], "first_totals": first["totals"]}


def reference(script: str, fresh: Path, *args: str) -> tuple[int, float]:
    out = subprocess.run([sys.executable, "-c", script, str(fresh / "inbox"), *args],
                         capture_output=True, text=True, check=True)
    n, seconds = out.stdout.split()
    return int(n), float(seconds)


def naive(fresh: Path, sample: int) -> tuple[int, float]:
    """(files read, seconds) of the naive loop, scaled to all files when sampling."""
    n, seconds = reference(NAIVE, fresh, str(sample))
    total = sum(1 for _ in (fresh / "inbox").rglob("*.xlsx"))
    return total, seconds * total / n


def summary(runs: list[dict]) -> dict:
    med = lambda key: statistics.median(r[key] for r in runs)
    keys = dict.fromkeys(k for r in runs for k in r["stages"])
    line = {"files": runs[0]["files"], "full_s": med("full"),
            "peak_self_mib": max(r["peak_self_mib"] for r in runs),
            "peak_worker_mib": max(r["peak_worker_mib"] for r in runs),
            "stages_s": {k: statistics.median(r["stages"].get(k, 0) for r in runs) for k in keys}}
    for key in ("rerun", "first", "status", "history", "report"):
        if key in runs[0]:
            line[f"{key}_s"] = med(key)
    return line


def show(line: dict, label: str, repeat: int) -> None:
    print(f"  {label}: files {line['files']}  run {line['full_s']:.2f} s (median of {repeat})"
          + (f"  re-run {line['rerun_s']:.2f} s" if "rerun_s" in line else ""))
    print(f"    peak RSS: main {line['peak_self_mib']:.0f} MiB, largest worker "
          f"{line['peak_worker_mib']:.0f} MiB")
    print("    stages: " + ", ".join(f"{k} {v:.2f}" for k, v in line["stages_s"].items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["province", "national", "late", "history", "all"],
                        default="province")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the (slow) baseline")
    parser.add_argument("--naive-sample", type=int, default=0,
                        help="time the baseline on this many files and scale (0: all files)")
    args = parser.parse_args()
    scales = ["province", "national", "late", "history"] if args.scale == "all" else [args.scale]
    report = {}
    for scale in scales:
        print(f"== {scale}")
        fresh = fresh_data("province" if scale == "province" else "national")
        if scale in ("province", "national"):
            runs = [one_run(fresh, DATA / f"{scale}-work") for _ in range(args.repeat)]
            line = summary(runs)
            show(line, "full run", args.repeat)
            read = line["stages_s"].get("read", 0)
            if scale == "national":
                n, floor = reference(FLOOR, fresh)
                line |= {"floor_read_s": floor, "ratio_to_floor": line["full_s"] / floor,
                         "read_stage_to_floor": read / floor}
                print(f"  floor: python-calamine raw read of the {n} files on 2 processes "
                      f"{floor:.2f} s ({floor / n * 1000:.2f} ms/file): full run "
                      f"{line['full_s'] / floor:.2f}× the floor, read stage {read / floor:.2f}×")
            if not args.no_naive:
                n, seconds = naive(fresh, args.naive_sample)
                line |= {"naive_read_s": seconds, "naive_per_file_ms": seconds / n * 1000,
                         "ratio_full_run": seconds / line["full_s"],
                         "ratio_read_stage": seconds / read if read else None}
                print(f"  naive read loop {seconds:.1f} s ({seconds / n * 1000:.1f} ms/file): "
                      f"full run is {seconds / line['full_s']:.1f}× faster"
                      + (f"; our read stage {seconds / read:.1f}× faster" if read else ""))
        elif scale == "late":
            extra = late_data(fresh)
            runs = [late_run(fresh, extra, DATA / "late-work") for _ in range(args.repeat)]
            line = summary(runs)
            show(line, f"second run, {LATE_FILES} late files on the consolidated round",
                 args.repeat)
            print(f"  {line['full_s'] * 1000 / line['files']:.1f} ms per new file; the first run "
                  f"(the whole round, untimed above) took {line['first_s']:.2f} s: the late run "
                  f"costs {line['full_s'] / line['first_s'] * 100:.1f} % of it")
        else:  # history
            ledger = history_ledger(fresh)
            empty = [one_run(fresh, DATA / "history-empty-work", "once")
                     for _ in range(args.repeat)]
            full = [one_run(fresh, DATA / "history-work", "queries", ledger)
                    for _ in range(args.repeat)]
            base, line = summary(empty), summary(full)
            show(base, "new round, empty ledger", args.repeat)
            show(line, "new round, five-year ledger", args.repeat)
            size = (DATA / "history-work" / LEDGER).stat().st_size
            subs = 250_000 + runs_files(full)
            line |= {"empty_ledger_s": base["full_s"],
                     "ratio_to_empty": line["full_s"] / base["full_s"],
                     "ledger_bytes_per_submission": size / subs, "empty_stages_s": base["stages_s"]}
            print(f"  five-year ledger / empty ledger: {line['full_s'] / base['full_s']:.3f}×; "
                  f"status {line['status_s']:.2f} s, history {line['history_s']:.2f} s, "
                  f"report {line['report_s']:.2f} s; ledger {size / 2**20:.0f} MiB for {subs} "
                  f"submissions ({size / subs / 1024:.2f} KiB each)")
        report[scale] = line
    (ROOT / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


def runs_files(runs: list[dict]) -> int:
    return runs[0]["files"]


if __name__ == "__main__":
    main()
