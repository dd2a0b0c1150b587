"""Validate a batch of read files: identity against the plan, cells, line lists, rules per form,
then the judgment warnings across the batch and what the ledger already holds."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from aggregator.issues import Issue, make_issue
from aggregator.read import ReadResult
from aggregator.units import Unit, UnitRegistry
from aggregator.validate.cells import check_cells
from aggregator.validate.items import check_items
from aggregator.validate.judgment import History, judge
from aggregator.validate.report import FileReport
from aggregator.validate.rules import check_rules
from aggregator.vn_format import short_date
from aggregator.workspace.config import Config, RoundConfig


def _validity_issue(unit: Unit, round_: RoundConfig, period: str) -> Issue:
    """A unit outside its validity on the round's deadline is not expected (see
    `UnitRegistry.expected`): its file would be accepted and then left out of the totals."""
    common = {"unit": f"{unit.code} – {unit.name}", "form": round_.form, "period": period,
              "deadline": short_date(round_.deadline)}
    if unit.valid_to is not None and unit.valid_to < round_.deadline:
        return make_issue("unit-ended", valid_to=short_date(unit.valid_to), **common)
    return make_issue("unit-not-yet-valid", valid_from=short_date(unit.valid_from), **common)


def _period_worded(issue: Issue, read: ReadResult, config: Config) -> Issue:
    """A missing or unreadable period, told with the periods the plan has for the form."""
    if issue.code not in ("period-missing", "period-unknown") or read.form is None:
        return issue
    return make_issue(issue.code, sheet=issue.sheet, cell=issue.cell, value=read.period_value,
                      plan=plan_periods(config, read.form.code))


def _identity_issues(read: ReadResult, config: Config, below: set[str] | None) -> list[Issue]:
    if not read.identified:
        return []
    round_ = config.round_for(read.form.code, read.period)
    if round_ is None:
        sheet, cell = read.period_at or (None, None)
        return [make_issue("period-not-in-plan", sheet=sheet, cell=cell, form=read.form.code,
                           period=read.period.label, plan=plan_periods(config, read.form.code))]
    unit = read.unit
    outside = below is not None and unit.code not in below
    if outside or (round_.submitters and not unit.submits(read.form.code, round_.submitters)):
        return [make_issue("unit-not-expected", unit=f"{read.unit.code} – {read.unit.name}",
                           form=read.form.code, period=read.period.label)]
    if round_.submitters and not unit.valid_on(round_.deadline):
        return [_validity_issue(unit, round_, read.period.label)]
    return []


def plan_periods(config: Config, form: str) -> str:
    """'các kỳ của biểu KTCV trong kế hoạch: 2024-H1, 2024-Y' — what the period cell may hold."""
    periods = [r.parsed_period.code for r in config.rounds if r.form == form]
    if periods:
        return f"các kỳ của biểu {form} trong kế hoạch: {', '.join(periods)}"
    others = ", ".join(f"{r.form} {r.parsed_period.code}" for r in config.rounds)
    return f"kế hoạch không có kỳ nào của biểu {form}; các kỳ trong kế hoạch: {others or 'không có'}"


def trust_carried(report: FileReport, units: UnitRegistry) -> bool:
    """Take the unit identity the form carries (`ReadResult.carried`) when the typed code is
    unknown to the built-in list but `units` (that list and the carried units) places it: the
    unit is identified and its `unit-unknown` error withdrawn. For `check` away from the office's
    workspace only: `run` judges by the workspace's list alone."""
    read = report.read
    if read.unit is not None or not read.carried or units.get(read.carried[0].code) is None:
        return False
    read.unit = units.get(read.carried[0].code)
    report.issues = [i for i in report.issues if i.code != "unit-unknown"]
    read.issues = [i for i in read.issues if i.code != "unit-unknown"]
    return True


def _uncalculated(issue: Issue, read: ReadResult) -> Issue:
    """A blank that is a formula nobody calculated, or one whose result is an error (#DIV/0!), is
    told as such, not as a value to enter."""
    if issue.code not in ("value-missing", "value-required"):
        return issue
    where = dict(sheet=issue.sheet, cell=issue.cell, indicator=issue.indicator,
                 indicator_label=issue.indicator_label)
    if (issue.sheet, issue.cell) in read.formula_errors:
        return make_issue("value-formula-error", error=read.formula_errors[issue.sheet, issue.cell],
                          **where)
    if (issue.sheet, issue.cell) in read.uncalculated:
        return make_issue("value-formula-not-calculated", **where)
    return issue


def check_file(read: ReadResult) -> FileReport:
    """What one file says on its own: every cell and line-list row checked (no batch needed, so
    this runs in the worker processes next to the reading)."""
    report = FileReport(read=read, issues=list(read.issues))
    if read.form is None:
        return report
    if read.cells:
        report.values, cell_issues = check_cells(read.form, read.cells)
        report.issues.extend(_uncalculated(i, read) for i in cell_issues)
    if read.form.line_list and read.items is not None:
        report.items, tallies, item_issues = check_items(read.form, read.items, read.period)
        report.values |= tallies
        report.issues.extend(item_issues)
    return report


def validate_batch(reads: list[ReadResult], config: Config, history: History | None = None,
                   level_of: dict[str, str] | None = None,
                   units: UnitRegistry | None = None) -> list[FileReport]:
    """`units`: when given, a unit must be below the consolidating unit (`config.owner`)."""
    return validate_reports([check_file(r) for r in reads], config, history, level_of, units)


def validate_reports(reports: list[FileReport], config: Config, history: History | None = None,
                     level_of: dict[str, str] | None = None,
                     units: UnitRegistry | None = None, judgment: bool = True
                     ) -> list[FileReport]:
    """The batch: identity against the plan, then the form rules vectorized over all files of a
    form, then the judgment warnings against the batch and the ledger."""
    below = units.descendants(config.owner) if units is not None else None
    by_form: dict[str, list[int]] = defaultdict(list)
    for pos, report in enumerate(reports):
        read = report.read
        report.issues = [_period_worded(i, read, config) for i in report.issues]
        report.issues.extend(_identity_issues(read, config, below))
        if read.form is not None:
            by_form[read.form.code].append(pos)

    for positions in by_form.values():
        form = reports[positions[0]].read.form
        codes = form.numeric_codes
        frame = pd.DataFrame(np.array(  # None → NaN
            [[reports[p].values.get(c) for c in codes] for p in positions], dtype=float
        ).reshape(len(positions), len(codes)), columns=codes)
        cells = [reports[p].read.cells for p in positions]
        for local, issues in check_rules(form, frame, cells).items():
            reports[positions[local]].issues.extend(issues)
    if judgment:  # warnings only: a caller may run them later, over the whole batch
        judge(reports, history or History(), level_of or {})
    return reports
