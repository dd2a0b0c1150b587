"""Wall-clock time per stage of a run, reported in `--json` and by the benchmarks."""

from __future__ import annotations

import time


class Stopwatch:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self._last = time.perf_counter()

    def reset(self) -> None:
        self._last = time.perf_counter()

    def lap(self, stage: str) -> float:
        now = time.perf_counter()
        spent = now - self._last
        self.timings[stage] = self.timings.get(stage, 0.0) + spent
        self._last = now
        return spent
