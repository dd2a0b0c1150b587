"""Each kind of problem yields its stable code at the cell a unit must fix; warnings never reject."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator import api
from tests.conftest import fill_by_contract, sample_values

# Row of each indicator in the generated data sheet: header on row 4, indicators from row 5.
ROW = {"1": 5, "1.1": 6, "3": 9, "4": 10, "7": 29, "8": 31, "12": 45, "13": 46, "14.2": 49}


def check(blank: Path, tmp: Path, values: dict, unit="STP", period="2024-H1"):
    path = fill_by_contract(blank, tmp / "f.xlsx", values, unit=unit, period=period)
    [outcome] = api.check_files(blank.parents[3], [path])
    return outcome


def test_a_consistent_file_has_no_issue(blank_ktcv, tmp_path):
    outcome = check(blank_ktcv, tmp_path, sample_values("STP"))
    assert outcome.status == "valid"
    assert outcome.errors == [] and outcome.unit == "STP" and outcome.period == "2024-H1"


@pytest.mark.parametrize(
    "change, code, cell, indicator",
    [
        ({"1.1": "-"}, "cell-not-a-number", "D6", "1.1"),
        ({"3": -5}, "value-negative", "D9", "3"),
        ({"13": 2.5}, "value-not-integer", "D46", "13"),
        ({"13": None}, "value-missing", "D46", "13"),
        ({"13": "1,234"}, "value-ambiguous-number", "D46", "13"),
        ({"1": 999}, "rule-sum-mismatch", "D5", "1"),
        ("violators>inspected", "rule-compare-failed", "D10", "4"),
        ("dossiers", "rule-compare-failed", "D31", "8"),
        ("handled>received", "rule-compare-failed", "D49", "14.2"),
    ],
)
def test_problem_is_reported_at_its_cell(blank_ktcv, tmp_path, change, code, cell, indicator):
    values = sample_values("STP")
    if change == "violators>inspected":
        values["4"] = int(values["3"]) + 1
    elif change == "dossiers":
        values["11"] = int(values["11"]) + 3  # 8 = 9 + 10 + 11 breaks, sums stay intact
    elif change == "handled>received":
        values["14.2"] = int(values["14.1"]) + 1
    else:
        values.update(change)
    outcome = check(blank_ktcv, tmp_path, values)
    assert outcome.status == "invalid"
    found = [(i.code, i.cell, i.indicator) for i in outcome.errors]
    assert (code, cell, indicator) in found
    issue = next(i for i in outcome.errors if i.code == code)
    assert issue.sheet == "Biểu KTCV"
    assert f"ô {cell}" in issue.message and f"chỉ tiêu {indicator}" in issue.message


def test_blank_count_says_to_enter_zero(blank_ktcv, tmp_path):
    values = sample_values("STP") | {"13": None}
    [issue] = check(blank_ktcv, tmp_path, values).errors
    assert "nhập 0" in issue.message


def test_numbers_typed_as_text_are_read(blank_ktcv, tmp_path):
    values = sample_values("STP")
    values["13"] = f" {int(values['13'])} "
    values["8.2.1"] = f"{int(values['8.2.1']):,}".replace(",", ".")
    assert check(blank_ktcv, tmp_path, values).errors == []


def test_fewer_apology_letters_is_only_a_warning(blank_ktcv, tmp_path):
    values = sample_values("STP")
    values["9.3"], values["9.2"] = int(values["9.3"]) + 5, int(values["9.2"]) - 5
    values["12"] = 0
    outcome = check(blank_ktcv, tmp_path, values)
    assert outcome.status == "valid"
    assert [w.code for w in outcome.warnings] == ["rule-compare-warning"]
    assert outcome.warnings[0].cell == "D45"


@pytest.mark.parametrize(
    "unit, period, code, cell",
    [
        ("XYZ", "2024-H1", "unit-unknown", "B4"),
        ("", "2024-H1", "unit-missing", "B4"),
        ("STP", "Quý 3", "period-unknown", "B6"),
        ("STP", "2023-Y", "period-not-in-plan", "B6"),
    ],
)
def test_identification_problems(blank_ktcv, tmp_path, unit, period, code, cell):
    outcome = check(blank_ktcv, tmp_path, sample_values("STP"), unit=unit, period=period)
    assert outcome.status == "invalid"
    assert (code, cell) in [(i.code, i.cell) for i in outcome.errors]


def test_commune_cannot_report_to_the_province(blank_ktcv, tmp_path):
    outcome = check(blank_ktcv, tmp_path, sample_values("STP"), unit="05431")
    assert [i.code for i in outcome.errors] == ["unit-not-expected"]
