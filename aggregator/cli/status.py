from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, JsonOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_json, print_run, vn_datetime

STATUS_STYLE = {"on_time": "[green]Đúng hạn[/]", "late": "[yellow]Muộn[/]",
                "rejected": "[red]Bị trả lại[/]", "missing": "[red]Chưa nộp[/]"}


@app.command("status")
def status_command(
    workspace: WorkspaceOpt = Path("."),
    as_of: AsOfOpt = None,
    form: Annotated[str | None, typer.Option("--form", metavar="BIỂU", help="Chỉ biểu này, ví dụ KTCV.")] = None,
    period: Annotated[str | None, typer.Option("--period", metavar="KỲ", help="Chỉ kỳ này, ví dụ 2024-Y.")] = None,
    json: JsonOpt = False,
) -> None:
    """Tình hình nộp báo cáo: ai đã nộp, khi nào, đúng hạn hay muộn, bị trả lại, chưa nộp."""
    day = parse_as_of(as_of)
    result = guarded(lambda: api.status(workspace.resolve(), day, form, period))
    out = console(json)
    print_run(out, result, "")
    if form or period:  # one round asked for: list every unit
        for r in result.rounds:
            table = Table(title=f"{r.form} – {r.period_label}: từng đơn vị")
            for name in ("Mã", "Đơn vị", "Tình trạng", "Ngày nhận", "Tệp"):
                table.add_column(name, overflow="fold")
            for u in r.units:
                table.add_row(u.code, u.name, STATUS_STYLE[u.status],
                              vn_datetime(u.received_at), u.file or "")
            out.print(table)
    if json:
        print_json(result.to_dict())
