"""The KTCV results report: a context of adaptive Vietnamese sentences built from a RoundResult."""

from __future__ import annotations

import math
from datetime import date

from aggregator.config import Config
from aggregator.consolidate import STATUS_LABELS, RoundResult
from aggregator.render.vn import DASH, vn_date, vn_number, vn_percent, vn_short_date

VIOLATION_TYPES = ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8"]


def _n(value: float) -> str:
    return vn_number(value)


def _lower_first(text: str) -> str:
    """Lower-case the first letter only: abbreviations such as TTHC and CBCCVC keep their case."""
    return text[:1].lower() + text[1:]


def _join(parts: list[str]) -> str:
    """'a', 'a và b', 'a, b và c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def _nonzero(pairs: list[tuple[str, float]], unit: str) -> list[str]:
    return [f"{label} {_n(v)} {unit}".strip() for label, v in pairs if v]


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
            timing = f"trong đó {_n(on_time)} đơn vị gửi đúng hạn, {_n(late)} đơn vị gửi muộn"
        out = [f"{on}, {_n(r.submitted)}/{_n(r.expected)} cơ quan, đơn vị, địa phương đã gửi báo cáo "
               f"(đạt {rate}), {timing} so với thời hạn ({r.round.deadline_text})."]
    late_units = r.units_with("late")
    if late_units and r.submitted:
        out.append("Các đơn vị gửi báo cáo muộn: " + _join([u.name for u in late_units]) + ".")
    missing = r.units_with("missing")
    if missing and r.submitted:
        out.append(f"Còn {_n(len(missing))} đơn vị chưa gửi báo cáo: "
                   + _join([u.name for u in missing]) + ".")
    rejected = r.units_with("rejected")
    if rejected:
        out.append(f"{_n(len(rejected))} đơn vị gửi báo cáo chưa đạt yêu cầu, đã được trả lại để "
                   "hoàn thiện: " + _join([u.name for u in rejected]) + ".")
    return out


def inspection_paragraphs(r: RoundResult) -> list[str]:
    t, d, labels = r.totals, r.derived, r.form.by_code
    out = []
    if t["1"]:
        kinds = _nonzero([("theo kế hoạch", t["1.1"]), ("đột xuất", t["1.2"])], "cuộc")
        out.append(
            f"Các cơ quan, đơn vị, địa phương đã thực hiện {_n(t['1'])} cuộc kiểm tra công vụ"
            + (f" ({_join(kinds)})" if kinds else "")
            + f" tại {_n(t['2'])} cơ quan, đơn vị, địa phương; {_n(t['3'])} cán bộ, công chức, "
            "viên chức, người lao động được kiểm tra."
        )
    else:
        out.append("Trong kỳ, các cơ quan, đơn vị, địa phương chưa báo cáo cuộc kiểm tra công vụ nào.")
    if t["4"]:
        kinds = sorted(((t[c], c) for c in VIOLATION_TYPES if t[c]), reverse=True)[:3]
        main = _join([f"{_lower_first(labels[c].label)} ({_n(v)} lượt)" for v, c in kinds])
        out.append(
            f"Qua kiểm tra, phát hiện {_n(t['4'])} người có vi phạm (chiếm {vn_percent(d['R3'])} số "
            f"người được kiểm tra) với {_n(t['5'])} lượt vi phạm"
            + (f", chủ yếu về: {main}." if main else ".")
        )
    elif t["1"]:
        out.append("Qua kiểm tra, chưa phát hiện cán bộ, công chức, viên chức, người lao động vi phạm.")
    if t["6"]:
        discipline = _nonzero([("khiển trách", t["6.2.1"]), ("cảnh cáo", t["6.2.2"]),
                               ("hạ bậc lương, giáng chức", t["6.2.3"]),
                               ("cách chức, buộc thôi việc", t["6.2.4"])], "người")
        parts = _nonzero([("nhắc nhở, phê bình, kiểm điểm rút kinh nghiệm", t["6.1"])], "người")
        if t["6.2"]:
            parts.append(f"xử lý kỷ luật {_n(t['6.2'])} người ({_join(discipline)})")
        parts += _nonzero([("điều chuyển, bố trí công việc khác", t["6.3"]),
                           ("đang xem xét xử lý", t["6.4"])], "người")
        out.append(f"Đã xử lý {_n(t['6'])} người, gồm: {_join(parts)}.")
    if t["7"]:
        out.append(f"Đã ban hành {_n(t['7'])} kiến nghị, trong đó {_n(t['7.1'])} kiến nghị đã thực "
                   f"hiện xong (đạt {vn_percent(d['R4'])}).")
    return out


def dossier_paragraphs(r: RoundResult) -> list[str]:
    t, d = r.totals, r.derived
    out = []
    if t["8"]:
        out.append(
            f"Tổng số hồ sơ thủ tục hành chính phải giải quyết là {_n(t['8'])} hồ sơ "
            f"({_n(t['8.1'])} hồ sơ kỳ trước chuyển sang, {_n(t['8.2'])} hồ sơ tiếp nhận mới, trong "
            f"đó {_n(t['8.2.1'])} hồ sơ tiếp nhận trực tuyến, chiếm {vn_percent(d['R2'])})."
        )
        out.append(
            f"Đã giải quyết {_n(t['9'])} hồ sơ (trước hạn {_n(t['9.1'])}, đúng hạn {_n(t['9.2'])}, "
            f"quá hạn {_n(t['9.3'])}); tỷ lệ giải quyết trước hạn và đúng hạn đạt "
            f"{vn_percent(d['R1'])}. Đang giải quyết {_n(t['10'])} hồ sơ"
            + (f", trong đó {_n(t['10.2'])} hồ sơ quá hạn" if t["10.2"] else "")
            + (f"; {_n(t['11'])} hồ sơ trả lại hoặc công dân rút hồ sơ" if t["11"] else "")
            + "."
        )
        if t["9.3"] or t["10.2"]:
            out.append(f"Đã ban hành {_n(t['12'])} phiếu xin lỗi và hẹn lại ngày trả kết quả.")
    else:
        out.append("Trong kỳ, các đơn vị không báo cáo hồ sơ thủ tục hành chính phải giải quyết.")
    if t["13"] or t["14"]:
        out.append(
            f"Tiếp {_n(t['13'])} lượt công dân; tiếp nhận {_n(t['14'])} đơn thư, trong đó "
            f"{_n(t['14.1'])} đơn thuộc thẩm quyền, đã giải quyết {_n(t['14.2'])} đơn."
        )
    return out


def _texts(r: RoundResult, code: str) -> list[str]:
    """Units' answers, identical ones merged, each attributed to the units that gave it."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    for unit, text in r.texts.get(code, []):
        key = " ".join(text.split()).rstrip(".;").casefold()
        grouped.setdefault(key, (text.strip().rstrip(".;"), []))[1].append(unit.name)
    return [f"{text} ({', '.join(names)})." for text, names in grouped.values()]


def _cell(value: float) -> str:
    return DASH if value is None or (isinstance(value, float) and math.isnan(value)) else _n(value)


def unit_rows(r: RoundResult) -> list[dict[str, str]]:
    rows = []
    for i, s in enumerate(r.statuses, start=1):
        has = s.unit.code in r.per_unit.index
        v = r.per_unit.loc[s.unit.code] if has else None
        rate = r.per_unit_derived.loc[s.unit.code, "R1"] if has else None
        rows.append({
            "stt": str(i),
            "name": s.unit.name,
            "inspections": _cell(v["1"]) if has else DASH,
            "violators": _cell(v["4"]) if has else DASH,
            "violations": _cell(v["5"]) if has else DASH,
            "handled": _cell(v["6"]) if has else DASH,
            "resolved": _cell(v["9"]) if has else DASH,
            "on_time_rate": vn_percent(None if rate is None or math.isnan(rate) else rate),
            "status": STATUS_LABELS[s.status],
        })
    return rows


def key_figures(r: RoundResult) -> list[dict[str, str]]:
    rows = [{"code": i.code, "label": f"{i.label} ({i.unit})", "value": _n(r.totals[i.code])}
            for i in r.form.indicators if i.is_numeric and "." not in i.code]
    rows += [{"code": d.code, "label": d.label, "value": vn_percent(r.derived[d.code])}
             for d in r.form.derived]
    return rows


def ktcv_context(r: RoundResult, config: Config, report_date: date) -> dict:
    label = r.period.label
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
        "plan_title": _lower_first(config.plan_title),
        "period_label_lower": _lower_first(label),
        "status_paragraphs": status_paragraphs(r),
        "inspection_paragraphs": inspection_paragraphs(r),
        "dossier_paragraphs": dossier_paragraphs(r),
        "key_figures": key_figures(r),
        "strengths": _texts(r, "15") or ["Chưa có đơn vị báo cáo nội dung này."],
        "shortcomings": _texts(r, "16") or ["Chưa có đơn vị báo cáo nội dung này."],
        "good_practices": _texts(r, "17") or ["Chưa có đơn vị báo cáo nội dung này."],
        "recommendations": _texts(r, "18") or ["Chưa có đơn vị đề xuất, kiến nghị."],
        "unit_rows": unit_rows(r),
        "copies_to": list(config.copies_to),
        "archive_code": config.archive_code,
        "signer_authority": config.signer.authority,
        "signer_position": config.signer.position,
        "signer_name": config.signer.name,
    }
