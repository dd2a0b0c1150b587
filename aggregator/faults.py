"""Named checkpoints where the fault-injection tests can kill a run (SIGKILL, as a power cut would).

`AGGREGATOR_FAULT=<checkpoint>:<n>` kills the process the n-th time it reaches that checkpoint.
`AGGREGATOR_FAULT_READ=<file name>[|<file name>…]` kills the worker process reading such a file, as a
parser crashing on it (or the out-of-memory killer) would. With the variables unset — always,
outside the tests — a checkpoint is a dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_SPEC = os.environ.get("AGGREGATOR_FAULT", "")
_NAME, _, _NTH = _SPEC.partition(":")
_seen: Counter[str] = Counter()


def checkpoint(name: str) -> None:
    if not _SPEC or name != _NAME:
        return
    _seen[name] += 1
    if _seen[name] == int(_NTH or 1):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def reading(name: str) -> None:
    """A worker is about to read the file `name` (read at call time: workers inherit it)."""
    if name in os.environ.get("AGGREGATOR_FAULT_READ", "").split("|"):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
