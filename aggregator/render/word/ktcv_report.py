"""The KTCV results report (six-month and annual): adaptive Vietnamese sentences from RoundResults.
The annual one adds the provincial team's direct inspections (DKT) and remediation (KPKN)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from aggregator.consolidate import RoundResult
from aggregator.render.charts import ChartSpec, draw, worth_drawing
from aggregator.render.unit_text import quoted
from aggregator.render.word.assessment import ktcv_assessment
from aggregator.render.word.direct_findings import dkt_paragraphs
from aggregator.render.word.plan_sections import direction_paragraphs, next_tasks
from aggregator.render.word.report_context import (
    by_child,
    child_name,
    child_names,
    child_status,
    common,
    group_of,
    join,
    lower_first,
    n,
    status_paragraphs,
    voice_parts,
    window_sentence,
)
from aggregator.render.word.template import Picture
from aggregator.vn_format import DASH
from aggregator.vn_format import percent as vn_percent
from aggregator.vn_format import short_date as vn_short_date
from aggregator.workspace.config import Config

VIOLATION_TYPES = ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8"]


def _nonzero(pairs: list[tuple[str, float]], unit: str) -> list[str]:
    return [f"{label} {n(v)} {unit}".strip() for label, v in pairs if v]


def _phrase(label: str) -> str:
    """A form label inside a sentence: lower-case start, no colon ("TTHC: gây…" → "TTHC gây…")."""
    return lower_first(label).replace(": ", " ").replace(";", ",")


def inspection_paragraphs(r: RoundResult) -> list[str]:
    t, d, labels = r.totals, r.derived, r.form.by_code
    out = []
    if t["1"]:
        kinds = _nonzero([("theo kế hoạch", t["1.1"]), ("đột xuất", t["1.2"])], "cuộc")
        out.append(
            f"Các cơ quan, đơn vị, địa phương đã thực hiện {n(t['1'])} cuộc kiểm tra công vụ"
            + (f" ({join(kinds)})" if kinds else "")
            + f" tại {n(t['2'])} cơ quan, đơn vị, địa phương; {n(t['3'])} cán bộ, công chức, "
            "viên chức, người lao động được kiểm tra."
        )
    else:
        out.append("Trong kỳ, các cơ quan, đơn vị, địa phương chưa báo cáo cuộc kiểm tra công vụ nào.")
    if t["4"]:
        kinds = sorted(((t[c], c) for c in VIOLATION_TYPES if t[c]), reverse=True)[:3]
        main = [f"{_phrase(labels[c].label)} ({n(v)} lượt)" for v, c in kinds]
        main = "; ".join(main[:-1]) + " và " + main[-1] if len(main) > 1 else "".join(main)
        out.append(
            f"Qua kiểm tra, phát hiện {n(t['4'])} người có vi phạm (chiếm {vn_percent(d['R3'])} số "
            f"người được kiểm tra) với {n(t['5'])} lượt vi phạm"
            + (f", nhiều nhất là các vi phạm về {main}." if main else ".")
        )
    elif t["1"]:
        out.append("Qua kiểm tra, chưa phát hiện cán bộ, công chức, viên chức, người lao động vi phạm.")
    if t["6"]:
        discipline = _nonzero([("khiển trách", t["6.2.1"]), ("cảnh cáo", t["6.2.2"]),
                               ("hạ bậc lương, giáng chức", t["6.2.3"]),
                               ("cách chức, buộc thôi việc", t["6.2.4"])], "người")
        parts = _nonzero([("nhắc nhở, phê bình, kiểm điểm rút kinh nghiệm", t["6.1"])], "người")
        if t["6.2"]:
            parts.append(f"xử lý kỷ luật {n(t['6.2'])} người ({join(discipline)})")
        parts += _nonzero([("điều chuyển, bố trí công việc khác", t["6.3"]),
                           ("đang xem xét xử lý", t["6.4"])], "người")
        out.append(f"Đã xử lý {n(t['6'])} người, gồm: {join(parts)}.")
    if t["7"]:
        out.append(f"Đã ban hành {n(t['7'])} kiến nghị, trong đó {n(t['7.1'])} kiến nghị đã thực "
                   f"hiện xong (đạt {vn_percent(d['R4'])}).")
    return out


def dossier_paragraphs(r: RoundResult) -> list[str]:
    t, d = r.totals, r.derived
    out = []
    if t["8"]:
        out.append(
            f"Tổng số hồ sơ thủ tục hành chính phải giải quyết là {n(t['8'])} hồ sơ "
            f"({n(t['8.1'])} hồ sơ kỳ trước chuyển sang, {n(t['8.2'])} hồ sơ tiếp nhận mới, trong "
            f"đó {n(t['8.2.1'])} hồ sơ tiếp nhận trực tuyến, chiếm {vn_percent(d['R2'])})."
        )
        out.append(
            f"Đã giải quyết {n(t['9'])} hồ sơ (trước hạn {n(t['9.1'])}, đúng hạn {n(t['9.2'])}, "
            f"quá hạn {n(t['9.3'])}); tỷ lệ giải quyết trước hạn và đúng hạn đạt "
            f"{vn_percent(d['R1'])}. Đang giải quyết {n(t['10'])} hồ sơ"
            + (f", trong đó {n(t['10.2'])} hồ sơ quá hạn" if t["10.2"] else "")
            + (f"; {n(t['11'])} hồ sơ trả lại hoặc công dân rút hồ sơ" if t["11"] else "")
            + "."
        )
        if t["9.3"] or t["10.2"]:
            out.append(f"Đã ban hành {n(t['12'])} phiếu xin lỗi và hẹn lại ngày trả kết quả.")
    else:
        out.append("Trong kỳ, các đơn vị không báo cáo hồ sơ thủ tục hành chính phải giải quyết.")
    if t["13"] or t["14"]:
        out.append(
            f"Tiếp {n(t['13'])} lượt công dân; tiếp nhận {n(t['14'])} đơn thư, trong đó "
            f"{n(t['14.1'])} đơn thuộc thẩm quyền, đã giải quyết {n(t['14.2'])} đơn."
        )
    return out


def kpkn_paragraphs(kpkn: RoundResult | None) -> list[str]:
    if kpkn is None or not kpkn.totals.get("T"):
        return ["Chưa có đơn vị báo cáo kết quả thực hiện kiến nghị, khắc phục tồn tại."]
    t = kpkn.totals
    return [f"Có {n(kpkn.submitted)} cơ quan, đơn vị, địa phương báo cáo {n(t['T'])} tồn tại, kiến "
            f"nghị sau kiểm tra: đã khắc phục {n(t['T.1'])} nội dung "
            f"({vn_percent(kpkn.derived['R1'])}), đang khắc phục {n(t['T.2'])} nội dung, chưa khắc "
            f"phục {n(t['T.3'])} nội dung. Danh sách các tồn tại, kiến nghị chưa khắc phục xong tại "
            "Phụ lục II."]


def open_items(kpkn: RoundResult | None) -> list[dict[str, str]]:
    if kpkn is None or kpkn.items.empty:
        return []
    rows = kpkn.items[kpkn.items["KET_QUA"] != "Đã khắc phục"]
    workbook = f"tong-hop-{kpkn.form.code}-{kpkn.period.code}.xlsx"

    def text(value: object) -> str:
        return quoted(str(value or ""), workbook)

    return [{"stt": str(i), "unit": child_name(kpkn, r["unit"]), "notice": text(r.get("SO_NGAY")),
             "content": text(r.get("NOI_DUNG")), "result": text(r.get("KET_QUA"))}
            for i, r in enumerate(rows.to_dict("records"), start=1)]


def _cell(value: float) -> str:
    return DASH if value is None or (isinstance(value, float) and math.isnan(value)) else n(value)


COLUMNS = {"inspections": "1", "violators": "4", "violations": "5", "handled": "6",
           "resolved": "9"}


def _row(stt: str, name: str, v, status: str, total: bool = False) -> dict[str, str]:
    """One appendix row from a Series of values (None: the unit has not reported)."""
    row = {"stt": stt, "name": name, "status": status, "total": total}
    for key, code in COLUMNS.items():
        row[key] = _cell(v[code]) if v is not None else DASH
    rate = None
    if v is not None and v["9"] and not math.isnan(v["9"]):
        rate = (v["9.1"] + v["9.2"]) / v["9"] * 100
    row["on_time_rate"] = vn_percent(rate)
    return row


def unit_rows(r: RoundResult) -> list[dict[str, str]]:
    """The appendix: one row per unit directly below the consolidating unit, a subtotal row per
    group of units (when there are several) and the "Tổng cộng" row."""
    from aggregator.consolidate.completeness import GROUP_LABELS

    groups: dict[str, list[str]] = {}
    for child in r.by_child:
        groups.setdefault(group_of(r, child.key), []).append(child.key)
    rows, i = [], 0
    values = r.child_values
    for group, codes in groups.items():
        for code in codes:
            i += 1
            v = values.loc[code] if code in values.index else None
            rows.append(_row(str(i), child_name(r, code), v, child_status(r, code)))
        if len(groups) > 1:
            present = [c for c in codes if c in values.index]
            label = GROUP_LABELS.get(group, group) or "Khác"
            sub = values.loc[present].sum() if present else None
            reported = sum(c.reported for c in r.by_child if c.key in codes)
            expected = sum(c.expected for c in r.by_child if c.key in codes)
            rows.append(_row("", f"Cộng khối {lower_first(label) if label.startswith('Sở') else label}",
                             sub, f"{n(reported)}/{n(expected)} đã nộp", total=True))
    total = values.sum() if len(values) else None
    rows.append(_row("", "Tổng cộng", total, f"{n(r.submitted)}/{n(r.expected)} đã nộp",
                     total=True))
    return rows


def key_figures(r: RoundResult) -> list[dict[str, str]]:
    rows = [{"code": i.code, "label": f"{i.label} ({i.unit})", "value": n(r.totals[i.code])}
            for i in r.form.indicators if i.is_numeric and "." not in i.code]
    # Derived rates carry internal codes (R1…): the reader sees the label only.
    rows += [{"code": "", "label": d.label, "value": vn_percent(r.derived[d.code])}
             for d in r.form.derived]
    return rows


def chart_specs(r: RoundResult, folder: Path) -> dict[str, ChartSpec | None]:
    t, labels = r.totals, r.form.by_code
    violations = None
    if any(t[c] > 0 for c in VIOLATION_TYPES):  # NaN (nobody reported) draws no chart
        violations = ChartSpec(folder, f"vi-pham-{r.period.code}", "Số lượt vi phạm theo loại",
                               tuple(labels[c].label for c in VIOLATION_TYPES),
                               tuple(t[c] for c in VIOLATION_TYPES), horizontal=True)
    rates = by_child(r, "R1").sort_values(ascending=False)
    on_time = None
    if worth_drawing(list(rates.values)):
        on_time = ChartSpec(folder, f"dung-han-{r.period.code}",
                            "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn (%)",
                            tuple(child_names(r, rates.index)), tuple(rates.values), horizontal=True,
                            percent=True)
    return {"chart_violations": violations, "chart_on_time": on_time}


def ktcv_context(r: RoundResult, config: Config, report_date: date, chart_dir: Path | None = None,
                 dkt: RoundResult | None = None, kpkn: RoundResult | None = None,
                 titles: dict[str, str] | None = None) -> dict:
    own = (config.issuing_code,)  # the department's proposals are the report's own, not quoted
    judged = ktcv_assessment(r, config.plan_number, config.issuing_body_name, dkt, kpkn)
    context = common(config, report_date) | {
        "period_label_lower": lower_first(r.period.label),
        "direction_paragraphs": direction_paragraphs(r, config),
        "window_text": window_sentence(r),
        "status_paragraphs": status_paragraphs(r, config.issuing_body_name),
        "inspection_paragraphs": inspection_paragraphs(r),
        "dossier_paragraphs": dossier_paragraphs(r),
        "key_figures": key_figures(r),
        **voice_parts(r, judged, own, ("15", "16", "17", "18")),
        "next_tasks": next_tasks(r, config, report_date, titles or {r.form.code: r.form.title}),
        "unit_rows": unit_rows(r),
        "dkt_paragraphs": dkt_paragraphs(dkt),
        "kpkn_paragraphs": kpkn_paragraphs(kpkn),
        "open_items": open_items(kpkn),
        "deadline": vn_short_date(r.round.deadline),
    }
    specs = chart_specs(r, chart_dir) if chart_dir else {}
    return context | {name: Picture(draw(spec)) if spec else None for name, spec in specs.items()} | {
        k: None for k in ("chart_violations", "chart_on_time") if k not in specs}
