"""Every round of the demo province, recomputed independently from the archived files (openpyxl and
the contract's labels, not the package's reader) and from the plan's deadlines as the brief states
them, equals what `run` consolidated: totals, means, tallies, choices, rates and completeness.

A file's received time is the one the ledger recorded for it (the mail server's for a form that
came in an e-mail, the file's own time for one dropped in the inbox); which units that makes late is
checked against the demo's plan too."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from aggregator.demo.province import DemoPlan
from tests.conftest import contract_positions

# The plan (brief §2): first day a report counts as late.
LATE_FROM = {("KTCV", "2024-H1"): date(2024, 6, 15), ("KTCV", "2024-Y"): date(2024, 12, 1),
             ("CCHC", "2024-Y"): date(2024, 10, 31), ("KPKN", "2024-Y"): date(2024, 12, 1)}
MEANS = {"CCHC": {"7", "8", "9", "10"}}
PLAN = DemoPlan()
INTENDED_LATE = {("KTCV", "2024-H1"): PLAN.late_h1, ("KTCV", "2024-Y"): PLAN.late_y,
                 ("CCHC", "2024-Y"): PLAN.late_cchc, ("KPKN", "2024-Y"): PLAN.late_y}
TEXT_OR_CHOICE = {"KTCV": {"15", "16", "17", "18"}, "CCHC": {"11", "12", "13", "14"}}


def _read(path: Path, received: dict[str, str]) -> dict:
    wb = openpyxl.load_workbook(path)
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    positions = contract_positions(path)
    value = {k: wb[s][c].value for k, (s, c) in positions.items()}
    return {"form": meta["form"], "unit": str(value["Mã đơn vị"]), "period": value["Kỳ báo cáo"],
            "values": value, "received": datetime.fromisoformat(received[str(path)])}


@pytest.fixture(scope="module")
def demo(demo_run):
    result, root = demo_run, demo_run.workspace
    with sqlite3.connect(root / "ledger.sqlite3") as db:
        received = dict(db.execute("SELECT stored_path, received_at FROM submissions"))
    files = [_read(p, received) for p in sorted((root / "archive").rglob("*.xlsx"))
             if "trung-lap" not in p.parts]
    return result, files


def _round(result, form, period):
    return next(r for r in result.rounds if r.form == form and r.period == period)


@pytest.mark.parametrize("form, period", [("KTCV", "2024-H1"), ("KTCV", "2024-Y"), ("CCHC", "2024-Y")])
def test_totals_and_means_equal_an_independent_sum(demo, form, period):
    result, files = demo
    mine = [f for f in files if f["form"] == form and f["period"] == period]
    outcome = _round(result, form, period)
    numeric = [k for k in outcome.totals if k in mine[0]["values"]]
    assert len(numeric) >= 13
    for code in numeric:
        column = [float(f["values"][code]) for f in mine]
        expected = sum(column) / len(column) if code in MEANS.get(form, ()) else sum(column)
        assert outcome.totals[code] == pytest.approx(expected), code
    if form == "KTCV":
        t = outcome.totals
        assert outcome.derived["R1"] == pytest.approx((t["9.1"] + t["9.2"]) / t["9"] * 100)
        assert outcome.derived["R4"] == pytest.approx(t["7.1"] / t["7"] * 100)


def test_line_list_tallies(demo):
    result, files = demo
    results = Counter()
    for f in files:
        if f["form"] == "KPKN":
            for key, v in f["values"].items():
                if key.endswith(":Kết quả") and v:
                    results[v] += 1
    totals = _round(result, "KPKN", "2024-Y").totals
    assert totals["T"] == sum(results.values())
    assert totals["T.1"] == results["Đã khắc phục"]
    assert totals["T.3"] == results["Chưa khắc phục"]


def test_direct_inspections_counted_per_content(demo, tmp_path):
    result, files = demo
    dkt = [f for f in files if f["form"] == "DKT"]
    assert len(dkt) == 8 and len({f["unit"] for f in dkt}) == 7
    passed = Counter(f["values"]["5.3.KQ"] for f in dkt)
    summary = next(p for p in _round(result, "DKT", "2024-Y").outputs if p.suffix == ".xlsx")
    ws = openpyxl.load_workbook(summary)["Tổng hợp"]
    header = next(r for r in ws.iter_rows() if any(c.value == "Kết quả: Đạt" for c in r))
    cols = {c.value: c.column for c in header}
    row = next(r[0].row for r in ws.iter_rows() if r[0].value == "5.3")
    assert ws.cell(row, cols["Kết quả: Đạt"]).value == passed["Đạt"]
    assert ws.cell(row, cols["Kết quả: Chưa đạt"]).value == passed["Chưa đạt"]
    judged = passed["Đạt"] + passed["Chưa đạt"]
    share = ws.cell(row, cols["Tỷ lệ “Đạt” (%)"]).value
    assert share == (pytest.approx(passed["Đạt"] / judged * 100) if judged else "—")


@pytest.mark.parametrize("form, period", list(LATE_FROM))
def test_completeness_and_timeliness(demo, form, period):
    result, files = demo
    mine = [f for f in files if f["form"] == form and f["period"] == period]
    outcome = _round(result, form, period)
    late = sorted(f["unit"] for f in mine if f["received"].date() >= LATE_FROM[form, period])
    assert late == sorted(INTENDED_LATE[form, period])
    assert outcome.expected == 29  # 20 agencies + 9 districts (brief §2)
    assert outcome.submitted == len(mine)
    assert sorted(outcome.late_units) == late
    assert outcome.on_time == len(mine) - len(late)
    groups = {g["key"]: g for g in outcome.groups}
    assert groups["so-ban-nganh"]["expected"] == 20 and groups["ubnd-huyen"]["expected"] == 9
    by_group = defaultdict(int)
    for f in mine:
        by_group["ubnd-huyen" if f["unit"].isdigit() else "so-ban-nganh"] += 1
    assert {k: g["reported"] for k, g in groups.items()} == dict(by_group)
    assert groups["so-ban-nganh"]["completeness"] == pytest.approx(by_group["so-ban-nganh"] / 20 * 100)
    missing = set(outcome.missing) | set(outcome.rejected)
    assert len(missing) == 29 - len(mine)
