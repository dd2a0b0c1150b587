"""Named checkpoints where the fault-injection tests interrupt a run.

`AGGREGATOR_FAULT=<checkpoint>:<n>` kills the process (SIGKILL, as a power cut would) the n-th time
it reaches that checkpoint; `<checkpoint>:<n>:ctrl-c` presses Ctrl+C there instead (SIGINT to the
process group, workers included). In the same process, `on(checkpoint, action)` runs `action(subject)` at
that checkpoint — `subject` is the inbox path of the file being handled, when there is one — so a
test can rewrite or break one file at an exact moment of the run, without sleeps.
`AGGREGATOR_FAULT_READ=<file name>[|<file name>…]` kills the worker process reading such a file, as a
parser crashing on it (or the out-of-memory killer) would. With none set — always, outside the
tests — a checkpoint is two dictionary lookups.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_SPEC = os.environ.get("AGGREGATOR_FAULT", "")
_NAME, _, _REST = _SPEC.partition(":")
_NTH, _, _HOW = _REST.partition(":")  # "<checkpoint>:<n>[:ctrl-c]"
_seen: Counter[str] = Counter()
_actions: dict[str, list[Callable[[Path | None], None]]] = {}


def checkpoint(name: str, subject: Path | None = None) -> None:
    for action in _actions.get(name, ()):
        action(subject)
    if not _SPEC or name != _NAME:
        return
    _seen[name] += 1
    if _seen[name] == int(_NTH or 1):
        if _HOW == "ctrl-c":  # as a console's Ctrl+C: SIGINT to the whole process group
            os.killpg(os.getpgid(0), signal.SIGINT)
            return
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


@contextmanager
def on(name: str, action: Callable[[Path | None], None]) -> Iterator[None]:
    """Run `action(subject)` each time the checkpoint `name` is reached, inside the block."""
    _actions.setdefault(name, []).append(action)
    try:
        yield
    finally:
        _actions[name].remove(action)


def reading(name: str) -> None:
    """A worker is about to read the file `name` (read at call time: workers inherit it)."""
    if name in os.environ.get("AGGREGATOR_FAULT_READ", "").split("|"):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
