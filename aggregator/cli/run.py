from __future__ import annotations

from pathlib import Path

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, PdfOpt, JsonOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_json, print_pdf, print_run


@app.command("run")
def run_command(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None,
                json: JsonOpt = False, pdf: PdfOpt = False) -> None:
    """Tổng hợp hằng tháng: tiếp nhận tệp mới trong inbox, kiểm tra, lưu trữ, tổng hợp, lập báo cáo."""
    day = parse_as_of(as_of)
    result = guarded(lambda: api.run(workspace.resolve(), day))
    print_run(console(json), result, "Tệp đã xử lý")
    if pdf:
        print_pdf(console(json), result.reports)
    if json:
        print_json(result.to_dict())
