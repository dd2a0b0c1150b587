from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import JsonOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_json
from aggregator.cli.vietnamese import VietnameseTyper
from aggregator.vn_format import short_date

units_app = VietnameseTyper(help="Danh mục đơn vị (don-vi.xlsx).", no_args_is_help=True)
app.add_typer(units_app, name="units")


@units_app.command("import")
def import_command(
    source: Annotated[str, typer.Argument(
        metavar="NGUỒN",
        help="Tệp danh mục hành chính xuất từ Tổng cục Thống kê (.xlsx, .xls, .csv), "
             "hoặc chữ vietnam-provinces để lấy từ gói cùng tên đã cài.")],
    valid_from: Annotated[str, typer.Option(
        "--valid-from", metavar="NGÀY", help="Ngày cơ cấu mới có hiệu lực (YYYY-MM-DD), ví dụ 2025-07-01.")],
    province: Annotated[str | None, typer.Option(
        "--province", metavar="TỈNH", help="Mã hoặc tên tỉnh (mặc định: đơn vị tổng hợp của thư mục làm việc).")]
    = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Chỉ cho xem thay đổi, không sửa don-vi.xlsx.")] = False,
    workspace: WorkspaceOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """Nhập cơ cấu đơn vị hành chính mới (ví dụ chính quyền hai cấp từ 1/7/2025) vào don-vi.xlsx."""
    day = parse_as_of(valid_from, "--valid-from")
    result = guarded(lambda: api.import_units(workspace.resolve(), source, day, province, dry_run))
    out = console(json)
    table = Table(title=f"Nhập danh mục hành chính tỉnh mã {result.province}, "
                        f"hiệu lực từ {short_date(day)}")
    for name in ("Thay đổi", "Số đơn vị", "Ví dụ"):
        table.add_column(name, overflow="fold")
    for label, pairs in (("Thêm mới", result.added), ("Hết hiệu lực", result.ended),
                         ("Cập nhật tên, cấp trên", result.updated)):
        table.add_row(label, str(len(pairs)), "; ".join(f"{c} {n}" for c, n in pairs[:3])
                      + ("…" if len(pairs) > 3 else ""))
    out.print(table)
    if result.dry_run:
        out.print("Chạy thử (--dry-run): chưa sửa danh mục đơn vị.")
    else:
        out.print(f"Đã cập nhật {result.units_file}; bản trước khi nhập: {result.backup}")
    if json:
        print_json(result.to_dict())
