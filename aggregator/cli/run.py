from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from aggregator import api
from aggregator.cli.app import app
from aggregator.cli.common import AsOfOpt, JsonOpt, PdfOpt, WorkspaceOpt, guarded, parse_as_of
from aggregator.cli.output import console, print_json, print_path, print_pdf, print_run
from aggregator.pipeline.runlog import LOG_FILE, needs_attention

PROGRESS_FROM = 50  # files: below this a run is over before a bar is worth drawing

QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Không in gì nếu mọi tệp được tiếp nhận đúng hạn (dùng khi chạy theo "
                          "lịch); vẫn ghi nhật ký vào nhat-ky-tong-hop.txt.")]


@contextmanager
def reading_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar over the files being read, drawn only on a terminal and for a batch
    big enough to take a moment."""
    if not enabled:
        yield None
        return
    bar = Progress(TextColumn("Đang đọc và kiểm tra tệp"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), transient=True, console=console(False))
    task = None

    def advance(done: int, total: int) -> None:
        nonlocal task
        if total < PROGRESS_FROM:
            return
        if task is None:
            bar.start()
            task = bar.add_task("read", total=total)
        bar.update(task, completed=done)

    try:
        yield advance
    finally:
        bar.stop()


@app.command("run")
def run_command(workspace: WorkspaceOpt = Path("."), as_of: AsOfOpt = None,
                json: JsonOpt = False, pdf: PdfOpt = False, quiet: QuietOpt = False) -> None:
    """Tổng hợp hằng tháng: tiếp nhận tệp mới trong inbox, kiểm tra, lưu trữ, tổng hợp, lập báo cáo."""
    day = parse_as_of(as_of)
    with reading_bar(not (json or quiet) and console(False).is_terminal) as progress:
        result = guarded(lambda: api.run(workspace.resolve(), day, progress))
    if quiet and not json and not needs_attention(result):
        return
    print_run(console(json), result, "Tệp đã xử lý")
    if pdf:
        print_pdf(console(json), result.reports)
    if not json:
        print_path(console(False), workspace.resolve() / LOG_FILE, "Nhật ký:")
    if json:
        print_json(result.to_dict())
