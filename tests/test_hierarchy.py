"""The same tool at every level: communes → district workspace → export → province workspace, in the
2024 three-level structure; and communes straight to the province in the two-level one (since
1/7/2025) — from data (unit list, aggregator.toml) alone."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from aggregator import api
from aggregator.units import DEFAULT_UNITS_FILE, UnitRegistry
from tests.conftest import fill_by_contract, sample_values, set_mtime

NUMERIC_SKIP = {"15", "16", "17", "18"}


def _commune_round(root: Path, period: str, communes: list[str], when: datetime) -> dict[str, dict]:
    """Each commune fills its own pre-filled form and drops it in the inbox."""
    forms = {p.stem.rsplit("-", 1)[-1]: p for p in api.make_templates(root, form="KTCV", period=period)
             if "theo-don-vi" in p.parts}
    assert set(communes) <= set(forms)
    filled = {}
    for code in communes:
        values = sample_values(code, "H1" if period.endswith("H1") else "Y")
        f = fill_by_contract(forms[code], root / "inbox" / f"xã {code}.xlsx", values)
        set_mtime(f, when)
        filled[code] = values
    return filled


def _sums(filled: dict[str, dict]) -> dict[str, int]:
    codes = [c for c in next(iter(filled.values())) if c not in NUMERIC_SKIP]
    return {c: sum(int(v[c]) for v in filled.values()) for c in codes}


def test_three_levels_communes_district_province(tmp_path: Path):
    units = UnitRegistry.from_csv(DEFAULT_UNITS_FILE)
    communes = [u.code for u in units.children("169")]  # Huyện Đồng Hỷ
    district = tmp_path / "dong-hy"
    district.mkdir()
    (district / "aggregator.toml").write_text(
        'owner = "169"\nissuing_body = "UBND HUYỆN ĐỒNG HỶ"\n\n'
        '[[rounds]]\nform = "KTCV"\nperiod = "2024-H1"\nwindow_start = 2023-12-15\n'
        'window_end = 2024-06-14\ndeadline = 2024-06-10\nsubmitters = ["commune"]\n',
        encoding="utf-8")
    filled = _commune_round(district, "2024-H1", communes, datetime(2024, 6, 5, 9))
    result = api.run(district, date(2024, 6, 12))
    [round_] = result.rounds
    assert (round_.expected, round_.submitted, round_.missing) == (len(communes), len(communes), [])

    proc = subprocess.run([sys.executable, "-m", "aggregator", "export", "--unit", "169", "--form",
                           "KTCV", "--period", "2024-H1", "--workspace", str(district)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # the coverage is said: every commune is in (the district itself does not report KTCV here)
    assert f"Đã tổng hợp {len(communes)}/{len(communes)} đơn vị." in proc.stdout
    exported = district / "outbox/xuat-ban/KTCV-2024-H1-169.xlsx"

    province = tmp_path / "tinh"
    forms = {p.stem.rsplit("-", 1)[-1]: p for p in
             api.make_templates(province, form="KTCV", period="2024-H1") if "theo-don-vi" in p.parts}
    others = {}
    for code in ("SNV", "STP", "164"):
        values = sample_values(code, size=1 if code.isdigit() else 0)
        set_mtime(fill_by_contract(forms[code], province / "inbox" / f"{code}.xlsx", values),
                  datetime(2024, 6, 12, 9))
        others[code] = values
    (province / "inbox" / exported.name).write_bytes(exported.read_bytes())
    set_mtime(province / "inbox" / exported.name, datetime(2024, 6, 13, 9))
    result = api.run(province, date(2024, 7, 1))
    assert {f.unit: f.status for f in result.files} == {
        "169": "accepted", "SNV": "accepted", "STP": "accepted", "164": "accepted"}
    h1 = next(r for r in result.rounds if r.period == "2024-H1")
    expected = _sums({**others, **{f"xã-{k}": v for k, v in filled.items()}})
    assert {c: h1.totals[c] for c in expected} == expected
    assert "169" not in h1.missing and h1.submitted == 4


def _two_level_units(path: Path) -> Path:
    """Thái Nguyên after 1/7/2025: the province and its communes, no district level (synthetic)."""
    units = UnitRegistry.from_csv(DEFAULT_UNITS_FILE)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "level", "parent", "group", "valid_from", "valid_to"])
        w.writerow(["19", "UBND tỉnh Thái Nguyên", "province", "", "tinh", "", ""])
        for u in units.units:
            if u.level == "commune" and u.parent in ("164", "165"):
                w.writerow([u.code, u.name, "commune", "19", "ubnd-xa", "2025-07-01", ""])
    return path


def test_two_levels_communes_straight_to_the_province(tmp_path: Path):
    root = tmp_path / "tinh-2025"
    root.mkdir()
    _two_level_units(root / "don-vi-2025.csv")
    (root / "aggregator.toml").write_text(
        'units_file = "don-vi-2025.csv"\n\n'
        '[[rounds]]\nform = "KTCV"\nperiod = "2025-Y"\nwindow_start = 2024-12-15\n'
        'window_end = 2025-12-14\ndeadline = 2025-12-01\nsubmitters = ["commune"]\n',
        encoding="utf-8")
    communes = [u.code for u in UnitRegistry.from_csv(root / "don-vi-2025.csv").units
                if u.level == "commune"]
    filled = _commune_round(root, "2025-Y", communes[:-2], datetime(2025, 11, 20, 9))
    proc = subprocess.run([sys.executable, "-m", "aggregator", "run", "--workspace", str(root),
                           "--as-of", "2025-12-20", "--json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    [round_] = json.loads(proc.stdout)["rounds"]
    assert round_["expected"] == len(communes) and round_["missing"] == communes[-2:]
    assert {c: round_["totals"][c] for c in _sums(filled)} == _sums(filled)
    groups = {g["key"]: g for g in round_["groups"]}
    assert groups["ubnd-xa"]["reported"] == len(communes) - 2


def test_rollup_to_any_level(tmp_path: Path):
    from aggregator.consolidate import rollup
    from aggregator.forms import FormRegistry

    units = UnitRegistry.from_csv(DEFAULT_UNITS_FILE)
    form = FormRegistry.default()["KTCV"]
    communes = [u.code for u in units.units if u.level == "commune"]
    frame = pd.DataFrame({c: [float(i % 7)] * len(communes) for i, c in
                          enumerate(form.numeric_codes)}, index=communes)
    frame["13"] = range(len(communes))
    by_district = rollup(form, frame, units, "district")
    assert len(by_district) == 9
    assert by_district.loc["164", "13"] == sum(i for i, c in enumerate(communes)
                                               if units[c].parent == "164")
    by_province = rollup(form, frame, units, "province")
    assert by_province.loc["19", "13"] == sum(range(len(communes)))
