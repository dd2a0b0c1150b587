from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import WorkspaceOpt, guarded
from aggregator.cli.output import console, print_path


@app.command("templates")
def templates_command(
    workspace: WorkspaceOpt = Path("."),
    form: Annotated[str | None, typer.Option("--form", metavar="BIỂU", help="Chỉ biểu này, ví dụ KTCV.")] = None,
    period: Annotated[str | None, typer.Option("--period", metavar="KỲ", help="Chỉ kỳ này, ví dụ 2024-H1.")] = None,
    blank_only: Annotated[bool, typer.Option("--blank-only", help="Chỉ biểu trống.")] = False,
) -> None:
    """Tạo biểu mẫu Excel (trống và ghi sẵn mã từng đơn vị) vào outbox/bieu-mau/."""
    paths = guarded(lambda: api.make_templates(workspace.resolve(), form, period, not blank_only))
    out = console(False)
    out.print(f"Đã tạo {len(paths)} biểu mẫu:")
    for p in paths[:10]:
        print_path(out, p)
    if len(paths) > 10:
        folders = sorted({p.parent for p in paths[10:]})
        out.print(f"  … và {len(paths) - 10} biểu khác trong:")
        for folder in folders:
            print_path(out, folder)
