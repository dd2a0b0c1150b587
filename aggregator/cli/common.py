"""Options shared by commands, and the one place where library errors become a user message."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from aggregator.api import WorkspaceLocked
from aggregator.demo import NotADemoWorkspace
from aggregator.forms import FormSpecError
from aggregator.os_errors import os_error_message, user_message
from aggregator.units import UnitsError
from aggregator.workspace import Workspace
from aggregator.workspace.config import ConfigError


def existing_workspace(path: Path) -> Path:
    """The --workspace of every verb but init and demo: a folder that is not a workspace yet is
    refused, so that a typo never creates one (and reminds all units of a missing report)."""
    try:
        if Workspace(path).is_set_up():
            return path
        exists = path.is_dir()
        is_file = path.exists() and not exists
    except OSError as exc:
        fail(os_error_message(exc))
    where = f"Thư mục “{path.absolute()}”"
    if exists:
        state = "chưa phải thư mục làm việc (không có aggregator.toml hay thư mục inbox)"
    else:
        state = "là một tệp, không phải thư mục" if is_file else "không tồn tại"
    typed = f'"{path}"' if " " in str(path) else str(path)  # as it is typed again in cmd.exe
    fail(f"{where} {state}. Hãy chọn đúng thư mục làm việc, hoặc tạo mới bằng lệnh "
         f"“aggregator init --workspace {typed}” (bản cài trên Windows: bấm đúp khoi-tao.bat "
         f"trong thư mục chương trình).")


WORKSPACE_HELP = "Thư mục làm việc (mặc định: thư mục hiện tại)."
WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help=WORKSPACE_HELP, metavar="THƯ-MỤC",
                       callback=existing_workspace)
]
# init and demo: the folder is created if need be.
NewWorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w", help=WORKSPACE_HELP,
                                                metavar="THƯ-MỤC")]
DemoWorkspaceOpt = Annotated[Path, typer.Option(
    "--workspace", "-w", metavar="THƯ-MỤC",
    help="Thư mục làm việc của tỉnh mẫu (mặc định: demo-workspace trong thư mục hiện tại).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON ra stdout.")]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Tạo thêm bản PDF của báo cáo (cần LibreOffice).")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", metavar="NGÀY",
                              help="Coi hôm nay là ngày này (YYYY-MM-DD).")
]

EXPECTED_ERRORS = (ConfigError, UnitsError, WorkspaceLocked, FormSpecError, NotADemoWorkspace)
T = TypeVar("T")


def parse_as_of(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        fail(f"Ngày {option} không hợp lệ: {value!r} (cần dạng YYYY-MM-DD).")


def fail(message: str) -> None:
    # One line however narrow the console, and "[[rounds]]" in a message is text, not markup.
    Console(stderr=True, highlight=False).print(f"[red]Lỗi:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(code=2)


def guarded(call: Callable[[], T]) -> T:
    """Run a library call; turn our expected failures into one Vietnamese line and exit code 2."""
    try:
        return call()
    except EXPECTED_ERRORS as exc:
        fail(str(exc))
    except (OSError, sqlite3.Error) as exc:  # disk full, read-only folder, name too long…, on
        fail(user_message(exc)[0])          # a file or on the ledger: never the English errno
