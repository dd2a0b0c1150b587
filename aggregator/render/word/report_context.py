"""What every Word report and letter shares: the issuing body, the plan, dates, the signer, and the
small helpers that make sentences read naturally in Vietnamese."""

from __future__ import annotations

from datetime import date

from aggregator.consolidate import RoundResult
from aggregator.render.unit_text import quoted
from aggregator.units import reporting_name
from aggregator.vn_format import date_line as vn_date
from aggregator.vn_format import number as vn_number
from aggregator.vn_format import percent as vn_percent
from aggregator.vn_format import short_date as vn_short_date
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


def signer_name(config: Config) -> str:
    """The signer's name from aggregator.toml; a visible "…" for the clerk where it is unset."""
    return config.signer.name.strip() or "…"


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
        "signer_name": signer_name(config),
    }


def child_name(r: RoundResult, code: str) -> str:
    """The reporting name of a unit directly below the consolidating unit."""
    unit = r._units.get(code)
    return reporting_name(unit) if unit else r.names.get(code, code)


def group_of(r: RoundResult, code: str) -> str:
    """The group (sở, ban, ngành / UBND cấp huyện …) of a unit directly below the consolidating
    unit; "" when unknown."""
    unit = r._units.get(code)
    return unit.group if unit else ""


def child_names(r: RoundResult, codes) -> list[str]:
    return [child_name(r, c) for c in codes]


def window_sentence(r: RoundResult) -> str:
    """Nghị định 09/2019: the period the figures cover."""
    return (f"Số liệu tính từ ngày {vn_short_date(r.round.window_start)} đến ngày "
            f"{vn_short_date(r.round.window_end)}.")


def _units_sentence(units: list, one: str, many: str) -> str:
    """'Sở Công Thương gửi báo cáo muộn.' or 'Có 2 đơn vị gửi báo cáo muộn: A và B.'"""
    shown = [reporting_name(u) for u in units]
    if len(shown) == 1:
        return f"{shown[0]} {one}."
    return f"Có {n(len(shown))} đơn vị {many}: {join_names(shown)}."


def _group_phrase(g) -> str:
    label = g.label[:1].lower() + g.label[1:] if g.label.startswith("Sở") else g.label
    if g.reported == 0:
        return f"khối {label} chưa có đơn vị nào gửi báo cáo"
    if g.reported == g.expected:
        return f"khối {label} có đủ {n(g.expected)}/{n(g.expected)} đơn vị đã gửi báo cáo"
    return f"khối {label} có {n(g.reported)}/{n(g.expected)} đơn vị đã gửi báo cáo"


def status_paragraphs(r: RoundResult, issuing_body_name: str = "Sở Nội vụ") -> list[str]:
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
            timing = "tất cả đều gửi đúng hạn" if r.submitted > 1 else "báo cáo gửi đúng hạn"
        elif on_time == 0:
            timing = "tất cả đều gửi muộn" if r.submitted > 1 else "báo cáo gửi muộn"
        else:
            timing = (f"trong đó {n(on_time)} đơn vị gửi đúng hạn, {n(late)} đơn vị gửi muộn")
        out = [f"{on}, {issuing_body_name} đã nhận được báo cáo của {n(r.submitted)}/"
               f"{n(r.expected)} cơ quan, đơn vị, địa phương (đạt {rate}), {timing} so với "
               f"thời hạn ({r.round.deadline_text})."]
        if len(r.by_group) > 1:
            phrases = [_group_phrase(g) for g in r.by_group]
            out.append("Về từng khối, " + "; ".join(phrases) + ".")
    late_units = r.units_with("late")
    if late_units and r.submitted:
        out.append(_units_sentence(late_units, "gửi báo cáo muộn", "gửi báo cáo muộn"))
    missing = r.units_with("missing")
    if missing and r.submitted:
        out.append(_units_sentence(missing, "chưa gửi báo cáo", "chưa gửi báo cáo"))
    rejected = r.units_with("rejected")
    if rejected:
        out.append(_units_sentence(rejected, "gửi báo cáo chưa đạt yêu cầu, đã được trả lại để "
                                   "hoàn thiện", "gửi báo cáo chưa đạt yêu cầu, đã được trả lại "
                                   "để hoàn thiện"))
    return out


def attributed_texts(r: RoundResult, code: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """Units' answers, identical ones merged, each attributed to the units that gave it; units in
    `exclude` (the issuing body itself, whose voice is the report's own) are left out."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    workbook = f"tong-hop-{r.form.code}-{r.period.code}.xlsx"
    for unit, answer in r.texts.get(code, []):
        if unit.code in exclude:
            continue
        text = quoted(answer, workbook)
        key = " ".join(text.split()).rstrip(".;").casefold()
        name = r.reporting_names.get(unit.code) or reporting_name(unit)  # named once per round
        grouped.setdefault(key, (text.strip().rstrip(".;"), []))[1].append(name)

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


NO_SHORTCOMING = "Chưa phát hiện tồn tại, hạn chế."
NO_PROPOSAL = "Chưa có đơn vị đề xuất, kiến nghị."


def voice_parts(r: RoundResult, judged, own: tuple[str, ...], opinion_codes: tuple[str, ...]
                ) -> dict[str, list[str]]:
    """What both reports say in the department's voice (assessment, proposals) and the units'
    own opinions, compiled with attribution; `opinion_codes` are the form's indicators for
    strengths, shortcomings, good practices and recommendations, in that order."""
    strengths, shortcomings, practices, recommendations = opinion_codes
    return {
        "assessment_strengths": judged.strengths or [NO_ANSWER],
        "assessment_shortcomings": judged.shortcomings or [NO_SHORTCOMING],
        "proposals": judged.proposals,
        "strengths": attributed_texts(r, strengths, own) or [NO_ANSWER],
        "shortcomings": attributed_texts(r, shortcomings, own) or [NO_ANSWER],
        "good_practices": attributed_texts(r, practices, own) or [NO_ANSWER],
        "recommendations": attributed_texts(r, recommendations, own) or [NO_PROPOSAL],
    }
