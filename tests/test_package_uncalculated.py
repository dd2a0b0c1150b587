"""Formula cells never calculated (a file written by openpyxl): found by looking up the few blank
cells' elements, or by one pass over every cell when many are asked (issue 16)."""

import io

import openpyxl

from aggregator.read.package import FEW_REFS, uncalculated


def _book() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Biểu"
    ws["A1"] = "=1+1"  # openpyxl stores the formula without a value
    ws["B1"] = 2
    ws["C2"] = "=A1*2"
    ws["D3"] = 'r="A1"'  # the reference as text elsewhere in the part
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_uncalculated_formulas_are_found_among_few_and_many_cells():
    data = _book()
    few = {("Biểu", "A1"), ("Biểu", "B1"), ("Biểu", "E9"), ("Khác", "A1")}
    assert uncalculated(data, few) == {("Biểu", "A1")}
    many = few | {("Biểu", "C2")} | {("Biểu", f"F{n}") for n in range(FEW_REFS + 1)}
    assert uncalculated(data, many) == {("Biểu", "A1"), ("Biểu", "C2")}
