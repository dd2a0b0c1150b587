from __future__ import annotations

from pathlib import Path

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, DemoWorkspaceOpt, JsonOpt, PdfOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_json, print_path, print_pdf, print_run
from aggregator.cli.progress import ScreenProgress


@app.command("demo")
def demo_command(workspace: DemoWorkspaceOpt = Path("demo-workspace"), as_of: AsOfOpt = None,
                 json: JsonOpt = False, pdf: PdfOpt = False) -> None:
    """Tạo tỉnh mẫu (dữ liệu giả lập) trong thư mục làm việc và chạy tổng hợp."""
    day = parse_as_of(as_of)
    with ScreenProgress(console(False), not json) as screen:
        result = guarded(lambda: api.demo(workspace.resolve(), day, **screen.callbacks()))
    out = console(json)
    print_run(out, result, "Tệp của tỉnh mẫu")
    out.print("\n[bold]Báo cáo Word:[/]")
    for path in result.reports:
        print_path(out, path)
    if pdf:
        print_pdf(console(json), result.reports, show_progress=not json)
    if json:
        print_json(result.to_dict())
