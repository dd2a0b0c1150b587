from __future__ import annotations

from pathlib import Path

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_run


@app.command("report")
def report_command(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None) -> None:
    """Lập lại bảng tổng hợp và báo cáo Word từ sổ cái (không tiếp nhận tệp mới)."""
    day = parse_as_of(as_of)
    result = guarded(lambda: api.report(workspace.resolve(), day))
    print_run(console(False), result, "")
