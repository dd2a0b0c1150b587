"""Warnings that need a person's judgment; they never reject a file.

- value-below-h1: a cumulative annual count below the same unit's six-month value;
- value-outlier: a value far from its peers (same form, period and unit level), by the modified
  z-score of Iglewicz and Hoaglin, |0.6745 (x − median) / MAD| > Z_LIMIT (DHIS2's outlier method),
  and — so that small counts do not cry wolf — at least MIN_GAP away from the median and three
  times above or below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from aggregator.issues import make_issue
from aggregator.periods import Period
from aggregator.validate.report import FileReport
from aggregator.vn_format import number

Z_LIMIT = 5.0
MIN_PEERS = 8
MIN_GAP = 10
FOLD = 3.0


@dataclass(frozen=True)
class History:
    """What the ledger already holds, handed in by the caller (validation never reads the ledger).

    values: (form, period code) → DataFrame indexed by unit code, one column per numeric code, of the
    versions in force. `load(form, period)`, when given, makes a round's frame the first time it is
    asked for (a batch of one round does not pay for every round the plan has).
    """

    values: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    load: Callable[[str, str], pd.DataFrame | None] | None = None

    def frame(self, form: str, period: str) -> pd.DataFrame:
        if (form, period) not in self.values and self.load is not None:
            loaded = self.load(form, period)
            self.values[(form, period)] = loaded if loaded is not None else pd.DataFrame()
        return self.values.get((form, period), pd.DataFrame())


def _num(v: float) -> str:
    return number(v) if float(v).is_integer() else number(v, 1)


def _count_codes(form) -> list[str]:
    return [i.code for i in form.cells if i.type == "count"]


def _batch_frame(reports: list[FileReport], form: str, period: str, codes: list[str]
                 ) -> pd.DataFrame:
    """Units × `codes` of the acceptable files of one round in this batch (NaN where missing; of
    several files of a unit, the last)."""
    mine = {r.read.unit.code: r.values for r in reports
            if r.acceptable and r.read.form.code == form and r.read.period.code == period}
    data = np.array([[values.get(c) for c in codes] for values in mine.values()], dtype=float)
    return pd.DataFrame(data.reshape(len(mine), len(codes)), columns=codes, index=pd.Index(list(mine)))


def below_h1(reports: list[FileReport], history: History) -> None:
    earlier_of: dict[tuple[str, str], pd.DataFrame] = {}  # one H1 frame per form, not per file
    for report in reports:
        read = report.read
        if not (report.acceptable and read.form.compare_with_h1 and read.period.kind == "Y"):
            continue
        h1 = Period(read.period.year, "H1").code
        key = (read.form.code, h1)
        if key not in earlier_of:
            earlier_of[key] = _batch_frame(reports, read.form.code, h1, _count_codes(read.form))
        earlier = earlier_of[key]
        if read.unit.code not in earlier.index:
            earlier = history.frame(read.form.code, h1)
        if read.unit.code not in earlier.index:
            continue
        before = earlier.loc[read.unit.code]
        for ind in read.form.cells:
            if ind.type != "count" or ind.stock or ind.code not in before.index:
                continue
            now, then = report.values.get(ind.code), before[ind.code]
            if now is not None and pd.notna(then) and now < then:
                cell = read.cells[ind.code]
                report.issues.append(make_issue(
                    "value-below-h1", sheet=cell.sheet, cell=cell.cell, indicator=ind.code,
                    indicator_label=ind.label, value=_num(now), h1=_num(then)))


def outliers(reports: list[FileReport], history: History, level_of: dict[str, str]) -> None:
    keys = {(r.read.form.code, r.read.period.code) for r in reports if r.acceptable}
    for form_code, period in keys:
        mine = {r.read.unit.code: r for r in reports if r.acceptable
                and r.read.form.code == form_code and r.read.period.code == period}
        form = next(iter(mine.values())).read.form
        codes = _count_codes(form)
        batch = _batch_frame(reports, form_code, period, codes)
        peers = pd.concat([history.frame(form_code, period).drop(batch.index, errors="ignore"),
                           batch]).reindex(columns=codes).astype(float)
        if peers.empty:
            continue
        peers["_level"] = [level_of.get(u, "") for u in peers.index]
        for level, group in peers.groupby("_level"):
            values = group[codes]
            if len(values) < MIN_PEERS:
                continue
            median = values.median()
            mad = (values - median).abs().median()
            z = 0.6745 * (values - median) / mad.where(mad > 0)
            far = ((values - median).abs() >= MIN_GAP) & (
                (values >= FOLD * median) | (values * FOLD <= median))
            flagged = ((z.abs() > Z_LIMIT) & far).to_numpy()
            for row, col in zip(*np.nonzero(flagged)):  # only the flagged cells, in this batch
                report = mine.get(values.index[row])
                if report is None:
                    continue
                code = codes[col]
                cell = report.read.cells[code]
                report.issues.append(make_issue(
                    "value-outlier", sheet=cell.sheet, cell=cell.cell, indicator=code,
                    indicator_label=form.by_code[code].label,
                    value=_num(values.iat[row, col]), median=_num(median[code])))


def judge(reports: list[FileReport], history: History, level_of: dict[str, str]) -> None:
    below_h1(reports, history)
    outliers(reports, history, level_of)
