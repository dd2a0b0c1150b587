"""The feedback copy: the unit's own workbook, offending cells highlighted with the message as a
comment, and a first sheet listing every issue; it survives a round trip through LibreOffice."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from aggregator.issues import CATALOG
from aggregator.validate.catalog_doc import render
from tests.conftest import (
    fill_by_contract,
    libreoffice_convert,
    needs_libreoffice,
    sample_form,
    sample_values,
    set_mtime,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "issue-catalog.md"


@pytest.fixture(scope="module")
def rejected_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    [blank] = api.make_templates(root, form="CCHC", period="2024-Y", per_unit=False)
    values, _ = sample_form("CCHC")
    values = values | {"8": 120, "4.1": values["4"] + 1}
    f = fill_by_contract(blank, root / "inbox" / "Sở Tư pháp – CCHC.xlsx", values, "STP", "2024-Y")
    set_mtime(f, datetime(2024, 10, 20))
    [outcome] = api.run(root, date(2024, 12, 20)).files
    return outcome


def test_feedback_copy_lists_and_marks_each_issue(rejected_run):
    outcome = rejected_run
    assert outcome.status == "rejected"
    assert outcome.feedback.parent.name == "STP" and outcome.feedback.parent.parent.name == "phan-hoi"
    wb = openpyxl.load_workbook(outcome.feedback)
    assert wb.sheetnames[0] == "Lỗi cần sửa"
    listing = "\n".join(str(c.value) for row in wb["Lỗi cần sửa"].iter_rows() for c in row if c.value)
    for issue in outcome.errors:
        assert issue.message in listing
        cell = wb[issue.sheet][issue.cell]
        assert issue.message in cell.comment.text
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert {i.code for i in outcome.errors} == {"value-out-of-range", "rule-compare-failed"}


@needs_libreoffice
def test_feedback_copy_opens_in_libreoffice_with_the_comment(rejected_run, tmp_path):
    resaved = libreoffice_convert(rejected_run.feedback, "xlsx:Calc MS Excel 2007 XML", tmp_path)
    wb = openpyxl.load_workbook(resaved)
    for issue in rejected_run.errors:
        comment = wb[issue.sheet][issue.cell].comment
        assert comment is not None and issue.message in comment.text


@needs_libreoffice
def test_feedback_for_an_ods_file_is_rebuilt_as_xlsx(tmp_path: Path):
    root = tmp_path / "ws"
    [blank] = api.make_templates(root, form="KTCV", period="2024-H1", per_unit=False)
    src = fill_by_contract(blank, tmp_path / "sai.xlsx", sample_values("STP") | {"13": "nhiều"},
                           "STP", "2024-H1")
    ods = libreoffice_convert(src, "ods", tmp_path / "ods")
    (root / "inbox").mkdir(exist_ok=True)
    dropped = root / "inbox" / ods.name
    dropped.write_bytes(ods.read_bytes())
    [outcome] = api.run(root, date(2024, 7, 1)).files
    assert outcome.feedback.suffix == ".xlsx"
    wb = openpyxl.load_workbook(outcome.feedback)
    [issue] = outcome.errors
    assert issue.message in wb[issue.sheet][issue.cell].comment.text
    assert wb[issue.sheet][issue.cell].value == "nhiều"


def test_catalog_documentation_is_generated_and_current():
    assert DOCS.read_text(encoding="utf-8") == render()
    for code in CATALOG:
        assert f"`{code}`" in render()
