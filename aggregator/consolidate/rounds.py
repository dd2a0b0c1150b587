"""Consolidate one round: expected units, who reported when, totals, rates, lists and breakdowns."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from aggregator.consolidate.aggregate import (
    derived_frame,
    derived_of,
    group_up,
    per_unit,
    totals_of,
)
from aggregator.consolidate.completeness import (
    Completeness,
    UnitStatus,
    breakdown,
    overall,
    statuses,
)
from aggregator.consolidate.lists import choice_counts, items, records, texts
from aggregator.forms import FormSpec
from aggregator.periods import Period
from aggregator.units import Unit, UnitRegistry, reporting_name
from aggregator.workspace.config import RoundConfig


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
    items: pd.DataFrame = field(default_factory=pd.DataFrame)  # line-list rows in force
    records: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per file in force
    choices: pd.DataFrame = field(default_factory=pd.DataFrame)  # choice indicator × choice → count
    warnings: list[tuple[Unit, str]] = field(default_factory=list)  # (unit, message) of in-force files
    by_group: list[Completeness] = field(default_factory=list)
    by_parent: list[Completeness] = field(default_factory=list)
    overall: Completeness | None = None
    # The units directly below the consolidating unit (the province's agencies and districts; a
    # ministry's provinces): the rows of the report's appendix and charts.
    by_child: list[Completeness] = field(default_factory=list)
    child_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    child_derived: pd.DataFrame = field(default_factory=pd.DataFrame)
    names: dict[str, str] = field(default_factory=dict)
    # how each unit is named as a reporter: "UBND huyện Võ Nhai" (see units.reporting_name)
    reporting_names: dict[str, str] = field(default_factory=dict)

    @property
    def flat(self) -> bool:
        """Every expected unit sits directly below the consolidating unit."""
        return len(self.by_child) == self.expected
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

    def unit(self, code: str) -> Unit:
        return self._units[code]

    @functools.cached_property
    def _units(self) -> dict[str, Unit]:
        return {s.unit.code: s.unit for s in self.statuses}


def consolidate_round(
    round_: RoundConfig,
    form: FormSpec,
    units: UnitRegistry,
    submissions: pd.DataFrame,
    values: pd.DataFrame,
    issues: pd.DataFrame,
    as_of: date,
    line_items: pd.DataFrame | None = None,
    owner: str | None = None,
) -> RoundResult:
    """`submissions`: the round's ledger rows; `values`/`line_items`: in-force long tables;
    `issues`: the issues of those submissions; `owner`: the consolidating unit."""
    subs = submissions.copy()
    subs["received"] = pd.to_datetime(subs["received_at"])
    subs = subs[subs["received"].dt.date <= as_of]
    if round_.submitters:
        expected = units.expected(round_.form, round_.submitters, round_.deadline, owner)
    else:  # nobody is expected (DKT): the units that appear
        seen = set(subs["unit"].dropna())
        expected = [u for u in units.units if u.code in seen]
    order = [u.code for u in expected]
    rank = {c: i for i, c in enumerate(order)}
    status_list = statuses(round_, expected, subs, issues)

    reported = {s.unit.code for s in status_list if s.status in ("on_time", "late")}
    kept = set(subs["id"])
    vals = values[values["unit"].isin(reported) & values["submission_id"].isin(kept)]
    frame = per_unit(form, vals, order)
    totals = totals_of(form, frame)

    in_force_ids = set(vals["submission_id"].unique())
    warn = issues[issues["submission_id"].isin(in_force_ids) & (issues["severity"] == "warning")]
    sub_unit = dict(zip(subs["id"], subs["unit"]))
    warnings = [(units[sub_unit[w.submission_id]], w.message) for w in warn.itertuples()
                if sub_unit.get(w.submission_id) in rank]
    names = {u.code: u.name for u in units.units}
    child = {s.unit.code: (units.child_of(s.unit.code, owner) if owner else s.unit.code) or s.unit.code
             for s in status_list}
    child_values = group_up(form, frame, child) if len(frame) else frame
    child_order = list(dict.fromkeys(child[c] for c in order))

    return RoundResult(
        round=round_, form=form, period=round_.parsed_period, as_of=as_of, statuses=status_list,
        per_unit=frame, totals=totals, derived=derived_of(form, totals),
        per_unit_derived=derived_frame(form, frame), texts=texts(form, vals, units, rank),
        items=items(line_items, reported, kept, rank),
        records=records(vals) if form.instance_key else pd.DataFrame(),  # one row per file: DKT
        choices=choice_counts(form, vals), warnings=warnings,
        by_group=breakdown(status_list, "group", names),
        by_parent=breakdown(status_list, "parent", names), overall=overall(status_list),
        by_child=breakdown(status_list, "parent", names, key_of=child.get),
        child_values=child_values.reindex([c for c in child_order if c in child_values.index]),
        child_derived=derived_frame(form, child_values) if len(child_values) else pd.DataFrame(),
        names=names, reporting_names={u.code: reporting_name(u) for u in units.units},
    )
