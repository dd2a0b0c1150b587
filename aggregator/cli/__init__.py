"""Command-line interface: `aggregator <command> --workspace DIR`."""

from __future__ import annotations

import sys

from aggregator.cli import check, demo, export, history, init, report, run, status, templates, units
from aggregator.cli.app import app

# Each command module registers its command with `app` when it is imported.
COMMAND_MODULES = (check, demo, export, history, init, report, run, status, templates, units)


def main() -> None:
    for stream in (sys.stdout, sys.stderr):  # Vietnamese on a Windows console (cp1258/cp437)
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower() != "utf-8":
            stream.reconfigure(encoding="utf-8")
    app()
