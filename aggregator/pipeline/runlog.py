"""The run log: every `run` appends what it did to nhat-ky-tong-hop.txt in the workspace, so a
scheduled run that nobody watched can be read afterwards (Vietnamese, plain text, Notepad-friendly).
"""

from __future__ import annotations

import traceback
from datetime import date, datetime
from pathlib import Path

from aggregator.os_errors import user_message
from aggregator.results import RunResult
from aggregator.vn_format import date_time
from aggregator.vn_format import number as vn_number
from aggregator.vn_format import short_date as vn_short_date

LOG_FILE = "nhat-ky-tong-hop.txt"
PROCESSED = ("accepted", "rejected", "duplicate")
LEFT_LABELS = {
    "ignored": "Bỏ qua",
    "waiting": "Để lại inbox cho lần chạy sau",
}
KEPT_LABEL = "Đã xử lý nhưng còn trong inbox"


def summary_line(result: RunResult) -> str:
    late = sum(1 for f in result.files if f.status == "accepted" and f.late)
    new = sum(result.count(s) for s in PROCESSED)
    line = (f"{new} tệp mới: {result.count('accepted')} tiếp nhận ({late} muộn), "
            f"{result.count('rejected')} trả lại, {result.count('duplicate')} trùng lặp.")
    others = [f"{result.count(s)} {label}" for s, label in
              (("ignored", "bỏ qua"), ("waiting", "để lần chạy sau")) if result.count(s)]
    return line + (f" Ngoài ra: {', '.join(others)}." if others else "")


def reason_lines(result: RunResult) -> list[str]:
    """One line per reason: the inbox entries ignored, left waiting, or kept but still there."""
    groups: dict[tuple[str, str], list[str]] = {}
    for f in result.files:
        if f.reason:
            label = LEFT_LABELS.get(f.status, KEPT_LABEL)
            groups.setdefault((label, f.reason), []).append(f.name)
    return [f"{label} {len(names)} tệp – {reason}: {', '.join(names)}"
            for (label, reason), names in groups.items()]


DONE_TO_ORIGINAL = {"accepted": "đã tiếp nhận", "rejected": "đã trả lại"}


def duplicate_lines(result: RunResult) -> list[str]:
    """One line per duplicate: the file it repeats, that file's unit, form, period, received time
    and what became of it."""
    lines = []
    for f in result.files:
        original = f.duplicate_of
        if f.status != "duplicate" or original is None:
            continue
        what = ", ".join(part for part in (original.unit, " ".join(
            p for p in (original.form, original.period) if p)) if part)
        received = date_time(datetime.fromisoformat(original.received))
        done = DONE_TO_ORIGINAL.get(original.status, original.status)
        lines.append(f"Trùng lặp: {f.name} giống hệt tệp {original.name}"
                     + (f" ({what})" if what else "") + f" nhận lúc {received}, {done}.")
    return lines


def needs_attention(result: RunResult) -> bool:
    """Something a person should look at: a rejected file, a late one, an inbox entry not taken
    in (or still there), an output that could not be written in place."""
    return bool(result.unsettled or result.overwritten or result.notices) or any(
        f.reason or f.status == "rejected" or (f.status == "accepted" and f.late)
        for f in result.files)


def run_lines(result: RunResult, started: datetime, seconds: float) -> list[str]:
    as_of = vn_short_date(date.fromisoformat(result.as_of))
    lines = [f"=== {date_time(started, seconds=True)} · tổng hợp đến ngày {as_of} · "
             f"{vn_number(seconds, 1)} giây", summary_line(result)]
    for f in result.files:
        if f.status == "rejected":
            lines.append(f"Trả lại: {f.name}" + (f" (giải thích: {f.note})" if f.note else ""))
            lines += [f"    - {issue.message}" for issue in f.errors]
        elif f.status == "accepted" and f.late:
            lines.append(f"Tiếp nhận nhưng gửi muộn: {f.name} ({f.unit})")
    lines += duplicate_lines(result)
    lines += reason_lines(result)
    lines += [f"Chú ý: {notice}" for notice in result.notices]
    if result.recovered:
        lines.append(f"Đã hoàn tất {result.recovered} tệp còn dở từ lần chạy trước.")
    for r in result.rounds:
        lines.append(f"{r.form} {r.period_label}: đã nộp {r.submitted}/{r.expected}, đúng hạn "
                     f"{r.on_time}, muộn {r.late}; chưa nộp: {', '.join(r.missing) or 'không'}; "
                     f"trả lại: {', '.join(r.rejected) or 'không'}")
    for path in result.reports:
        lines.append(f"Báo cáo: {path}")
    return lines


def report_lines(result: RunResult, started: datetime) -> list[str]:
    """`aggregator report`: what was written again, and what was kept instead of overwritten."""
    as_of = vn_short_date(date.fromisoformat(result.as_of))
    return ([f"=== {date_time(started, seconds=True)} · lập lại báo cáo đến ngày {as_of}"]
            + [f"Chú ý: {notice}" for notice in result.notices]
            + [f"Báo cáo: {path}" for path in result.reports])


def append(path: Path, lines: list[str]) -> None:
    """Append a block; a new log starts with a BOM so Notepad shows the diacritics."""
    fresh = not path.exists()
    with path.open("a", encoding="utf-8-sig" if fresh else "utf-8", errors="replace",
                   newline="\r\n") as f:  # the log is written whatever a name holds
        f.write("\n".join(lines) + "\n\n")


def failure_lines(started: datetime, error: BaseException) -> list[str]:
    """The failed run in Vietnamese; for a failure nobody foresaw, the technical detail follows
    (for support: the clerk is told to send this file)."""
    message, foreseen = user_message(error)
    lines = [f"=== {date_time(started, seconds=True)} · LỖI, chưa tổng hợp được", message]
    if not foreseen:
        lines.append("Chi tiết kỹ thuật (cho người hỗ trợ):")
        lines += ["    " + line for line in "".join(
            traceback.format_exception(error)).rstrip().splitlines()]
    return lines
