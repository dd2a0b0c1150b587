"""Công văn đôn đốc: the reminder to units that have not reported, or whose files were rejected,
naming each unit, the report and its deadline."""

from __future__ import annotations

from datetime import date, timedelta

from aggregator.consolidate import RoundResult
from aggregator.render.word.report_context import common, n
from aggregator.units import reporting_name
from aggregator.vn_format import date_line as vn_date
from aggregator.vn_format import short_date as vn_short_date
from aggregator.workspace.config import Config

DUE_SOON_DAYS = 30  # rounds whose deadline is at most this far ahead are included
GRACE_DAYS = 7  # the new deadline the letter sets


def outstanding(results: list[RoundResult], as_of: date) -> list[dict[str, str]]:
    rows = []
    for r in results:
        if not r.round.submitters or r.round.deadline > as_of + timedelta(days=DUE_SOON_DAYS):
            continue
        for s in r.statuses:
            if s.status not in ("missing", "rejected"):
                continue
            if s.status == "missing":
                status = "Chưa gửi báo cáo"
            else:
                status = (f"Báo cáo gửi ngày {vn_short_date(s.received_at.date())} chưa đạt yêu "
                          "cầu, đã trả lại" + _reason(s.rejected_issues))
            rows.append({"unit": reporting_name(s.unit), "code": s.unit.code,
                         "report": f"Biểu {r.form.code} – {r.form.title} ({r.period.label})",
                         "deadline": r.round.deadline_text, "status": status})
    rows.sort(key=lambda row: row["unit"])
    for i, row in enumerate(rows, start=1):
        row["stt"] = str(i)
    return rows


REASONS_SHOWN = 2  # the first errors of a rejected file; the feedback file has them all


def _reason(issues: tuple[str, ...]) -> str:
    """': <first errors>' so each unit reads why its report came back."""
    if not issues:
        return "."
    shown = "; ".join(_what(i) for i in issues[:REASONS_SHOWN])
    more = len(issues) - REASONS_SHOWN
    return (f", lý do: {shown}" + (f" và {n(more)} lỗi khác (xem tệp phản hồi)" if more > 0 else "")
            + ".")


def _what(message: str) -> str:
    """The error itself, without its sheet and cell location (the feedback file has those)."""
    message = message.strip().rstrip(".")
    head, sep, rest = message.partition("): ")
    if sep and ", ô " in head:
        return rest
    return message


def addressees(rows: list[dict[str, str]]) -> list[str]:
    """The "Kính gửi" lines: the units concerned, by name (Nghị định 30: one per line when
    several, ';' between them and '.' after the last)."""
    names = list(dict.fromkeys(row["unit"] for row in rows))
    if len(names) == 1:
        return [f"Kính gửi: {names[0]}."]
    return ["Kính gửi:"] + [f"- {name}{'.' if i == len(names) - 1 else ';'}"
                            for i, name in enumerate(names)]


def reminder_context(results: list[RoundResult], config: Config, as_of: date) -> dict | None:
    rows = outstanding(results, as_of)
    if not rows:
        return None
    units = len({row["code"] for row in rows})
    return common(config, as_of) | {
        "as_of_text": vn_date(as_of),
        "unit_count_text": f"{n(units)} cơ quan, đơn vị, địa phương" if units > 1 else
                           "cơ quan, đơn vị, địa phương",
        "reminder_rows": rows,
        "addressee_lines": addressees(rows),
        "new_deadline": vn_date(as_of + timedelta(days=GRACE_DAYS)),
        "copies_to": ["Như trên", f"Giám đốc {config.issuing_body_name} (b/c)"],
    }
