"""The generated form follows the contract layout and protects everything but the input cells."""

from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from aggregator.forms import FormRegistry


@pytest.fixture
def unit_form(workspace: Path) -> Path:
    paths = api.make_templates(workspace, form="KTCV", period="2024-Y")
    return next(p for p in paths if p.name == "KTCV-2024-Y-SNV.xlsx")


def _label_value(ws, label):
    for row in ws.iter_rows():
        for c in row:
            if c.value == label:
                return ws.cell(c.row, c.column + 1)
    raise AssertionError(f"label {label!r} not found")


def test_templates_written_blank_and_per_unit(workspace: Path):
    paths = api.make_templates(workspace)
    names = {p.name for p in paths}
    assert {"KTCV-2024-H1.xlsx", "KTCV-2024-Y.xlsx", "KTCV-2024-H1-164.xlsx", "CCHC-2024-Y-SNV.xlsx",
            "KPKN-2024-Y-173.xlsx", "DKT-2024-Y.xlsx"} <= names
    # four rounds expect the 29 agencies and districts; nobody is expected to send DKT (blank only)
    assert len(paths) == 4 * (1 + 29) + 1
    assert all(p.is_relative_to(workspace / "outbox" / "bieu-mau") for p in paths)


def test_info_sheet_is_prefilled_with_unit_and_period(unit_form: Path):
    wb = openpyxl.load_workbook(unit_form)
    info = wb["Thông tin"]
    assert _label_value(info, "Mã đơn vị").value == "SNV"
    assert _label_value(info, "Kỳ báo cáo").value == "2024-Y"
    assert _label_value(info, "Tên đơn vị").value == "Sở Nội vụ"
    assert _label_value(info, "Mã đơn vị").protection.locked is False


def test_hidden_meta_sheet_and_instructions(unit_form: Path):
    wb = openpyxl.load_workbook(unit_form)
    assert wb.sheetnames == ["Thông tin", "Biểu KTCV", "Hướng dẫn", "_meta", "_danh_muc"]
    assert wb["_danh_muc"].sheet_state == "hidden" and wb["_danh_muc"]["A1"].value == "VPUBND"
    unit_lists = [dv for dv in wb["Thông tin"].data_validations.dataValidation
                  if dv.type == "list" and "B4" in str(dv.sqref)]
    assert unit_lists and "_danh_muc" in unit_lists[0].formula1
    meta = wb["_meta"]
    assert meta.sheet_state == "hidden"
    assert {r[0].value: r[1].value for r in meta.iter_rows()}["form"] == "KTCV"
    assert {r[0].value: r[1].value for r in meta.iter_rows()}["version"] == 1
    assert "nhập 0" in " ".join(str(c.value) for c in wb["Hướng dẫn"]["A"])


def test_data_sheet_layout_protection_and_validation(unit_form: Path):
    spec = FormRegistry.default()["KTCV"]
    ws = openpyxl.load_workbook(unit_form)["Biểu KTCV"]
    header = next(r for r in ws.iter_rows() if any(c.value == "Mã chỉ tiêu" for c in r))
    names = [c.value for c in header]
    code_col, value_col = names.index("Mã chỉ tiêu") + 1, names.index("Số liệu") + 1
    rows = {ws.cell(r, code_col).value: r for r in range(header[0].row + 1, ws.max_row + 1)
            if ws.cell(r, code_col).value}
    assert list(rows) == [i.code for i in spec.indicators]
    assert ws.protection.sheet is True and not ws.protection.password
    validated = {str(c) for dv in ws.data_validations.dataValidation
                 if dv.type == "whole" and dv.operator in (None, "between") and dv.formula1 == "0"
                 for rng in dv.sqref.ranges for c in [rng.coord]}
    for ind in spec.indicators:
        cell = ws.cell(rows[ind.code], value_col)
        assert cell.protection.locked is False, ind.code
        assert ws.cell(rows[ind.code], code_col).protection.locked is not False
        if ind.is_numeric:
            assert cell.coordinate in validated, ind.code
            assert cell.value is None  # totals are inputs too: never a formula
    assert ws.cell(rows["1"], value_col + 1).value == "= 1.1 + 1.2"


def test_a_mistyped_form_or_period_is_one_vietnamese_line_naming_the_plan(workspace: Path):
    import subprocess
    import sys

    for args in (["--form", "XYZ"], ["--period", "2099-Y"]):
        out = subprocess.run([sys.executable, "-m", "aggregator", "templates", "-w", str(workspace),
                              *args], capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert out.returncode == 2, out.stdout + out.stderr
        assert "Kế hoạch không có kỳ báo cáo nào khớp" in out.stderr + out.stdout
        assert "KTCV 2024-H1" in out.stderr + out.stdout
    assert api.make_templates(workspace, form="ktcv", period="2024-h1", per_unit=False)
