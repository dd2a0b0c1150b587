"""Write a unit's consolidated values into its own copy of the form, for the level above."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aggregator.consolidate import RoundResult, aggregate
from aggregator.forms import FormSpec
from aggregator.render.forms.template import write_form_template
from aggregator.units import Unit
from aggregator.workspace.config import Config, RoundConfig


def _number(ind_type: str, value: float) -> float | int:
    return int(round(value)) if ind_type == "count" else round(float(value), 2)


def export_values(out: Path, spec: FormSpec, config: Config, round_: RoundConfig, unit: Unit,
                  frame: pd.DataFrame, result: RoundResult, subtree: set[str]) -> Path:
    values: dict[str, object] = {}
    totals = aggregate(spec, frame)  # the consolidation's own rule: missing stays blank
    for ind in spec.cells:
        if ind.is_numeric and ind.code in totals.index:
            if not pd.isna(totals[ind.code]):
                values[ind.code] = _number(ind.type, totals[ind.code])
        elif ind.type == "text":
            answers = [(u, t) for u, t in result.texts.get(ind.code, []) if u.code in subtree]
            if len(answers) == 1 and answers[0][0].code == unit.code:
                values[ind.code] = answers[0][1]
            elif answers:
                values[ind.code] = "\n".join(f"- {u.name}: {t}" for u, t in answers)
    items = None
    if spec.line_list and not result.items.empty:
        mine = result.items[result.items["unit"].isin(subtree)]
        keys = [c.key for c in spec.line_list.columns]
        names = {u.code: u.name for u in (s.unit for s in result.statuses)}
        items = []
        for n, row in enumerate(mine.to_dict("records"), start=1):
            item = {k: row.get(k) for k in keys if isinstance(row.get(k), str | float | int)
                    and not (isinstance(row.get(k), float) and pd.isna(row.get(k)))}
            if "STT" in item:
                item["STT"] = n
            if "GHI_CHU" in keys and row["unit"] != unit.code:
                item["GHI_CHU"] = "; ".join(x for x in (names.get(row["unit"], row["unit"]),
                                                        item.get("GHI_CHU")) if x)
            items.append(item)
    return write_form_template(out, spec, config, round_, unit, values=values, items=items)
