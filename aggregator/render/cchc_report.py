"""The CCHC self-inspection report: task completion by reform area, self-inspections, online public
services, the self-assessed score ranking, and units' texts with attribution."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from aggregator.consolidate import RoundResult, ratio
from aggregator.render.charts import ChartSpec, draw
from aggregator.render.report_context import (
    NO_ANSWER,
    attributed_texts,
    by_child,
    child_status,
    common,
    lower_first,
    n,
    names,
    status_paragraphs,
)
from aggregator.render.vn import DASH, vn_number, vn_percent
from aggregator.render.word import Picture
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
        f"Các đơn vị đã tổ chức {n(t['3'])} cuộc tự kiểm tra CCHC tại {n(t['3.1'])} cơ quan, đơn vị "
        f"trực thuộc và UBND cấp xã; phát hiện {n(t['4'])} tồn tại, hạn chế, đã khắc phục "
        f"{n(t['4.1'])} ({vn_percent(d['R2'])}).",
        f"Tổng số {n(t['5'])} thủ tục hành chính thuộc thẩm quyền giải quyết, trong đó {n(t['5.1'])} "
        f"thủ tục cung cấp dịch vụ công trực tuyến toàn trình ({vn_percent(d['R3'])}) và "
        f"{n(t['5.2'])} thủ tục một phần; {n(t['6'])} thủ tục được rà soát, đề xuất đơn giản hóa.",
        f"Bình quân các đơn vị: tỷ lệ hồ sơ được số hóa kết quả giải quyết đạt {vn_percent(t['7'])}; "
        f"tỷ lệ hài lòng của người dân, doanh nghiệp {vn_percent(t['8'])}; tỷ lệ văn bản đi được ký "
        f"số, gửi nhận điện tử {vn_percent(t['9'])}.",
    ]


def _ranked(r: RoundResult):
    return by_child(r, "10").sort_values(ascending=False)


def score_paragraphs(r: RoundResult) -> list[str]:
    scores = _ranked(r)
    if scores.empty:
        return ["Chưa có đơn vị báo cáo điểm tự đánh giá chỉ số CCHC."]
    best, worst = names(r, [scores.index[0], scores.index[-1]])
    return [f"Điểm tự đánh giá chỉ số CCHC bình quân đạt {_value(r.totals['10'], 2)} điểm; cao "
            f"nhất là {best} ({_value(scores.iloc[0], 2)} điểm), thấp nhất là {worst} "
            f"({_value(scores.iloc[-1], 2)} điểm). Xếp hạng chi tiết tại Phụ lục."]


def unit_rows(r: RoundResult) -> list[dict[str, str]]:
    scores = _ranked(r)
    rank = {code: i for i, code in enumerate(scores.index, start=1)}
    order = list(scores.index) + [c.key for c in r.by_child if c.key not in rank]
    rows = []
    for code in order:
        has = code in r.child_values.index
        v = r.child_values.loc[code] if has else None
        rows.append({
            "rank": str(rank.get(code, DASH)), "name": r.names.get(code, code),
            "score": _value(v["10"], 2) if has else DASH,
            "completion": vn_percent(r.child_derived.loc[code, "R1"]) if has else DASH,
            "digitized": _value(v["7"]) if has else DASH,
            "satisfaction": _value(v["8"]) if has else DASH,
            "e_documents": _value(v["9"]) if has else DASH,
            "status": child_status(r, code),
        })
    return rows


def chart_specs(r: RoundResult, folder: Path) -> dict[str, ChartSpec | None]:
    scores = _ranked(r)
    if not len(scores):
        return {"chart_scores": None}
    return {"chart_scores": ChartSpec(folder, f"diem-cchc-{r.period.code}",
                                      "Điểm tự đánh giá chỉ số CCHC", tuple(names(r, scores.index)),
                                      tuple(scores.values), horizontal=True)}


def cchc_context(r: RoundResult, config: Config, report_date: date,
                 chart_dir: Path | None = None) -> dict:
    chart = None
    if chart_dir and (spec := chart_specs(r, chart_dir)["chart_scores"]):
        chart = Picture(draw(spec))
    return common(config, report_date) | {
        "period_label_lower": lower_first(r.period.label),
        "status_paragraphs": status_paragraphs(r),
        "task_paragraphs": task_paragraphs(r),
        "task_rows": task_rows(r),
        "reform_paragraphs": reform_paragraphs(r) if r.submitted else [],
        "score_paragraphs": score_paragraphs(r),
        "chart_scores": chart,
        "strengths": attributed_texts(r, "11") or [NO_ANSWER],
        "shortcomings": attributed_texts(r, "12") or [NO_ANSWER],
        "good_practices": attributed_texts(r, "13") or [NO_ANSWER],
        "recommendations": attributed_texts(r, "14") or ["Chưa có đơn vị đề xuất, kiến nghị."],
        "unit_rows": unit_rows(r),
    }
