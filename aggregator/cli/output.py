"""Formatting of results for people (rich tables, Vietnamese) and for scripts (--json)."""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aggregator.pipeline.runlog import duplicate_lines, reason_lines, summary_line
from aggregator.results import FileOutcome, RunResult
from aggregator.vn_format import date_time, short_date

STATUS_VI = {
    "accepted": "[green]Tiếp nhận[/]",
    "rejected": "[red]Trả lại[/]",
    "duplicate": "[yellow]Trùng lặp[/]",
    "ignored": "[dim]Bỏ qua[/]",
    "waiting": "[yellow]Chờ lần sau[/]",
    "valid": "[green]Hợp lệ[/]",
    "invalid": "[red]Có lỗi[/]",
}


def console(json_mode: bool) -> Console:
    """Human output goes to stderr when stdout carries the JSON document."""
    return Console(stderr=json_mode, highlight=False)


def print_json(document: dict) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def print_path(out: Console, path: object, label: str = "") -> None:
    """A path whole on its own line, never wrapped mid-name (so it can be copied, and a script
    reading the output finds the file); the label, if any, on the line before."""
    if label:
        out.print(label)
    out.print(f"  {path}", soft_wrap=True, markup=False, highlight=False)


MISSING_SHOWN = 5


def unit_list(codes: list[str], form: str, period: str) -> str:
    """The units of a round's column: all of them when few, else the first ones and how many
    more, with the command that lists them all."""
    if not codes:
        return "—"
    if len(codes) <= MISSING_SHOWN:
        return ", ".join(codes)
    rest = len(codes) - MISSING_SHOWN
    return (f"{', '.join(codes[:MISSING_SHOWN])}, … và {rest} đơn vị khác (xem: status --form "
            f"{form} --period {period})")


def files_table(files: list[FileOutcome], title: str) -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("Tệp", overflow="fold", ratio=3)
    for name in ("Đơn vị", "Biểu, kỳ", "Tình trạng", "Lỗi/CB"):
        table.add_column(name, overflow="fold", ratio=1)
    for f in files:
        late = " (muộn)" if f.late else ""
        form = f"{f.form or '—'} {f.period or ''}".strip()
        table.add_row(f.name, f.unit or "—", form, STATUS_VI.get(f.status, f.status) + late,
                      f"{len(f.errors)}/{len(f.warnings)}")
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
            print_path(out, f.note, "  Giải thích:")
        if f.feedback:
            print_path(out, f.feedback, "  Bản phản hồi (tô màu, ghi chú từng ô):")


FULL_LIST_UP_TO = 15


def vn_datetime(iso: str | None) -> str:
    """'2024-11-22T12:15:00' → '22/11/2024 12:15'; '2024-06-05T08:00' → '05/6/2024 08:00'."""
    if not iso:
        return ""
    if "T" not in iso:
        return short_date(date.fromisoformat(iso))
    return date_time(datetime.fromisoformat(iso))


def print_run(out: Console, result: RunResult, title: str) -> None:
    if result.files:
        shown = result.files
        if len(shown) > FULL_LIST_UP_TO:  # a long batch: list only what needs attention
            shown = [f for f in shown if f.status != "accepted" or f.late or f.warnings]
            title = f"{title} (chỉ liệt kê tệp cần chú ý)"
        if shown:
            out.print(files_table(shown, title))
        out.print(summary_line(result))
    elif title:
        out.print(f"{title}: không có tệp mới trong inbox.")
    for line in duplicate_lines(result):
        out.print(escape(line))
    for line in reason_lines(result):
        out.print(f"[yellow]{escape(line)}[/]")
    for notice in result.notices:
        out.print(f"[yellow]Chú ý:[/] {escape(notice)}")
    if result.recovered:
        out.print(f"Đã hoàn tất {result.recovered} tệp còn dở từ lần chạy trước.")
    year, month, day = result.as_of.split("-")
    table = Table(title=f"Tình hình báo cáo đến ngày {day}/{month}/{year}")
    for name in ("Biểu", "Kỳ", "Hạn", "Đã nộp", "Đúng hạn", "Muộn"):
        table.add_column(name, no_wrap=True)
    for name in ("Chưa nộp", "Trả lại"):
        table.add_column(name, overflow="fold", min_width=8)
    for r in result.rounds:
        table.add_row(r.form, r.period, r.deadline, f"{r.submitted}/{r.expected}",
                      str(r.on_time), str(r.late), unit_list(r.missing, r.form, r.period),
                      unit_list(r.rejected, r.form, r.period))
    out.print(table)
    outputs = [p for r in result.rounds for p in r.outputs]
    if result.reminder:
        outputs.append(result.reminder)
    if outputs:
        out.print("\n[bold]Kết quả đã ghi:[/]")
        for path in outputs:
            print_path(out, path)
    # last, so that they are what stays on screen when a double-clicked .bat pauses
    print_issues(out, [f for f in result.files if f.status in ("rejected", "invalid")])


def print_pdf(out: Console, documents: list, show_progress: bool = True) -> None:
    """PDF copies through LibreOffice, or one clear line saying why there are none; a bar while
    LibreOffice works, on a terminal."""
    from aggregator.cli.progress import ScreenProgress
    from aggregator.render.output_guard import OutputGuard
    from aggregator.render.word.pdf import PdfUnavailable, to_pdf

    guard = OutputGuard(Path(os.path.commonpath([d.parent for d in documents]))) if documents \
        else None
    try:
        with ScreenProgress(console(False), show_progress) as screen:
            pdfs = to_pdf(documents, guard=guard,
                          progress=screen.converting if screen.enabled else None)
    except PdfUnavailable as exc:
        out.print(f"[yellow]{exc}[/]")
        return
    out.print("\n[bold]Bản PDF:[/]")
    for path in pdfs:
        print_path(out, path)
    for notice in guard.notices if guard else []:
        out.print(f"[yellow]Chú ý:[/] {escape(notice)}")
