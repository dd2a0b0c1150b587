"""The non-numeric side of a round: units' texts with attribution, line-list items (open ones for
KPKN), choices counted per indicator (DKT: how many "Đạt" per content), one record per file."""

from __future__ import annotations

import pandas as pd

from aggregator.forms import FormSpec
from aggregator.units import Unit, UnitRegistry


def texts(form: FormSpec, values: pd.DataFrame, units: UnitRegistry, rank: dict[str, int]
          ) -> dict[str, list[tuple[Unit, str]]]:
    out: dict[str, list[tuple[Unit, str]]] = {code: [] for code in form.text_codes}
    rows = values[values["indicator"].isin(form.text_codes) & values["text"].notna()]
    for indicator, unit, text in zip(rows["indicator"].tolist(), rows["unit"].tolist(),
                                     rows["text"].tolist()):
        out[indicator].append((units[unit], text))
    for code in out:
        out[code].sort(key=lambda pair: rank.get(pair[0].code, 0))
    return out


def records(values: pd.DataFrame) -> pd.DataFrame:
    """One row per file in force (index: submission id), one column per code: numbers or texts."""
    if values.empty:
        return pd.DataFrame()
    merged = values.assign(value=values["text"].where(values["text"].notna(), values["number"]))
    wide = merged.pivot_table(index="submission_id", columns="indicator", values="value",
                              aggfunc="first")
    units = merged.groupby("submission_id")["unit"].first()
    return wide.assign(unit=units)


def items(raw: pd.DataFrame | None, keep_units: set[str], keep_ids: set[int],
          rank: dict[str, int]) -> pd.DataFrame:
    """Line-list rows in force, one row per item: unit, submission_id, item_no and the columns."""
    if raw is None or raw.empty:
        return pd.DataFrame()
    kept = raw[raw["unit"].isin(keep_units) & raw["submission_id"].isin(keep_ids)]
    if kept.empty:
        return pd.DataFrame()
    merged = kept.assign(value=kept["text"].where(kept["text"].notna(), kept["number"]))
    wide = merged.pivot_table(index=["unit", "submission_id", "item_no"], columns="key",
                              values="value", aggfunc="first").reset_index()
    wide["_rank"] = wide["unit"].map(rank)
    return wide.sort_values(["_rank", "submission_id", "item_no"]).drop(columns="_rank")


def choice_counts(form: FormSpec, values: pd.DataFrame) -> pd.DataFrame:
    """Rows: choice indicators (e.g. '5.3.KQ'); columns: each choice; cells: how many files chose it."""
    choice = {i.code: i.choices for i in form.cells if i.type == "choice"}
    if not choice:
        return pd.DataFrame()
    picked = values[values["indicator"].isin(choice) & values["text"].notna()]
    counts = picked.groupby(["indicator", "text"]).size().unstack(fill_value=0)
    all_choices = list(dict.fromkeys(c for cs in choice.values() for c in cs))
    return counts.reindex(index=list(choice), columns=all_choices, fill_value=0).astype(int)
