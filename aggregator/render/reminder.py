"""Công văn đôn đốc: the reminder to units that have not reported, or whose files were rejected,
naming each unit, the report and its deadline."""

from __future__ import annotations

from datetime import date, timedelta

from aggregator.consolidate import RoundResult
from aggregator.render.report_context import common, n
from aggregator.render.vn import vn_date, vn_short_date
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
            status = ("Chưa gửi báo cáo" if s.status == "missing" else
                      f"Báo cáo gửi ngày {vn_short_date(s.received_at)} chưa đạt yêu cầu, đã trả lại")
            rows.append({"unit": s.unit.name, "code": s.unit.code,
                         "report": f"Biểu {r.form.code} – {r.form.title} ({r.period.label})",
                         "deadline": r.round.deadline_text, "status": status})
    rows.sort(key=lambda row: row["unit"])
    for i, row in enumerate(rows, start=1):
        row["stt"] = str(i)
    return rows


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
        "new_deadline": vn_date(as_of + timedelta(days=GRACE_DAYS)),
        "copies_to": ["Như trên", f"Giám đốc {config.issuing_body_name} (b/c)"],
    }
