"""Formatting of results for people (rich tables, Vietnamese) and for scripts (--json)."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from aggregator.results import FileOutcome, RunResult

STATUS_VI = {
    "accepted": "[green]Tiếp nhận[/]",
    "rejected": "[red]Trả lại[/]",
    "duplicate": "[yellow]Trùng lặp[/]",
    "valid": "[green]Hợp lệ[/]",
    "invalid": "[red]Có lỗi[/]",
}


def console(json_mode: bool) -> Console:
    """Human output goes to stderr when stdout carries the JSON document."""
    return Console(stderr=json_mode, highlight=False)


def print_json(document: dict) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def files_table(files: list[FileOutcome], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    for name in ("Tệp", "Đơn vị", "Biểu", "Kỳ", "Tình trạng", "Lỗi", "Cảnh báo"):
        table.add_column(name, overflow="fold")
    for f in files:
        late = " (muộn)" if f.late else ""
        table.add_row(f.name, f.unit or "—", f.form or "—", f.period or "—",
                      STATUS_VI.get(f.status, f.status) + late, str(len(f.errors)), str(len(f.warnings)))
    return table


def print_issues(out: Console, files: list[FileOutcome]) -> None:
    for f in files:
        if not f.errors and not f.warnings:
            continue
        out.print(f"\n[bold]{f.name}[/]")
        for issue in f.errors:
            out.print(f"  [red]Lỗi[/] [{issue.code}] {issue.message}", markup=True)
        for issue in f.warnings:
            out.print(f"  [yellow]Cảnh báo[/] [{issue.code}] {issue.message}")
        if f.note:
            out.print(f"  Phản hồi cho đơn vị: {f.note}")


def print_run(out: Console, result: RunResult, title: str) -> None:
    if result.files:
        out.print(files_table(result.files, title))
        print_issues(out, [f for f in result.files if f.status in ("rejected", "invalid")])
    elif title:
        out.print(f"{title}: không có tệp mới trong inbox.")
    if result.recovered:
        out.print(f"Đã hoàn tất {result.recovered} tệp còn dở từ lần chạy trước.")
    table = Table(title=f"Tình hình báo cáo đến ngày {result.as_of}")
    for name in ("Biểu", "Kỳ", "Hạn", "Phải nộp", "Đã nộp", "Đúng hạn", "Muộn", "Chưa nộp",
                 "Bị trả lại"):
        table.add_column(name, overflow="fold")
    for r in result.rounds:
        table.add_row(r.form, r.period_label, r.deadline, str(r.expected), str(r.submitted),
                      str(r.on_time), str(r.late), ", ".join(r.missing) or "—",
                      ", ".join(r.rejected) or "—")
    out.print(table)
    outputs = [p for r in result.rounds for p in r.outputs]
    if outputs:
        out.print("\n[bold]Kết quả đã ghi:[/]")
        for path in outputs:
            out.print(f"  {path}")
