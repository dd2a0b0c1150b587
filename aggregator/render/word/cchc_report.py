"""The CCHC self-inspection report: task completion by reform area, self-inspections, online public
services, the self-assessed score ranking, and units' texts with attribution."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from aggregator.consolidate import RoundResult, ratio
from aggregator.consolidate.completeness import GROUP_LABELS
from aggregator.render.word.assessment import cchc_assessment
from aggregator.render.word.direct_findings import CCHC_SCOPES, dkt_paragraphs
from aggregator.render.word.plan_sections import direction_paragraphs, next_tasks
from aggregator.render.word.report_context import (
    by_child,
    child_name,
    child_names,
    child_status,
    common,
    group_of,
    lower_first,
    n,
    status_paragraphs,
    voice_parts,
    window_sentence,
)
from aggregator.vn_format import DASH
from aggregator.vn_format import number as vn_number
from aggregator.vn_format import percent as vn_percent
from aggregator.workspace.config import Config


def _value(v: float | None, decimals: int = 1) -> str:
    return DASH if v is None or (isinstance(v, float) and math.isnan(v)) else vn_number(v, decimals)


def task_rows(r: RoundResult) -> list[dict[str, str]]:
    m = r.form.matrices[0]
    rows = []
    for row in m.rows:
        t = {k: r.totals[f"{row.code}.{k}"] for k in ("KH", "HT", "DTH", "CTH")}
        rows.append({"code": row.code, "label": row.label, "planned": n(t["KH"]), "done": n(t["HT"]),
                     "doing": n(t["DTH"]), "not_started": n(t["CTH"]),
                     "rate": vn_percent(ratio(t["HT"], t["KH"]))})
    return rows


def task_paragraphs(r: RoundResult) -> list[str]:
    t = r.totals
    if not t["2.KH"]:
        return ["Các đơn vị chưa báo cáo nhiệm vụ CCHC theo kế hoạch."]
    areas = [(ratio(t[f"{row.code}.HT"], t[f"{row.code}.KH"]), row.label)
             for row in r.form.matrices[0].rows if row.code != "2" and t[f"{row.code}.KH"]]
    low = min(areas)
    return [
        f"Các cơ quan, đơn vị, địa phương đã ban hành {n(t['1'])} kế hoạch, văn bản chỉ đạo, điều "
        f"hành về CCHC. Tổng số {n(t['2.KH'])} nhiệm vụ CCHC theo kế hoạch, đã hoàn thành "
        f"{n(t['2.HT'])} nhiệm vụ (đạt {vn_percent(r.derived['R1'])}), đang thực hiện "
        f"{n(t['2.DTH'])}, chưa thực hiện {n(t['2.CTH'])} nhiệm vụ.",
        f"Lĩnh vực có tỷ lệ hoàn thành thấp nhất là {lower_first(low[1])} "
        f"({vn_percent(low[0])}).",
    ]


def reform_paragraphs(r: RoundResult) -> list[str]:
    t, d = r.totals, r.derived
    return [
        f"Các cơ quan, đơn vị, địa phương đã tổ chức {n(t['3'])} cuộc tự kiểm tra CCHC tại "
        f"{n(t['3.1'])} cơ quan, đơn vị "
        f"trực thuộc và UBND cấp xã; phát hiện {n(t['4'])} tồn tại, hạn chế, đã khắc phục "
        f"{n(t['4.1'])} ({vn_percent(d['R2'])}).",
        f"Tổng số {n(t['5'])} thủ tục hành chính thuộc thẩm quyền giải quyết, trong đó {n(t['5.1'])} "
        f"thủ tục cung cấp dịch vụ công trực tuyến toàn trình ({vn_percent(d['R3'])}) và "
        f"{n(t['5.2'])} thủ tục một phần; {n(t['6'])} thủ tục được rà soát, đề xuất đơn giản hóa.",
        f"Tính bình quân của các đơn vị, tỷ lệ hồ sơ được số hóa kết quả giải quyết đạt "
        f"{vn_percent(t['7'])}, tỷ lệ hài lòng của người dân, doanh nghiệp đạt {vn_percent(t['8'])}, "
        f"tỷ lệ văn bản đi được ký số, gửi nhận điện tử đạt {vn_percent(t['9'])}.",
    ]


def _ranked(r: RoundResult):
    return by_child(r, "10").sort_values(ascending=False)


def _groups(r: RoundResult) -> dict[str, list[str]]:
    """Units directly below the consolidating unit by group, in the order of the unit list: the
    index of a provincial agency and of a district use different criteria, so each is ranked
    within its own group."""
    groups: dict[str, list[str]] = {}
    for child in r.by_child:
        groups.setdefault(group_of(r, child.key), []).append(child.key)
    return groups


def _label(group: str) -> str:
    label = GROUP_LABELS.get(group, group) or "Các đơn vị"
    return lower_first(label) if label.startswith("Sở") else label


def score_paragraphs(r: RoundResult) -> list[str]:
    scores = _ranked(r)
    if scores.empty:
        return ["Chưa có đơn vị báo cáo điểm tự đánh giá chỉ số CCHC."]
    out = [f"Điểm tự đánh giá chỉ số CCHC bình quân đạt {_value(r.totals['10'], 2)} điểm. Do bộ "
           "tiêu chí của khối sở, ban, ngành và khối UBND cấp huyện khác nhau, việc xếp hạng được "
           "thực hiện trong từng khối (chi tiết tại Phụ lục I)."]
    for group, codes in _groups(r).items():
        ranked = scores[[c for c in scores.index if c in codes]]
        if ranked.empty:
            continue
        if len(ranked) == 1:
            out.append(f"Khối {_label(group)}: {child_name(r, ranked.index[0])} đạt "
                       f"{_value(ranked.iloc[0], 2)} điểm.")
            continue
        best, worst = child_names(r, [ranked.index[0], ranked.index[-1]])
        out.append(f"Khối {_label(group)}: cao nhất là {best} ({_value(ranked.iloc[0], 2)} điểm), "
                   f"thấp nhất là {worst} ({_value(ranked.iloc[-1], 2)} điểm).")
    return out


def _unit_row(r: RoundResult, code: str, rank: str) -> dict[str, str]:
    has = code in r.child_values.index
    v = r.child_values.loc[code] if has else None
    return {
        "rank": rank, "name": child_name(r, code), "total": False,
        "score": _value(v["10"], 2) if has else DASH,
        "completion": vn_percent(r.child_derived.loc[code, "R1"]) if has else DASH,
        "digitized": _value(v["7"]) if has else DASH,
        "satisfaction": _value(v["8"]) if has else DASH,
        "e_documents": _value(v["9"]) if has else DASH,
        "status": child_status(r, code),
    }


def _mean_row(r: RoundResult, name: str, codes: list[str]) -> dict[str, str]:
    present = [c for c in codes if c in r.child_values.index]
    v = r.child_values.loc[present].mean() if present else None
    done = r.child_values.loc[present, ["2.HT", "2.KH"]].sum() if present else None
    return {"rank": "", "name": name, "total": True,
            "score": _value(v["10"], 2) if v is not None else DASH,
            "completion": vn_percent(ratio(done["2.HT"], done["2.KH"])) if done is not None else DASH,
            "digitized": _value(v["7"]) if v is not None else DASH,
            "satisfaction": _value(v["8"]) if v is not None else DASH,
            "e_documents": _value(v["9"]) if v is not None else DASH,
            "status": f"{n(len(present))}/{n(len(codes))} đã nộp"}


def unit_rows(r: RoundResult) -> list[dict[str, str]]:
    """The ranking, within each group (a heading row per group when there are several), each
    group closed by its average row, then the province-wide average."""
    scores = _ranked(r)
    groups = _groups(r)
    rows = []
    for group, codes in groups.items():
        if len(groups) > 1:
            rows.append({"rank": "", "name": f"Khối {_label(group)}", "total": True,
                         "score": "", "completion": "",
                         "digitized": "", "satisfaction": "", "e_documents": "", "status": ""})
        ranked = [c for c in scores.index if c in codes]
        rows += [_unit_row(r, c, str(i)) for i, c in enumerate(ranked, start=1)]
        rows += [_unit_row(r, c, DASH) for c in codes if c not in ranked]
        if len(groups) > 1:
            rows.append(_mean_row(r, f"Bình quân khối {_label(group)}", codes))
    rows.append(_mean_row(r, "Bình quân chung", [c for cs in groups.values() for c in cs]))
    return rows


def cchc_context(r: RoundResult, config: Config, report_date: date,
                 chart_dir: Path | None = None, dkt: RoundResult | None = None,
                 previous: RoundResult | None = None, titles: dict[str, str] | None = None) -> dict:
    own = (config.issuing_code,)
    judged = cchc_assessment(r, config.plan_number, config.issuing_body_name, dkt, previous,
                             CCHC_SCOPES)
    return common(config, report_date) | {
        "recipient": config.cchc_recipient,
        "period_label_lower": lower_first(r.period.label),
        "direction_paragraphs": direction_paragraphs(r, config),
        "window_text": window_sentence(r),
        "status_paragraphs": status_paragraphs(r, config.issuing_body_name),
        "task_paragraphs": task_paragraphs(r),
        "task_rows": task_rows(r),
        "reform_paragraphs": reform_paragraphs(r) if r.submitted else [],
        "score_paragraphs": score_paragraphs(r),
        "dkt_paragraphs": dkt_paragraphs(dkt, CCHC_SCOPES),
        **voice_parts(r, judged, own, ("11", "12", "13", "14")),
        "next_tasks": next_tasks(r, config, report_date, titles or {r.form.code: r.form.title}),
        "unit_rows": unit_rows(r),
    }
