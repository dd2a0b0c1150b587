"""Scale: a synthetic national round built from the 2024 GSO tables (PyPI vietnam-provinces 0.6:
63 provinces, ~700 districts, ~10,600 communes) consolidates correctly, vectorized over units."""

from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from aggregator.consolidate import consolidate_round, rollup
from aggregator.forms import FormRegistry
from aggregator.units import Unit, UnitRegistry
from aggregator.workspace.config import RoundConfig

vietnam_provinces = pytest.importorskip("vietnam_provinces")


@pytest.fixture(scope="module")
def national() -> UnitRegistry:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as f:
        tree = json.load(f)
    units = [Unit("VN", "Việt Nam", "province", None, "quoc-gia")]
    for p in tree:
        pc = f"P{p['code']:02d}"
        units.append(Unit(pc, p["name"], "province", "VN", "tinh"))
        for d in p["districts"]:
            dc = f"D{d['code']:03d}"
            units.append(Unit(dc, d["name"], "district", pc, "ubnd-huyen"))
            units += [Unit(f"{w['code']:05d}", w["name"], "commune", dc, "ubnd-xa")
                      for w in d["wards"]]
    return UnitRegistry(units)


def test_national_round_consolidates(national):
    communes = [u.code for u in national.units if u.level == "commune"]
    assert len([u for u in national.units if u.level == "province"]) == 64
    assert 600 < len([u for u in national.units if u.level == "district"]) < 800
    assert 10_000 < len(communes) < 11_000

    form = FormRegistry.default()["KTCV"]
    round_ = RoundConfig(form="KTCV", period="2024-Y", window_start=date(2023, 12, 15),
                         window_end=date(2024, 12, 14), deadline=date(2024, 12, 1),
                         submitters=("commune",))
    rng = np.random.default_rng(7)
    reporting = communes[:-25]  # 25 communes never report
    late = set(reporting[::50])
    subs = pd.DataFrame({
        "id": range(1, len(reporting) + 1), "unit": reporting, "status": "accepted",
        "superseded_by": None, "original_name": [f"{c}.xlsx" for c in reporting],
        "received_at": [datetime(2024, 12, 5 if c in late else 1, 9).isoformat()
                        if c in late else datetime(2024, 11, 25, 9).isoformat() for c in reporting],
    })
    # Leaf counts are random; totals are left empty on purpose: consolidation recomputes them.
    leaves = [c for c in form.numeric_codes if not form.formula_hint(c)]
    matrix = rng.integers(0, 50, size=(len(reporting), len(leaves))).astype(float)
    wide = pd.DataFrame(matrix, columns=leaves)
    wide["unit"], wide["submission_id"] = reporting, subs["id"].to_numpy()
    values = wide.melt(id_vars=["unit", "submission_id"], var_name="indicator", value_name="number")
    values["text"] = None
    issues = pd.DataFrame(columns=["submission_id", "code", "severity", "message"])

    result = consolidate_round(round_, form, national, subs, values, issues, date(2024, 12, 20),
                               owner="VN")
    assert result.expected == len(communes) and result.submitted == len(reporting)
    assert result.count("late") == len(late)
    assert len(result.units_with("missing")) == 25
    for i, code in enumerate(leaves):
        assert result.totals[code] == matrix[:, i].sum()
    assert result.totals["5"] == sum(matrix[:, leaves.index(f"5.{k}")].sum() for k in range(1, 9))
    assert result.totals["8"] == result.totals["8.1"] + result.totals["8.2"]

    by_province = rollup(form, result.per_unit, national, "province")
    assert len(by_province) == 63
    assert by_province["13"].sum() == result.totals["13"]
    hanoi = national.descendants("P01")
    assert by_province.loc["P01", "13"] == wide[wide["unit"].isin(hanoi)]["13"].sum()
    parents = {c.key: c for c in result.by_parent}
    assert sum(c.expected for c in parents.values()) == len(communes)
