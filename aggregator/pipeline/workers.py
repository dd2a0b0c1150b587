"""A pool of worker processes for the parts of a run that are per file or per chart: reading files,
writing feedback copies, drawing charts. Workers load the form and unit registries once, at start.

Small batches stay in the calling process: starting workers costs more than it saves. The
environment variable AGGREGATOR_WORKERS sets the number of worker processes (1: everything in the
run's own process; used under Wine, whose pipes the process pool hangs on). A worker that
dies while reading (a parser crashing on a file, an out-of-memory kill) costs only the file it was
reading: the pool is started again and the run goes on.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

from aggregator.forms import FormRegistry
from aggregator.issues import make_issue
from aggregator.pipeline import faults
from aggregator.read import ReadResult, read_file
from aggregator.read.guard import Limits
from aggregator.units import UnitRegistry
from aggregator.validate.report import FileReport
from aggregator.validate.validator import check_file

T = TypeVar("T")
R = TypeVar("R")
# Below this many items, do the work in-process. Measured (docs/performance.md, issue 16): starting
# the pool costs about 0.7 s (fork, then each worker loads matplotlib for the charts), reading costs
# about 2 ms a file in-process, and two workers halve that: the pool pays off from ~600 files.
MIN_PARALLEL = 600


def min_parallel() -> int:
    """MIN_PARALLEL, or AGGREGATOR_MIN_PARALLEL when set (tests needing the pool with few files)."""
    return int(os.environ.get("AGGREGATOR_MIN_PARALLEL") or MIN_PARALLEL)
_STATE: tuple[FormRegistry, UnitRegistry, Limits] | None = None


def _init(forms_dirs: list[str], units_file: str, limits: Limits) -> None:
    global _STATE
    # Ctrl+C reaches the whole console process group: the run's own process stops the workers,
    # they must not each die with a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _STATE is None:  # forked workers inherit the parent's; spawned ones (Windows) load them
        _STATE = (FormRegistry.load(*map(Path, forms_dirs)),
                  UnitRegistry.from_file(Path(units_file)), limits)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  loaded while the run is still reading, not when drawing


def _read(path: str) -> tuple:
    """Read and check one file in a worker; return plain data (codes instead of specs) that
    pickles cheaply."""
    forms, units, limits = _STATE
    faults.reading(Path(path).name)
    report = check_file(read_file(Path(path), forms, units, limits))
    r = report.read
    return (r.form.code if r.form else None, r.form_version, r.unit.code if r.unit else None,
            r.period, r.cells, r.items, report.values, report.items, report.issues, r.period_at,
            r.period_value, r.carried)


WORKERS_ENV = "AGGREGATOR_WORKERS"


def default_processes() -> int:
    """AGGREGATOR_WORKERS when set to a whole number ≥ 1, else one per core up to 8."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    return min(os.cpu_count() or 1, 8)


class Workers:
    def __init__(self, forms_dirs: list[Path], units_file: Path, forms: FormRegistry,
                 units: UnitRegistry, limits: Limits, processes: int | None = None,
                 crash_marker: Path | None = None):
        self.forms, self.units, self.limits = forms, units, limits
        # Small batches are read in this process; the marker says one is being read, so that a
        # crash there (a parser aborting on one file) makes the next run read that batch one file
        # per worker, where a crash costs only the file that caused it.
        self.crash_marker = crash_marker
        self._args = ([str(d) for d in forms_dirs], str(units_file), limits)
        self.processes = processes if processes is not None else default_processes()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self._pool is None:
            return
        if kind is None:
            self._pool.shutdown()
            return
        # Interrupted (Ctrl+C) or failed: stop the workers now rather than wait for work that
        # nobody will collect (waiting there is what hung an interrupted run).
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
        self._pool = None

    def _discard_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        global _STATE
        if self._pool is None:
            _STATE = (self.forms, self.units, self.limits)  # inherited by forked workers
            self._pool = ProcessPoolExecutor(self.processes, initializer=_init,
                                             initargs=self._args)
        return self._pool

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        items = list(items)
        if self.processes <= 1 or len(items) < min_parallel():
            return [fn(item) for item in items]
        chunk = max(1, len(items) // (self.processes * 8))
        return list(self._executor().map(fn, items, chunksize=chunk))

    def map_small(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Few but heavy items (charts): in parallel whenever there are two or more."""
        items = list(items)
        if self.processes <= 1 or len(items) < 2:
            return [fn(item) for item in items]
        return list(self._executor().map(fn, items, chunksize=1))

    def read(self, paths: list[Path]) -> list[FileReport]:
        """Each file read and checked on its own (the batch checks come after, in one process)."""
        return list(self.read_iter(paths))

    def read_iter(self, paths: list[Path]) -> Iterator[FileReport]:
        """Like `read`, yielding in order as results arrive, so the caller can work meanwhile."""
        if self.processes <= 1 or len(paths) < min_parallel():
            yield from self._read_here(paths)
            return
        done = 0
        while done < len(paths):
            chunk = max(1, min(64, (len(paths) - done) // (self.processes * 8)))
            try:
                results = self._executor().map(_read, [str(p) for p in paths[done:]],
                                               chunksize=chunk)
                for data in results:
                    yield self._report(paths[done], data)
                    done += 1
            except BrokenProcessPool:
                # A worker died. The file that killed it is among the chunks that were running or
                # queued for the workers (at most 2 × processes + 1 of them, from the first one not
                # yet yielded): read those one at a time to find it, then go on in chunks.
                self._discard_pool()
                for path in paths[done:done + (2 * self.processes + 2) * chunk]:
                    yield self._read_alone(path)
                    done += 1

    def _read_here(self, paths: list[Path]) -> Iterator[FileReport]:
        """A small batch in this process — or one file per worker after this process died while
        reading the previous batch (its marker is still there)."""
        marker = self.crash_marker
        if marker is not None and marker.exists():
            for path in paths:
                yield self._read_alone(path)
            marker.unlink(missing_ok=True)
            return
        if marker is not None and paths:
            marker.write_text("\n".join(str(p) for p in paths), encoding="utf-8")
        for path in paths:
            faults.reading(path.name)
            yield check_file(read_file(path, self.forms, self.units, self.limits))
        if marker is not None:
            marker.unlink(missing_ok=True)

    def _read_alone(self, path: Path) -> FileReport:
        """One file alone in the pool, so that a crash tells which file caused it."""
        try:
            return self._report(path, self._executor().submit(_read, str(path)).result())
        except BrokenProcessPool:
            self._discard_pool()
            return check_file(ReadResult(path, issues=[make_issue("file-crashed-reader")]))

    def _report(self, path: Path, data: tuple) -> FileReport:
        (form, version, unit, period, cells, items, values, rows, issues, period_at, period_value,
         carried) = data
        read = ReadResult(path, self.forms.get(form) if form else None, version,
                          self.units.get(unit) if unit else None, period, cells, items,
                          period_at=period_at, period_value=period_value, carried=carried)
        return FileReport(read, values, rows, issues)
