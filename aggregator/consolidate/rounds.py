"""Consolidate one round: expected units, who reported when, province totals and derived rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import pandas as pd

from aggregator.config import RoundConfig
from aggregator.forms import FormSpec
from aggregator.periods import Period
from aggregator.units import Unit, UnitRegistry

Status = Literal["on_time", "late", "rejected", "missing"]
STATUS_LABELS: dict[str, str] = {
    "on_time": "Đúng hạn",
    "late": "Muộn",
    "rejected": "Bị trả lại",
    "missing": "Chưa nộp",
}


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    status: Status
    received_at: datetime | None = None
    file: str | None = None
    rejected_issues: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundResult:
    round: RoundConfig
    form: FormSpec
    period: Period
    as_of: date
    statuses: list[UnitStatus]
    per_unit: pd.DataFrame  # index: unit code (expected units that reported), columns: numeric codes
    totals: dict[str, float]
    derived: dict[str, float | None]  # percentages, None when the denominator is 0
    per_unit_derived: pd.DataFrame
    texts: dict[str, list[tuple[Unit, str]]]
    warnings: list[tuple[Unit, str]] = field(default_factory=list)  # (unit, message) of in-force files

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses if s.status == status)

    @property
    def expected(self) -> int:
        return len(self.statuses)

    @property
    def submitted(self) -> int:
        return self.count("on_time") + self.count("late")

    def units_with(self, *statuses: str) -> list[Unit]:
        return [s.unit for s in self.statuses if s.status in statuses]


def recompute_totals(form: FormSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Totals from their parts, deepest first (6.2 before 6): never trust an entered total."""
    frame = frame.copy()
    sums = [r for r in form.rules if r.kind == "sum" and len(r.left) == 1]
    pending = list(sums)
    while pending:
        ready = [r for r in pending if not any(p.left[0] in r.right for p in pending if p is not r)]
        if not ready:  # a cycle would be an author error; fall back to the given order
            ready = pending[:1]
        for rule in ready:
            frame[rule.left[0]] = frame[list(rule.right)].sum(axis=1, min_count=1)
            pending.remove(rule)
    return frame


def _ratio(num: pd.Series | float, den: pd.Series | float):
    if isinstance(den, pd.Series):
        return (num / den.where(den != 0) * 100).astype(float)
    return None if not den else float(num) / float(den) * 100


def _derived(form: FormSpec, frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {d.code: _ratio(frame[list(d.numerator)].sum(axis=1), frame[list(d.denominator)].sum(axis=1))
         for d in form.derived},
        index=frame.index,
    )


def consolidate_round(
    round_: RoundConfig,
    form: FormSpec,
    units: UnitRegistry,
    submissions: pd.DataFrame,
    values: pd.DataFrame,
    issues: pd.DataFrame,
    as_of: date,
) -> RoundResult:
    """`submissions`: the round's ledger rows; `values`: in-force long values; `issues`: their issues."""
    period = round_.parsed_period
    expected = units.expected(round_.submitters, round_.deadline)
    expected_codes = [u.code for u in expected]
    subs = submissions.copy()
    subs["received"] = pd.to_datetime(subs["received_at"])
    subs = subs[subs["received"].dt.date <= as_of]

    statuses = []
    for unit in expected:
        mine = subs[subs["unit"] == unit.code]
        accepted = mine[mine["status"] == "accepted"]
        if not accepted.empty:
            first = accepted.iloc[0]  # timeliness counts from the first accepted version
            in_force = accepted[accepted["superseded_by"].isna()]
            shown = in_force.iloc[-1] if not in_force.empty else accepted.iloc[-1]
            late = first["received"].date() >= round_.late_from
            statuses.append(UnitStatus(unit, "late" if late else "on_time",
                                       first["received"].to_pydatetime(), shown["original_name"]))
        elif not mine.empty:
            last = mine.iloc[-1]
            codes = issues[(issues["submission_id"] == last["id"]) & (issues["severity"] == "error")]
            statuses.append(UnitStatus(unit, "rejected", last["received"].to_pydatetime(),
                                       last["original_name"], tuple(codes["message"])))
        else:
            statuses.append(UnitStatus(unit, "missing"))

    reported = [s.unit.code for s in statuses if s.status in ("on_time", "late")]
    vals = values[values["unit"].isin(reported)]
    numeric = vals.pivot_table(index="unit", columns="indicator", values="number", aggfunc="first")
    per_unit = numeric.reindex(index=[c for c in expected_codes if c in reported],
                               columns=form.numeric_codes)
    per_unit = recompute_totals(form, per_unit)
    totals = {code: float(per_unit[code].sum()) for code in form.numeric_codes}
    total_frame = pd.DataFrame([totals])
    derived = {d.code: _ratio(total_frame[list(d.numerator)].sum(axis=1).iloc[0],
                              total_frame[list(d.denominator)].sum(axis=1).iloc[0])
               for d in form.derived}

    texts: dict[str, list[tuple[Unit, str]]] = {code: [] for code in form.text_codes}
    for row in vals[vals["indicator"].isin(form.text_codes) & vals["text"].notna()].itertuples():
        texts[row.indicator].append((units[row.unit], row.text))
    order = {c: i for i, c in enumerate(expected_codes)}
    for code in texts:
        texts[code].sort(key=lambda pair: order.get(pair[0].code, 0))

    in_force_ids = set(vals["submission_id"])
    warn = issues[issues["submission_id"].isin(in_force_ids) & (issues["severity"] == "warning")]
    sub_unit = dict(zip(subs["id"], subs["unit"]))
    warnings = [(units[sub_unit[w.submission_id]], w.message) for w in warn.itertuples()
                if sub_unit.get(w.submission_id) in order]

    return RoundResult(
        round=round_, form=form, period=period, as_of=as_of, statuses=statuses,
        per_unit=per_unit, totals=totals, derived=derived,
        per_unit_derived=_derived(form, per_unit), texts=texts, warnings=warnings,
    )
