from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import JsonOpt, WorkspaceOpt, guarded
from aggregator.cli.output import STATUS_VI, console, print_json, vn_datetime


@app.command("history")
def history_command(
    unit: Annotated[str, typer.Option("--unit", "-u", metavar="MÃ",
                                      help="Mã đơn vị, ví dụ SNV hoặc 164.")],
    workspace: WorkspaceOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """Các tệp một đơn vị đã gửi, phiên bản nào đang được dùng để tổng hợp."""
    entries = guarded(lambda: api.history(workspace.resolve(), unit))
    out = console(json)
    table = Table(title=f"Lịch sử gửi báo cáo của đơn vị {unit.upper()}")
    for name in ("Ngày nhận", "Tệp", "Biểu, kỳ", "Tình trạng", "Đang dùng", "Lỗi/CB"):
        table.add_column(name, overflow="fold")
    for e in entries:
        replaced = f"thay bằng {e.superseded_by}" if e.superseded_by else ""
        form = f"{e.form or '—'} {e.period or ''} {e.instance}".strip()
        file = f"{e.file}\n(thư từ {e.sender})" if e.sender else e.file
        table.add_row(vn_datetime(e.received_at), file, form, STATUS_VI.get(e.status, e.status),
                      "[green]✓[/]" if e.in_force else replaced, f"{e.errors}/{e.warnings}")
    out.print(table if entries else f"Đơn vị {unit.upper()} chưa gửi tệp nào.")
    if json:
        print_json({"unit": unit.upper(), "submissions": [e.to_dict() for e in entries]})
