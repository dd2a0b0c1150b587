from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import JsonOpt, existing_workspace, fail, guarded
from aggregator.cli.output import console, files_table, print_issues, print_json

CHECK_WORKSPACE_HELP = ("Thư mục làm việc (mặc định: thư mục hiện tại; ở thư mục không phải thư mục "
                        "làm việc thì kiểm tra theo kế hoạch, danh mục đơn vị có sẵn và danh mục "
                        "ghi trong biểu).")


def _given_workspace(path: Path | None) -> Path | None:
    """A --workspace typed must be one (a typo is refused); none: anywhere (see check_command)."""
    return existing_workspace(path) if path is not None else None


CheckWorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", callback=_given_workspace, help=CHECK_WORKSPACE_HELP,
                 metavar="THƯ-MỤC")]


@app.command("check")
def check_command(
    files: Annotated[list[Path], typer.Argument(help="Các tệp cần kiểm tra.", metavar="TỆP")],
    workspace: CheckWorkspaceOpt = None,
    json: JsonOpt = False,
) -> None:
    """Kiểm tra tệp báo cáo mà không tiếp nhận (đơn vị tự kiểm tra trước khi gửi).

    Chạy được ở thư mục bất kỳ: khi đó kiểm tra theo kế hoạch và danh mục đơn vị có sẵn của chương trình, cùng kỳ báo cáo và danh mục đơn vị ghi trong biểu do Sở Nội vụ phát hành."""  # noqa: E501 (one paragraph: the help wraps it)
    missing = [f"“{f}”" for f in files if not f.exists()]
    if missing:
        fail(f"Không tìm thấy tệp: {', '.join(missing)}")
    folders = [f"“{f}”" for f in files if f.is_dir()]
    if folders:
        fail(f"{', '.join(folders)} là thư mục, không phải tệp: hãy chỉ ra từng tệp cần kiểm tra.")
    others = [f"“{f}”" for f in files if not f.is_file()]
    if others:
        fail(f"{', '.join(others)} không phải tệp bảng tính thông thường (lối tắt hỏng, thiết bị…).")
    root = (workspace or Path(".")).resolve()  # no workspace here: nothing is read from or written
    outcomes = guarded(lambda: api.check_files(root, files))
    out = console(json)
    out.print(files_table(outcomes, "Kết quả kiểm tra"))
    for o in outcomes:
        if o.units_from == "form":
            out.print(f"\n{escape(o.name)}: đơn vị {escape(o.unit or '')} không có trong danh mục "
                      "đơn vị có sẵn của chương trình, đã nhận theo danh mục ghi trong biểu do Sở Nội "
                      "vụ phát hành. Khi tiếp nhận, Sở Nội vụ kiểm tra lại theo danh mục của Sở.")
    print_issues(out, outcomes)
    if json:
        print_json({"files": [o.to_dict() for o in outcomes]})
