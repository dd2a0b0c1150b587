"""Options shared by commands, and the one place where library errors become a user message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from aggregator.api import WorkspaceLocked
from aggregator.config import ConfigError
from aggregator.demo import NotADemoWorkspace
from aggregator.forms import FormSpecError
from aggregator.units import UnitsError

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Thư mục làm việc (mặc định: thư mục hiện tại).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON ra stdout.")]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Tạo thêm bản PDF của báo cáo (cần LibreOffice).")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Coi hôm nay là ngày này (YYYY-MM-DD).")
]

EXPECTED_ERRORS = (ConfigError, UnitsError, WorkspaceLocked, FormSpecError, NotADemoWorkspace, OSError)
T = TypeVar("T")


def parse_as_of(value: str | None, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        fail(f"Ngày {option} không hợp lệ: {value!r} (cần dạng YYYY-MM-DD).")


def fail(message: str) -> None:
    Console(stderr=True, highlight=False).print(f"[red]Lỗi:[/] {message}")
    raise typer.Exit(code=2)


def guarded(call: Callable[[], T]) -> T:
    """Run a library call; turn our expected failures into one Vietnamese line and exit code 2."""
    try:
        return call()
    except EXPECTED_ERRORS as exc:
        fail(str(exc))
