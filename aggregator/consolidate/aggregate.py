"""Numbers of a round: per-unit values, totals recomputed from parts, derived rates, roll-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aggregator.forms import FormSpec
from aggregator.units import UnitRegistry


def recompute_totals(form: FormSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Totals from their parts, deepest first (6.2 before 6): never trust an entered total."""
    frame = frame.copy()
    pending = [r for r in form.all_rules if r.kind == "sum" and len(r.left) == 1]
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


def derived_frame(form: FormSpec, frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for d in form.derived:
        den = frame[list(d.denominator)].sum(axis=1)
        out[d.code] = (frame[list(d.numerator)].sum(axis=1) / den.where(den != 0) * 100).astype(float)
    return pd.DataFrame(out, index=frame.index)


def _grid(rows: np.ndarray, cols: np.ndarray, numbers: np.ndarray, shape: tuple[int, int]
          ) -> np.ndarray | None:
    """numbers placed at (rows, cols) of a NaN grid (negative positions left out); None when a
    cell would get two numbers (they are to be combined, not placed)."""
    wanted = (rows >= 0) & (cols >= 0)
    cells = rows[wanted] * shape[1] + cols[wanted]
    if len(cells) and np.bincount(cells, minlength=shape[0] * shape[1]).max() > 1:
        return None
    grid = np.full(shape, np.nan)
    grid.reshape(-1)[cells] = numbers[wanted]
    return grid


def unit_by_code(numbers: pd.DataFrame) -> pd.DataFrame:
    """The long table's numbers (none missing) as units × codes, sorted, several of one unit and
    code added up: what `pivot_table(index="unit", columns="indicator", aggfunc="sum")` gives."""
    rows, units = pd.factorize(numbers["unit"], sort=True)
    cols, codes = pd.factorize(numbers["indicator"], sort=True)
    grid = _grid(rows, cols, numbers["number"].to_numpy(dtype=float), (len(units), len(codes)))
    if grid is None:
        return numbers.pivot_table(index="unit", columns="indicator", values="number",
                                   aggfunc="sum")
    return pd.DataFrame(grid, index=pd.Index(units, name="unit"),
                        columns=pd.Index(codes, name="indicator"))


def per_unit(form: FormSpec, values: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Units × numeric codes; several files of one unit (DKT) add up counts and average rates."""
    numbers = values[values["number"].notna()]
    present = set(numbers["unit"].unique())
    index = pd.Index([u for u in order if u in present], name="unit")
    codes = [ind.code for ind in form.indicators if ind.is_numeric]
    grid = _grid(index.get_indexer(numbers["unit"]),
                 pd.Index(codes).get_indexer(numbers["indicator"]),
                 numbers["number"].to_numpy(dtype=float), (len(index), len(codes)))
    if grid is not None:  # one value per unit and code: its sum and its mean are that value
        return recompute_totals(form, pd.DataFrame(grid, index=index, columns=codes))
    grouped = numbers.groupby(["unit", "indicator"])["number"]
    sums, means = grouped.sum().unstack(), grouped.mean().unstack()
    frame = pd.DataFrame(index=index)
    for ind in form.indicators:
        if ind.is_numeric:
            source = sums if ind.aggregation == "sum" else means
            frame[ind.code] = source[ind.code].reindex(frame.index) if ind.code in source else float("nan")
    return recompute_totals(form, frame.astype(float))


def aggregate(form: FormSpec, frame: pd.DataFrame, by: pd.Series | None = None,
              codes: list[str] | None = None) -> pd.Series | pd.DataFrame:
    """The one rule by which every total, subtotal, roll-up and export combines units' values.

    Counts (aggregation "sum") add up, rates and scores ("mean") average; a missing value (a unit
    that did not report the indicator) is skipped, never counted as 0; when every value is
    missing the result is missing (NaN, printed "—"), not 0. `by`: unit → group key, for one row
    per group; else one value per code. `codes`: the columns wanted (default: every numeric
    indicator of `form` present in `frame`)."""
    numeric = {i.code: i.aggregation for i in form.indicators if i.is_numeric}
    wanted = [c for c in (codes if codes is not None else frame.columns) if c in numeric]
    sums = [c for c in wanted if numeric[c] == "sum"]
    means = [c for c in wanted if numeric[c] != "sum"]
    source = frame[wanted].astype(float)
    if by is None:
        out = pd.concat([source[sums].sum(min_count=1), source[means].mean()])
        return out.reindex(wanted)
    grouped = source.groupby(by.reindex(source.index))
    out = pd.concat([grouped[sums].sum(min_count=1), grouped[means].mean()], axis=1)
    return out[wanted]


def totals_of(form: FormSpec, frame: pd.DataFrame) -> dict[str, float]:
    """The province's totals: `aggregate` over every unit."""
    codes = [i.code for i in form.indicators if i.is_numeric]
    totals = aggregate(form, frame.reindex(columns=codes), codes=codes)
    return {code: float(totals[code]) for code in codes}


def derived_of(form: FormSpec, totals: dict[str, float]) -> dict[str, float | None]:
    return {d.code: ratio(sum(totals[c] for c in d.numerator), sum(totals[c] for c in d.denominator))
            for d in form.derived}


def rollup(form: FormSpec, frame: pd.DataFrame, units: UnitRegistry, level: str) -> pd.DataFrame:
    """Per-unit values rolled up to the ancestors at `level` (communes → districts → provinces)."""
    return group_up(form, frame, {u: units.ancestor_at(u, level) for u in frame.index})


def group_up(form: FormSpec, frame: pd.DataFrame, mapping: dict[str, str | None]) -> pd.DataFrame:
    """Per-unit values summed (counts) or averaged (rates) into the units `mapping` names."""
    ancestors = pd.Series(mapping, dtype=object).reindex(frame.index).dropna()
    out = aggregate(form, frame.loc[ancestors.index], by=ancestors)
    return out[[c for c in frame.columns if c in out.columns]].rename_axis("unit")
