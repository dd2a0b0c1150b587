from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, JsonOpt, PdfOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_json, print_path, print_pdf, print_run
from aggregator.cli.progress import ScreenProgress
from aggregator.pipeline.runlog import LOG_FILE, needs_attention

QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Không in gì nếu mọi tệp được tiếp nhận đúng hạn (dùng khi chạy theo "
                          "lịch); vẫn ghi nhật ký vào nhat-ky-tong-hop.txt.")]


@app.command("run")
def run_command(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None,
                json: JsonOpt = False, pdf: PdfOpt = False, quiet: QuietOpt = False) -> None:
    """Tổng hợp hằng tháng: tiếp nhận tệp mới trong inbox, kiểm tra, lưu trữ, tổng hợp, lập báo cáo."""
    day = parse_as_of(as_of)
    with ScreenProgress(console(False), not (json or quiet)) as screen:
        result = guarded(lambda: api.run(workspace.resolve(), day, **screen.callbacks()))
    if quiet and not json and not needs_attention(result):
        return
    print_run(console(json), result, "Tệp đã xử lý")
    if pdf:
        print_pdf(console(json), result.reports, show_progress=not json)
    if not json:
        print_path(console(False), workspace.resolve() / LOG_FILE, "Nhật ký:")
    if json:
        print_json(result.to_dict())
