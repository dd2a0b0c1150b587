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
    per_unit: pd.DataFrame  # index: unit code (units that reported), columns: numeric codes
    totals: dict[str, float]
    derived: dict[str, float | None]  # percentages, None when the denominator is 0
    per_unit_derived: pd.DataFrame
    texts: dict[str, list[tuple[Unit, str]]]
    items: pd.DataFrame = field(default_factory=pd.DataFrame)  # line-list rows: unit, item_no, keys…
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
    sums = [r for r in form.all_rules if r.kind == "sum" and len(r.left) == 1]
    pending = list(sums)
    while pending:
        ready = [r for r in pending if not any(p.left[0] in r.right for p in pending if p is not r)]
        if not ready:  # a cycle would be an author error; fall back to the given order
            ready = pending[:1]
        for rule in ready:
            frame[rule.left[0]] = frame[list(rule.right)].sum(axis=1, min_count=1)
            pending.remove(rule)
    return frame


def ratio(num: float, den: float) -> float | None:
    return None if not den or pd.isna(den) else float(num) / float(den) * 100


def _derived(form: FormSpec, frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for d in form.derived:
        den = frame[list(d.denominator)].sum(axis=1)
        out[d.code] = (frame[list(d.numerator)].sum(axis=1) / den.where(den != 0) * 100).astype(float)
    return pd.DataFrame(out, index=frame.index)


def _statuses(round_: RoundConfig, expected: list[Unit], subs: pd.DataFrame,
              issues: pd.DataFrame) -> list[UnitStatus]:
    statuses = []
    for unit in expected:
        mine = subs[subs["unit"] == unit.code]
        accepted = mine[mine["status"] == "accepted"]
        if not accepted.empty:
            first = accepted.iloc[0]  # timeliness counts from the first accepted version
            in_force = accepted[accepted["superseded_by"].isna()]
            shown = in_force.iloc[-1] if not in_force.empty else accepted.iloc[-1]
            late = round_.timeliness and first["received"].date() >= round_.late_from
            statuses.append(UnitStatus(unit, "late" if late else "on_time",
                                       first["received"].to_pydatetime(), shown["original_name"]))
        elif not mine.empty:
            last = mine.iloc[-1]
            errors = issues[(issues["submission_id"] == last["id"]) & (issues["severity"] == "error")]
            statuses.append(UnitStatus(unit, "rejected", last["received"].to_pydatetime(),
                                       last["original_name"], tuple(errors["message"])))
        else:
            statuses.append(UnitStatus(unit, "missing"))
    return statuses


def _per_unit(form: FormSpec, vals: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Units × numeric codes; several files of one unit (DKT) add up counts and average rates."""
    numbers = vals[vals["number"].notna()]
    grouped = numbers.groupby(["unit", "indicator"])["number"]
    sums, means = grouped.sum().unstack(), grouped.mean().unstack()
    frame = pd.DataFrame(index=[u for u in order if u in set(numbers["unit"])])
    for ind in form.indicators:
        if ind.is_numeric:
            source = sums if ind.aggregation == "sum" else means
            frame[ind.code] = source[ind.code] if ind.code in source else float("nan")
    return frame.astype(float)


def consolidate_round(
    round_: RoundConfig,
    form: FormSpec,
    units: UnitRegistry,
    submissions: pd.DataFrame,
    values: pd.DataFrame,
    issues: pd.DataFrame,
    as_of: date,
    items: pd.DataFrame | None = None,
) -> RoundResult:
    """`submissions`: the round's ledger rows; `values`/`items`: in-force long tables; `issues`:
    the issues of those submissions."""
    subs = submissions.copy()
    subs["received"] = pd.to_datetime(subs["received_at"])
    subs = subs[subs["received"].dt.date <= as_of]
    if round_.submitters:
        expected = units.expected(round_.submitters, round_.deadline)
    else:  # nobody is expected (DKT): the units that appear
        seen = set(subs["unit"].dropna())
        expected = [u for u in units.units if u.code in seen]
    order = [u.code for u in expected]
    statuses = _statuses(round_, expected, subs, issues)

    reported = {s.unit.code for s in statuses if s.status in ("on_time", "late")}
    kept = set(subs["id"])
    vals = values[values["unit"].isin(reported) & values["submission_id"].isin(kept)]
    per_unit = recompute_totals(form, _per_unit(form, vals, order))
    totals = {
        ind.code: float(per_unit[ind.code].sum() if ind.aggregation == "sum"
                        else per_unit[ind.code].mean())
        for ind in form.indicators if ind.is_numeric
    }
    derived = {d.code: ratio(sum(totals[c] for c in d.numerator),
                             sum(totals[c] for c in d.denominator)) for d in form.derived}

    texts: dict[str, list[tuple[Unit, str]]] = {code: [] for code in form.text_codes}
    rank = {c: i for i, c in enumerate(order)}
    for row in vals[vals["indicator"].isin(form.text_codes) & vals["text"].notna()].itertuples():
        texts[row.indicator].append((units[row.unit], row.text))
    for code in texts:
        texts[code].sort(key=lambda pair: rank.get(pair[0].code, 0))

    item_rows = pd.DataFrame()
    if items is not None and not items.empty:
        kept_items = items[items["unit"].isin(reported) & items["submission_id"].isin(kept)]
        if not kept_items.empty:
            wide = kept_items.assign(value=kept_items["text"].where(kept_items["text"].notna(),
                                                                    kept_items["number"]))
            item_rows = (wide.pivot_table(index=["unit", "submission_id", "item_no"], columns="key",
                                          values="value", aggfunc="first")
                         .reset_index().sort_values(by=["unit", "item_no"],
                                                    key=lambda s: s.map(rank) if s.name == "unit" else s))

    in_force_ids = set(vals["submission_id"])
    warn = issues[issues["submission_id"].isin(in_force_ids) & (issues["severity"] == "warning")]
    sub_unit = dict(zip(subs["id"], subs["unit"]))
    warnings = [(units[sub_unit[w.submission_id]], w.message) for w in warn.itertuples()
                if sub_unit.get(w.submission_id) in rank]

    return RoundResult(
        round=round_, form=form, period=round_.parsed_period, as_of=as_of, statuses=statuses,
        per_unit=per_unit, totals=totals, derived=derived,
        per_unit_derived=_derived(form, per_unit), texts=texts, items=item_rows, warnings=warnings,
    )
