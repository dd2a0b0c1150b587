"""For each form: generate → fill as the contract says → re-save with LibreOffice (xlsx, xlsm, ods,
xls) → `check` finds zero issues and reads back exactly what was filled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aggregator import api
from aggregator.forms import FormRegistry
from aggregator.read import read_file
from aggregator.units import UnitRegistry
from aggregator.validate.validator import validate_batch
from aggregator.workspace.config import Config
from tests.conftest import fill_by_contract, libreoffice_convert_all, needs_libreoffice, sample_form

FORMS = {"KTCV": "2024-H1", "CCHC": "2024-Y", "KPKN": "2024-Y", "DKT": "2024-Y"}
FORMATS = ["xlsx:Calc MS Excel 2007 XML", "xlsm:Calc MS Excel 2007 VBA XML", "ods",
           "xls:MS Excel 97"]


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    root = tmp_path_factory.mktemp("roundtrip")
    out = {}
    for form, period in FORMS.items():
        [blank] = api.make_templates(root, form=form, period=period, per_unit=False)
        values, items = sample_form(form)
        out[form] = fill_by_contract(blank, root / "filled" / f"{form}.xlsx", values,
                                     unit="STP", period=period, items=items)
    return root, out


def _read_back(path: Path) -> dict:
    read = read_file(path, FormRegistry.default(), UnitRegistry.from_csv())
    [report] = validate_batch([read], Config())
    return {"report": report, "read": read}


def _expected(form: str) -> dict:
    values, items = sample_form(form)
    spec = FormRegistry.default()[form]
    out = {}
    for ind in spec.cells:
        v = values.get(ind.code)
        if v in ("", None):
            continue
        out[ind.code] = v.isoformat() if isinstance(v, date) else float(v) if ind.is_numeric else v
    return out


@pytest.mark.parametrize("form", FORMS)
def test_filled_form_has_no_issue_and_reads_back(filled, form):
    got = _read_back(filled[1][form])
    report = got["report"]
    assert report.issues == [], [i.message for i in report.issues]
    assert {k: v for k, v in report.values.items() if v is not None and k in _expected(form)} == \
        _expected(form)


def test_kpkn_items_and_tallies(filled):
    report = _read_back(filled[1]["KPKN"])["report"]
    _, items = sample_form("KPKN")
    assert len(report.items) == len(items)
    done = sum(1 for i in items if i["Kết quả"] == "Đã khắc phục")
    assert report.values["T"] == len(items) and report.values["T.1"] == done


@needs_libreoffice
@pytest.mark.parametrize("fmt", FORMATS)
def test_libreoffice_resaved_forms_have_no_issue(filled, tmp_path, fmt):
    root, files = filled
    converted = libreoffice_convert_all(list(files.values()), fmt, tmp_path / "lo")
    for form, path in zip(files, converted):
        got = _read_back(path)
        report = got["report"]
        assert report.issues == [], (form, fmt, [i.message for i in report.issues])
        values = {k: v for k, v in report.values.items() if v is not None and k in _expected(form)}
        assert values == pytest.approx(_expected(form)) if form == "CCHC" else values == _expected(form)
    outcomes = api.check_files(root, converted)
    assert [o.status for o in outcomes] == ["valid"] * len(converted)
