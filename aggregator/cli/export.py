from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, WorkspaceOpt, fail, guarded, parse_as_of
from aggregator.cli.output import console, print_path


@app.command("export")
def export_command(
    unit: Annotated[str, typer.Option("--unit", "-u", metavar="MÃ",
                                      help="Mã đơn vị cần xuất, ví dụ 169.")],
    form: Annotated[str, typer.Option("--form", metavar="BIỂU", help="Biểu, ví dụ KTCV.")],
    period: Annotated[str, typer.Option("--period", metavar="KỲ", help="Kỳ, ví dụ 2024-Y.")],
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
) -> None:
    """Xuất số liệu tổng hợp của một đơn vị (và các đơn vị trực thuộc) thành biểu để gửi cấp trên."""
    day = parse_as_of(as_of)
    try:
        exported = guarded(lambda: api.export(workspace.resolve(), unit, form, period, day))
    except api.ExportError as exc:
        fail(str(exc))
    out = console(False)
    print_path(out, exported.path, "Đã xuất biểu tổng hợp:")
    out.print(exported.coverage, style="yellow" if exported.missing else None)
