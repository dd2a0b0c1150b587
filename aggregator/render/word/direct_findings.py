"""The provincial team's direct inspections (DKT records) in sentences that name the units: used by
the annual KTCV report (every visit) and the CCHC report (visits whose scope covers CCHC)."""

from __future__ import annotations

from aggregator.consolidate import RoundResult
from aggregator.render.word.report_context import child_name, join, join_names, lower_first, n

SCOPE_CODE, KIND_CODE = "3", "2"
CCHC_SCOPES = ("CCHC", "Cả hai")
FAILED = "Chưa đạt"


def _visits(dkt: RoundResult, scopes: tuple[str, ...] | None):
    records = dkt.records
    if scopes is not None and SCOPE_CODE in records:
        records = records[records[SCOPE_CODE].isin(scopes)]
    return records


def _unit_names(dkt: RoundResult, codes) -> list[str]:
    return [child_name(dkt, c) for c in dict.fromkeys(codes)]


def dkt_paragraphs(dkt: RoundResult | None, scopes: tuple[str, ...] | None = None) -> list[str]:
    """Visits, inspected units by name, and each content found wanting with the units concerned."""
    visits = None if dkt is None or dkt.records.empty else _visits(dkt, scopes)
    if visits is None or visits.empty:
        return ["Trong kỳ, Đoàn kiểm tra của tỉnh chưa có phiếu kết quả kiểm tra trực tiếp."]
    units = _unit_names(dkt, visits["unit"])
    kinds = visits[KIND_CODE].value_counts() if KIND_CODE in visits else {}
    order = dkt.form.by_code[KIND_CODE].choices if KIND_CODE in dkt.form.by_code else []
    listed = [f"{n(kinds[k])} cuộc {k.lower()}" for k in order if kinds.get(k)]
    where = (f"tại {units[0]}" if len(units) == 1 else
             f"tại {n(len(units))} cơ quan, đơn vị, địa phương: {join_names(units)}")
    out = [f"Đoàn kiểm tra của tỉnh đã kiểm tra trực tiếp {n(len(visits))} cuộc"
           + (f" ({join(listed)})" if listed else "") + f" {where}."]
    failed = []
    for row in dkt.form.matrices[0].rows:
        column = f"{row.code}.KQ"
        if column in visits:
            codes = visits.loc[visits[column] == FAILED, "unit"]
            if len(codes):
                failed.append((len(codes), row.label, _unit_names(dkt, codes)))
    if not failed:
        out.append("Qua kiểm tra trực tiếp, các nội dung được kiểm tra đều đạt yêu cầu.")
        return out
    failed.sort(key=lambda f: -f[0])
    parts = [f"{lower_first(label)} ({join(names)})" for _, label, names in failed]
    out.append("Qua kiểm tra trực tiếp, Đoàn kiểm tra đã chỉ ra những nội dung chưa đạt yêu cầu: "
               + "; ".join(parts) + ".")
    return out


def failed_units(dkt: RoundResult | None, scopes: tuple[str, ...] | None = None) -> list[str]:
    """The units with at least one content found wanting, by name."""
    if dkt is None or dkt.records.empty:
        return []
    visits = _visits(dkt, scopes)
    columns = [c for c in visits.columns if str(c).endswith(".KQ")]
    bad = visits[(visits[columns] == FAILED).any(axis=1)] if columns else visits.iloc[0:0]
    return _unit_names(dkt, bad["unit"])
