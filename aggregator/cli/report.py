from __future__ import annotations

from pathlib import Path

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, PdfOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_pdf, print_run
from aggregator.cli.progress import ScreenProgress


@app.command("report")
def report_command(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None,
                   pdf: PdfOpt = False) -> None:
    """Lập lại bảng tổng hợp và báo cáo Word từ sổ cái (không tiếp nhận tệp mới)."""
    day = parse_as_of(as_of)
    with ScreenProgress(console(False)) as screen:
        result = guarded(lambda: api.report(workspace.resolve(), day,
                                            screen.callbacks().get("rendering")))
    print_run(console(False), result, "")
    if pdf:
        print_pdf(console(False), result.reports)
