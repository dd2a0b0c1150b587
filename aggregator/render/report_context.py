"""What every Word report and letter shares: the issuing body, the plan, dates, the signer, and the
small helpers that make sentences read naturally in Vietnamese."""

from __future__ import annotations

from datetime import date

from aggregator.consolidate import RoundResult
from aggregator.render.unit_text import quoted
from aggregator.render.vn import vn_date, vn_number, vn_percent, vn_short_date
from aggregator.workspace.config import Config

NO_ANSWER = "Chưa có đơn vị báo cáo nội dung này."


def lower_first(text: str) -> str:
    """Lower-case the first letter only: abbreviations such as TTHC and CBCCVC keep their case."""
    return text[:1].lower() + text[1:]


def join(parts: list[str]) -> str:
    """'a', 'a và b', 'a, b và c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def n(value: float) -> str:
    return vn_number(value)


NAMES_SHOWN = 30  # a national roll-up can miss thousands of units: name the first ones only
ATTRIBUTION_SHOWN = 5


def join_names(names: list[str], limit: int = NAMES_SHOWN) -> str:
    """'A, B và C', or 'A, B, … và 1.234 đơn vị khác (danh sách tại bảng tổng hợp)'."""
    if len(names) <= limit:
        return join(names)
    return (", ".join(names[:limit]) + f" và {n(len(names) - limit)} đơn vị khác (danh sách tại "
            "bảng tổng hợp)")


def common(config: Config, report_date: date) -> dict:
    return {
        "parent_body": config.parent_body,
        "issuing_body": config.issuing_body,
        "issuing_body_name": config.issuing_body_name,
        "issuing_code": config.issuing_code,
        "place": config.place,
        "report_date": vn_date(report_date),
        "report_year": str(report_date.year),
        "recipient": config.recipient,
        "province_name": config.province_name,
        "plan_number": config.plan_number,
        "plan_date": vn_short_date(config.plan_date),
        "plan_title": lower_first(config.plan_title),
        "copies_to": list(config.copies_to),
        "archive_code": config.archive_code,
        "signer_authority": config.signer.authority,
        "signer_position": config.signer.position,
        "signer_name": config.signer.name,
    }


def status_paragraphs(r: RoundResult) -> list[str]:
    on = f"Đến {vn_date(r.as_of)}"
    if r.expected == 0:
        return [f"{on}, không có cơ quan, đơn vị, địa phương nào thuộc diện báo cáo trong kỳ."]
    if r.submitted == 0:
        out = [f"{on}, chưa có cơ quan, đơn vị, địa phương nào gửi báo cáo "
               f"(thời hạn {r.round.deadline_text})."]
    else:
        rate = vn_percent(r.submitted / r.expected * 100)
        on_time, late = r.count("on_time"), r.count("late")
        if late == 0:
            timing = "tất cả đều gửi đúng hạn" if r.submitted > 1 else "gửi đúng hạn"
        elif on_time == 0:
            timing = "tất cả đều gửi muộn" if r.submitted > 1 else "gửi muộn"
        else:
            timing = f"trong đó {n(on_time)} đơn vị gửi đúng hạn, {n(late)} đơn vị gửi muộn"
        out = [f"{on}, {n(r.submitted)}/{n(r.expected)} cơ quan, đơn vị, địa phương đã gửi báo cáo "
               f"(đạt {rate}), {timing} so với thời hạn ({r.round.deadline_text})."]
        if len(r.by_group) > 1:
            groups = [f"{g.label.lower() if g.label.startswith('Sở') else g.label} "
                      f"{n(g.reported)}/{n(g.expected)}" for g in r.by_group]
            out.append("Theo nhóm: " + join(groups) + ".")
    late_units = r.units_with("late")
    if late_units and r.submitted:
        out.append("Các đơn vị gửi báo cáo muộn: " + join_names([u.name for u in late_units]) + ".")
    missing = r.units_with("missing")
    if missing and r.submitted:
        out.append(f"Còn {n(len(missing))} đơn vị chưa gửi báo cáo: "
                   + join_names([u.name for u in missing]) + ".")
    rejected = r.units_with("rejected")
    if rejected:
        out.append(f"{n(len(rejected))} đơn vị gửi báo cáo chưa đạt yêu cầu, đã được trả lại để "
                   "hoàn thiện: " + join_names([u.name for u in rejected]) + ".")
    return out


def attributed_texts(r: RoundResult, code: str) -> list[str]:
    """Units' answers, identical ones merged, each attributed to the units that gave it."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    workbook = f"tong-hop-{r.form.code}-{r.period.code}.xlsx"
    for unit, answer in r.texts.get(code, []):
        text = quoted(answer, workbook)
        key = " ".join(text.split()).rstrip(".;").casefold()
        grouped.setdefault(key, (text.strip().rstrip(".;"), []))[1].append(unit.name)

    def who(names: list[str]) -> str:
        if len(names) <= ATTRIBUTION_SHOWN:
            return ", ".join(names)
        rest = n(len(names) - ATTRIBUTION_SHOWN)
        return ", ".join(names[:ATTRIBUTION_SHOWN]) + f" và {rest} đơn vị khác"

    return [f"{text} ({who(names)})." for text, names in grouped.values()]


def by_child(r: RoundResult, code: str):
    """A per-unit value (or derived rate) for each unit directly below the consolidating unit."""
    import pandas as pd

    source = r.child_derived if code in r.child_derived else r.child_values
    return source[code].dropna() if code in source else pd.Series(dtype=float)


def names(r: RoundResult, codes) -> list[str]:
    return [r.names.get(c, c) for c in codes]


def child_status(r: RoundResult, code: str) -> str:
    """'Đúng hạn' for a unit reporting itself; '12/15 đã nộp' for a unit standing for many."""
    from aggregator.consolidate import STATUS_LABELS

    row = next(c for c in r.by_child if c.key == code)
    if row.expected == 1:
        for status in ("on_time", "late", "rejected", "missing"):
            if getattr(row, status):
                return STATUS_LABELS[status]
    return f"{n(row.reported)}/{n(row.expected)} đã nộp"
