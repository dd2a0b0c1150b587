from __future__ import annotations

from pathlib import Path

from aggregator.cli.app import app
from aggregator.cli.common import NewWorkspaceOpt, guarded
from aggregator.cli.output import console
from aggregator.workspace.init import init_workspace


@app.command("init")
def init_command(workspace: NewWorkspaceOpt = Path(".")) -> None:
    """Tạo thư mục làm việc: inbox, outbox, aggregator.toml, don-vi.xlsx, chay-tong-hop.bat."""
    paths = guarded(lambda: init_workspace(workspace.resolve()))
    out = console(False)
    out.print("Thư mục làm việc đã sẵn sàng:")
    for p in paths:
        out.print(f"  {p}")
    out.print("Sửa aggregator.toml (Notepad) và don-vi.xlsx (Excel) cho phù hợp, "
              "rồi chép tệp báo cáo vào inbox và chạy chay-tong-hop.bat.")
