from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import JsonOpt, WorkspaceOpt, fail, guarded
from aggregator.cli.output import console, files_table, print_issues, print_json


@app.command("check")
def check_command(
    files: Annotated[list[Path], typer.Argument(help="Các tệp cần kiểm tra.", metavar="TỆP")],
    workspace: WorkspaceOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """Kiểm tra tệp báo cáo mà không tiếp nhận (đơn vị tự kiểm tra trước khi gửi)."""
    missing = [f"“{f}”" for f in files if not f.exists()]
    if missing:
        fail(f"Không tìm thấy tệp: {', '.join(missing)}")
    folders = [f"“{f}”" for f in files if f.is_dir()]
    if folders:
        fail(f"{', '.join(folders)} là thư mục, không phải tệp: hãy chỉ ra từng tệp cần kiểm tra.")
    others = [f"“{f}”" for f in files if not f.is_file()]
    if others:
        fail(f"{', '.join(others)} không phải tệp bảng tính thông thường (lối tắt hỏng, thiết bị…).")
    outcomes = guarded(lambda: api.check_files(workspace.resolve(), files))
    out = console(json)
    out.print(files_table(outcomes, "Kết quả kiểm tra"))
    print_issues(out, outcomes)
    if json:
        print_json({"files": [o.to_dict() for o in outcomes]})
