"""A corpus of deliberately broken files — one or more per issue code, over the four forms and several
formats (some re-saved by LibreOffice) — each yields its intended code at its intended cell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import yaml

from aggregator import api
from aggregator.issues import CATALOG
from aggregator.workspace.settings import shipped_templates_dir
from tests.conftest import (
    contract_positions,
    fill_by_contract,
    libreoffice_convert_all,
    sample_form,
    sample_values,
    set_mtime,
    soffice,
)

PERIOD = {"KTCV": "2024-H1", "CCHC": "2024-Y", "KPKN": "2024-Y", "DKT": "2024-Y"}


@dataclass
class Case:
    id: str
    form: str
    code: str
    where: str | None  # an address of contract_positions, or None when the issue has no cell
    values: dict = field(default_factory=dict)
    fmt: str = "xlsx"  # xlsx as written by openpyxl; ods / xls re-saved by LibreOffice
    unit: str = "STP"
    period: str | None = None
    items: Callable[[list[dict]], list[dict]] | None = None
    post: Callable[[openpyxl.Workbook], None] | None = None
    indicator: str | None = None


def _rename(old: str, new: str):
    def edit(wb):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value == old:
                        c.value = new
    return edit


def _set_label_value(label: str, value):
    def edit(wb):
        for row in wb["Thông tin"].iter_rows():
            for c in row:
                if c.value == label:
                    wb["Thông tin"].cell(c.row, c.column + 1).value = value
    return edit


def _shift(form, **changes):
    values, _ = sample_form(form)
    return {k: values[k] + d for k, d in changes.items()}


def _apology_warning():
    v = sample_values("STP")
    return {"9.3": v["9.3"] + 5, "9.2": v["9.2"] - 5, "12": 0}


def _items(edit):
    def apply(items):
        items = [dict(i) for i in items]
        edit(items)
        return items
    return apply


def _first_done(items):
    return next(i for i in items if i["Kết quả"] == "Đã khắc phục")


CASES = [
    Case("unit-missing", "KTCV", "unit-missing", "Mã đơn vị", unit=""),
    Case("unit-unknown-ods", "CCHC", "unit-unknown", "Mã đơn vị", unit="XYZ", fmt="ods"),
    Case("unit-by-name-xls", "KPKN", "unit-identified-by-name", "Tên đơn vị", unit="", fmt="xls",
         post=_set_label_value("Tên đơn vị", "UBND huyện Đồng Hỷ")),
    Case("unit-not-expected", "KTCV", "unit-not-expected", None, unit="05431"),
    Case("unit-name-ambiguous", "KTCV", "unit-name-ambiguous", "Mã đơn vị", unit="",
         post=_set_label_value("Tên đơn vị", "Phường Trung Thành")),
    Case("unit-identity-mismatch", "KTCV", "unit-identity-mismatch", "Mã đơn vị", unit="STP",
         post=_set_label_value("Tên đơn vị", "Sở Nội vụ")),
    Case("period-missing", "DKT", "period-missing", "Kỳ báo cáo", period=""),
    Case("period-unknown-ods", "KTCV", "period-unknown", "Kỳ báo cáo", period="Quý 3/2024", fmt="ods"),
    Case("period-not-in-plan", "CCHC", "period-not-in-plan", "Kỳ báo cáo", period="2024-H1"),
    Case("data-header-missing", "KTCV", "data-header-missing", None,
         post=_rename("Số liệu", "Giá trị")),
    Case("line-list-header-missing", "KPKN", "line-list-header-missing", None,
         post=lambda wb: [_rename(x, x.upper() + " (sửa)")(wb) for x in
                          ("STT", "Kết quả", "Ngày hoàn thành", "Biện pháp khắc phục",
                           "Nội dung tồn tại, kiến nghị", "Ghi chú",
                           "Số, ngày thông báo kết luận kiểm tra")]),
    Case("indicator-missing", "KTCV", "indicator-missing", None, indicator="7.1",
         post=_rename("7.1", "7.x")),
    Case("value-missing", "KTCV", "value-missing", "13", values={"13": None}),
    Case("value-missing-xls", "CCHC", "value-missing", "6", values={"6": None}, fmt="xls"),
    Case("value-required", "DKT", "value-required", "4", values={"4": None}),
    Case("cell-not-a-number-xls", "CCHC", "cell-not-a-number", "1", values={"1": "nhiều"},
         fmt="xls"),
    Case("cell-not-a-number", "KTCV", "cell-not-a-number", "2", values={"2": "5 đơn vị"}),
    Case("value-ambiguous-number", "KTCV", "value-ambiguous-number", "13", values={"13": "1,234"}),
    Case("value-not-integer-ods", "KTCV", "value-not-integer", "13", values={"13": 2.5}, fmt="ods"),
    Case("value-negative", "CCHC", "value-negative", "2.3.CTH", values={"2.3.CTH": -1}),
    Case("value-negative-matrix-ods", "DKT", "value-negative", "5.2.SVP",
         values={"5.2.SVP": -2}, fmt="ods"),
    Case("value-out-of-range-ods", "CCHC", "value-out-of-range", "8", values={"8": 120},
         fmt="ods"),
    Case("value-out-of-range-score", "CCHC", "value-out-of-range", "10", values={"10": 101}),
    Case("value-not-a-date", "DKT", "value-not-a-date", "1", values={"1": "hôm qua"}),
    Case("choice-invalid-xls", "DKT", "choice-invalid", "5.3.KQ", values={"5.3.KQ": "Tốt"},
         fmt="xls"),
    Case("choice-invalid-header", "DKT", "choice-invalid", "2", values={"2": "Thường xuyên"}),
    Case("date-outside-year", "KPKN", "date-outside-year", "item{done}:Ngày hoàn thành",
         items=_items(lambda its: _first_done(its).update({"Ngày hoàn thành": date(2023, 5, 2)}))),
    Case("item-incomplete", "KPKN", "item-incomplete", "item1:Nội dung tồn tại, kiến nghị",
         items=_items(lambda its: its[0].update({"Nội dung tồn tại, kiến nghị": None}))),
    Case("item-incomplete-ods", "KPKN", "item-incomplete", "item2:Biện pháp khắc phục", fmt="ods",
         items=_items(lambda its: its[1].update({"Biện pháp khắc phục": None}))),
    Case("item-date-required-xls", "KPKN", "item-date-required", "item{done}:Ngày hoàn thành",
         fmt="xls", items=_items(lambda its: _first_done(its).update({"Ngày hoàn thành": None}))),
    Case("choice-invalid-item", "KPKN", "choice-invalid", "item1:Kết quả",
         items=_items(lambda its: its[0].update({"Kết quả": "Xong", "Ngày hoàn thành": None}))),
    Case("rule-sum-mismatch", "KTCV", "rule-sum-mismatch", "1", values=_shift("KTCV", **{"1": 1})),
    Case("rule-sum-mismatch-matrix-ods", "CCHC", "rule-sum-mismatch", "2.1.KH", fmt="ods",
         values=_shift("CCHC", **{"2.1.CTH": 1, "2.CTH": 1})),
    Case("rule-sum-mismatch-total-row", "CCHC", "rule-sum-mismatch", "2.HT",
         values=_shift("CCHC", **{"2.HT": 1, "2.DTH": -1})),
    Case("rule-compare-failed", "CCHC", "rule-compare-failed", "4.1",
         values={"4.1": sample_form("CCHC")[0]["4"] + 1}),
    Case("rule-compare-failed-xls", "KTCV", "rule-compare-failed", "14.2", fmt="xls",
         values={"14.2": sample_values("STP")["14.1"] + 1}),
    Case("rule-compare-warning", "KTCV", "rule-compare-warning", "12", values=_apology_warning()),
]


def _build(case: Case, root: Path, out_dir: Path) -> tuple[Path, dict]:
    values, items = sample_form(case.form)
    values = {**values, **case.values}
    if case.items:
        items = case.items(items)
    period = PERIOD[case.form] if case.period is None else case.period
    blank = root / "outbox" / "bieu-mau" / PERIOD[case.form] / f"{case.form}-{PERIOD[case.form]}.xlsx"
    path = fill_by_contract(blank, out_dir / f"{case.id}.xlsx", values, unit=case.unit,
                            period=period, items=items)
    positions = contract_positions(path)
    if case.post:
        wb = openpyxl.load_workbook(path)
        case.post(wb)
        wb.save(path)
    return path, positions


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    api.make_templates(root, per_unit=False)
    built = {c.id: _build(c, root, root / "files") for c in CASES}
    paths = {cid: p for cid, (p, _) in built.items()}
    for fmt, lo in (("ods", "ods"), ("xls", "xls:MS Excel 97")):
        wanted = [c.id for c in CASES if c.fmt == fmt]
        if wanted and soffice():
            for cid, out in zip(wanted, libreoffice_convert_all([paths[c] for c in wanted], lo,
                                                                  root / fmt)):
                paths[cid] = out
    outcomes = dict(zip(paths, api.check_files(root, list(paths.values()))))
    return {cid: (outcomes[cid], built[cid][1], paths[cid]) for cid in paths}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_file_yields_its_code_at_its_cell(corpus, case):
    outcome, positions, path = corpus[case.id]
    if case.fmt != "xlsx" and not soffice():
        pytest.skip("LibreOffice is not installed")
    assert path.suffix == f".{case.fmt}"
    issues = outcome.errors + outcome.warnings
    codes = [i.code for i in issues]
    assert case.code in codes, [i.message for i in issues]
    if case.where is None:
        issue = next(i for i in issues if i.code == case.code)
        assert issue.cell is None
    else:
        column = case.where.split(":", 1)[-1]
        wanted = ({v for k, v in positions.items() if k.startswith("item") and k.endswith(column)}
                  if "{done}" in case.where else {positions[case.where]})
        at = [i for i in issues if i.code == case.code and (i.sheet, i.cell) in wanted]
        assert at, [(i.code, i.sheet, i.cell) for i in issues]
        issue = at[0]
        assert f"ô {issue.cell}" in issue.message
    assert issue.severity == CATALOG[case.code].severity
    if case.indicator:
        assert issue.indicator == case.indicator
    # errors always reject; a case built for a warning carries no error of its own, so it passes
    assert outcome.status == ("invalid" if outcome.errors else "valid")
    if issue.severity == "error":
        assert outcome.status == "invalid"
    else:
        assert not outcome.errors, [i.code for i in outcome.errors]
        assert outcome.status == "valid"


def test_unreadable_and_foreign_files(workspace: Path, tmp_path: Path):
    garbage = tmp_path / "báo cáo.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    old_excel = tmp_path / "báo cáo cũ.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated")
    pdf = tmp_path / "báo cáo.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    other = tmp_path / "bảng chấm công.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Bảng chấm công tháng 6"
    wb.save(other)
    outcomes = api.check_files(workspace, [garbage, old_excel, pdf, other])
    assert [o.errors[0].code for o in outcomes] == [
        "file-unreadable", "file-unreadable", "file-format-unsupported", "form-unknown"]
    assert all(o.status == "invalid" for o in outcomes)


def test_older_incompatible_template_names_the_one_to_use(tmp_path: Path):
    old_ws, new_ws = tmp_path / "old", tmp_path / "new"
    [blank] = api.make_templates(old_ws, form="KTCV", period="2024-H1", per_unit=False)
    filled = fill_by_contract(blank, tmp_path / "v1.xlsx", sample_values("STP"), "STP", "2024-H1")
    spec = yaml.safe_load((shipped_templates_dir() / "forms/ktcv.yaml").read_text(encoding="utf-8"))
    spec.update(version=2, compatible_from=2)
    (new_ws / "templates/forms").mkdir(parents=True)
    (new_ws / "templates/forms/ktcv.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True),
                                                      encoding="utf-8")
    [outcome] = api.check_files(new_ws, [filled])
    [issue] = outcome.errors
    assert issue.code == "form-version-incompatible"
    assert "phiên bản 2" in issue.message and "KTCV-" in issue.message
    # a compatible older version (compatible_from 1) is still read by indicator code
    spec.update(compatible_from=1)
    (new_ws / "templates/forms/ktcv.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True),
                                                      encoding="utf-8")
    assert api.check_files(new_ws, [filled])[0].status == "valid"


def test_judgment_warnings_against_the_ledger(tmp_path: Path):
    """value-below-h1 and value-outlier need what the ledger holds: H1 files and enough peers."""
    root = tmp_path / "ws"
    [blank_h1] = api.make_templates(root, form="KTCV", period="2024-H1", per_unit=False)
    [blank_y] = api.make_templates(root, form="KTCV", period="2024-Y", per_unit=False)
    agencies = ["VPUBND", "SNV", "STP", "SKHDT", "STC", "SCT", "SNNPTNT", "SGTVT", "SXD", "STNMT"]
    for code in agencies:
        f = fill_by_contract(blank_h1, root / "inbox" / f"{code}.xlsx", sample_values(code), code,
                             "2024-H1")
        set_mtime(f, datetime(2024, 6, 10))
    api.run(root, date(2024, 7, 1))
    h1 = sample_values("STP")
    year = sample_values("STP", "Y") | {"13": h1["13"] - 1}
    low = fill_by_contract(blank_y, tmp_path / "stp-y.xlsx", year, "STP", "2024-Y")
    odd = sample_values("STTTT") | {"13": 50_000}
    outlier = fill_by_contract(blank_h1, tmp_path / "stttt-h1.xlsx", odd, "STTTT", "2024-H1")
    below, far = api.check_files(root, [low, outlier])
    positions = contract_positions(low)
    assert below.status == "valid" and far.status == "valid"
    [w] = [w for w in below.warnings if w.code == "value-below-h1"]
    assert (w.sheet, w.cell, w.indicator) == (*positions["13"], "13")
    [w] = [w for w in far.warnings if w.code == "value-outlier"]
    assert (w.sheet, w.cell, w.indicator) == (*positions["13"], "13")


def test_corpus_covers_every_file_issue_code():
    file_codes = {c for c in CATALOG if not c.startswith("round-")}
    from tests.test_hostile import EXPECTED as HOSTILE
    from tests.test_reader_robust import COVERED as READER_ROBUST
    from tests.test_unit_identity import VALIDITY_CODES

    covered = {c.code for c in CASES} | {"file-unreadable", "file-format-unsupported", "form-unknown",
                                         "form-version-incompatible", "value-below-h1",
                                         "value-outlier"} | set(HOSTILE.values()) \
        | VALIDITY_CODES  # need a unit list with ended units: tests/test_unit_identity.py
    from tests.test_intake_robust import COVERED as INTAKE
    from tests.test_mail_intake import COVERED as MAIL

    covered |= INTAKE | READER_ROBUST | MAIL
    assert file_codes - covered == set()
    assert len(CASES) + 7 >= 30
