"""Command-line interface: `aggregator <command> --workspace DIR`."""

from __future__ import annotations

import os
import signal
import sys

from aggregator.cli import check, demo, export, history, init, report, run, status, templates, units
from aggregator.cli.app import app
from aggregator.os_errors import INTERRUPTED, Interrupted, user_message

# Each command module registers its command with `app` when it is imported.
COMMAND_MODULES = (check, demo, export, history, init, report, run, status, templates, units)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):  # Vietnamese on a Windows console (cp1258/cp437)
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8")

    def interrupted(*_: object) -> None:
        raise Interrupted

    signal.signal(signal.SIGINT, interrupted)
    try:
        app()
    except (KeyboardInterrupt, Interrupted):
        print(f"Lỗi: {INTERRUPTED}", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as exc:  # a bug, not a user's mistake: one Vietnamese line, not a traceback
        if os.environ.get("AGGREGATOR_DEBUG"):
            raise
        message, _ = user_message(exc)
        print(f"Lỗi: {message}", file=sys.stderr)
        raise SystemExit(1) from None
