"""The forms check themselves (issue 14): generated forms are filled right and wrong in each rule
kind, recalculated by LibreOffice (a real spreadsheet program), and their check column and status
cells must say what the Sở Nội vụ's validator says for the same file, row by row."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from aggregator.forms import FormRegistry
from aggregator.read import read_file
from aggregator.render.forms.checks import BLANK, CHECK_HEADER, ERROR, OK_TEXT, WARNING
from aggregator.units import UnitRegistry
from aggregator.validate.validator import validate_batch
from aggregator.workspace.config import Config
from tests.conftest import fill_by_contract, libreoffice_convert_all, needs_libreoffice, sample_form

FORMS = {"KTCV": "2024-H1", "CCHC": "2024-Y", "KPKN": "2024-Y", "DKT": "2024-Y"}
INFO = "Thông tin"
# Checks the form cannot make on its own: they stay with the Sở Nội vụ (the form's guide says so).
SERVER_ONLY = {"value-below-h1", "value-outlier"}


def _bump(values: dict, code: str, by: float) -> dict:
    return {**values, code: values[code] + by}


def _variants() -> dict[str, tuple[str, dict, list | None, str | None, str | None]]:
    """name → (form, values, items, unit, period): right, and wrong in each rule kind."""
    out = {}
    for form, period in FORMS.items():
        values, items = sample_form(form)
        out[f"{form}-dung"] = (form, values, items, "STP", period)
    ktcv, _ = sample_form("KTCV")
    k = {
        "tong-sai": _bump(ktcv, "1", 1),  # 1 = 1.1 + 1.2
        "tong-thanh-phan-sai": _bump(ktcv, "6.2.1", 1),  # 6.2 = 6.2.1 + … (6 still right)
        "so-sanh-sai": {**ktcv, "4": ktcv["3"] + 5},  # 4 ≤ 3
        "bang-sai": _bump(ktcv, "11", 2),  # 8 = 9 + 10 + 11
        "canh-bao": {**ktcv, "12": 0, "9.3": max(ktcv["9.3"], 1)},  # 12 ≥ 9.3 + 10.2 (warning)
        "de-trong": {**ktcv, "2": None},
        "so-am": {**ktcv, "13": -3},
        "so-le": {**ktcv, "7": 2.5},  # not whole: 7.1 ≤ 7 is then not evaluated, like the server
        "chu": {**ktcv, "13": "mười"},
        "chu-o-thanh-phan": {**ktcv, "1.1": "3 cuộc"},  # the total's row says nothing then
    }
    if k["canh-bao"]["9.3"] != ktcv["9.3"]:  # keep 9 = 9.1 + 9.2 + 9.3 and 8 = 9 + 10 + 11
        k["canh-bao"] = {**ktcv, "12": 0}
    for name, values in k.items():
        out[f"KTCV-{name}"] = ("KTCV", values, None, "STP", FORMS["KTCV"])
    out["KTCV-thieu-ma-don-vi"] = ("KTCV", ktcv, None, None, FORMS["KTCV"])
    out["KTCV-ky-sai"] = ("KTCV", ktcv, None, "STP", "2024-Q3")
    out["KTCV-ma-la"] = ("KTCV", ktcv, None, "SXYZ", FORMS["KTCV"])

    cchc, _ = sample_form("CCHC")
    for name, values in {
        "dong-sai": _bump(cchc, "2.1.KH", 1),  # row 2.1: KH = HT + DTH + CTH; total row 2 too
        "ty-le-qua-100": {**cchc, "7": 120},
        "so-sanh-sai": {**cchc, "4.1": cchc["4"] + 1},
        "tong-trai-sai": {**cchc, "5.1": cchc["5"], "5.2": 1},  # 5.1 + 5.2 ≤ 5
        "canh-bao": {**cchc, "3": cchc["3.1"] + 2},  # 3.1 ≥ 3 (warning)
    }.items():
        out[f"CCHC-{name}"] = ("CCHC", values, None, "STP", FORMS["CCHC"])

    dkt, _ = sample_form("DKT")
    for name, values in {
        "thieu-lua-chon": {**dkt, "2": None},
        "thieu-chu": {**dkt, "4": None},
        "ma-tran-am": {**dkt, "5.3.SVP": -2},
        "ma-tran-trong": {**dkt, "5.1.KQ": None},
        "lua-chon-la": {**dkt, "2": "Thường xuyên", "5.2.KQ": "Tốt"},  # pasted past the list
    }.items():
        out[f"DKT-{name}"] = ("DKT", values, None, "STP", FORMS["DKT"])

    _, items = sample_form("KPKN")
    done = next(i for i, item in enumerate(items) if item["Kết quả"] == "Đã khắc phục")
    for name, rows in {
        "dong-thieu": [{**items[0], "Nội dung tồn tại, kiến nghị": None}] + items[1:],
        "thieu-ngay": [{**item, "Ngày hoàn thành": None} if i == done else item
                       for i, item in enumerate(items)],
        "ngay-ngoai-nam": [{**item, "Ngày hoàn thành": date(2023, 5, 4)} if i == done else item
                           for i, item in enumerate(items)],
        "chi-stt-dung": items + [{"STT": len(items) + 1}],
        "ket-qua-la": [{**items[0], "Kết quả": "Xong"}] + items[1:],
    }.items():
        out[f"KPKN-{name}"] = ("KPKN", {}, rows, "STP", FORMS["KPKN"])
    return out


VARIANTS = _variants()


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, Path]:
    """Each variant filled with openpyxl (which keeps the formulas and drops their results), then
    opened and saved by LibreOffice, which calculates them."""
    root = tmp_path_factory.mktemp("checks")
    blanks = {form: api.make_templates(root, form=form, period=period, per_unit=False)[0]
              for form, period in FORMS.items()}
    filled = [fill_by_contract(blanks[form], root / "filled" / f"{name}.xlsx", values,
                               unit=unit, period=period, items=items)
              for name, (form, values, items, unit, period) in VARIANTS.items()]
    converted = libreoffice_convert_all(filled, "xlsx:Calc MS Excel 2007 XML", root / "lo")
    return dict(zip(VARIANTS, converted, strict=True))


def _checks(path: Path, form: str) -> tuple[dict[int, str], str, str, str]:
    """(data-sheet row → check text, info check text, the two status texts) as calculated."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[FormRegistry.default()[form].sheet]
    col = next(c.column for row in ws.iter_rows() for c in row if c.value == CHECK_HEADER)
    rows = {r: ws.cell(r, col).value or "" for r in range(1, ws.max_row + 1)}
    rows = {r: t for r, t in rows.items() if t and t != CHECK_HEADER and r > 1}
    return rows, wb[INFO]["C2"].value or "", ws.cell(1, col).value, wb[INFO]["C1"].value


def _server(path: Path) -> list:
    read = read_file(path, FormRegistry.default(), UnitRegistry.from_csv())
    [report] = validate_batch([read], Config())
    return report.issues


def _row(cell: str) -> int:
    return int(re.sub(r"\D", "", cell))


@needs_libreoffice
@pytest.mark.parametrize("name", VARIANTS)
def test_the_form_says_what_the_validator_says(recalculated, name):
    form = VARIANTS[name][0]
    rows, info, status, info_status = _checks(recalculated[name], form)
    sheet = FormRegistry.default()[form].sheet
    issues = [i for i in _server(recalculated[name]) if i.code not in SERVER_ONLY]
    assert bool(issues) != name.endswith("-dung"), [i.message for i in issues]  # wrong as meant
    on_sheet = [i for i in issues if i.sheet == sheet]
    errors = {_row(i.cell) for i in on_sheet if i.severity == "error"}
    warnings = {_row(i.cell) for i in on_sheet if i.severity == "warning"}
    # every row the validator rejects says so, and no other row does
    assert {r for r, t in rows.items() if t.startswith((ERROR, BLANK))} == errors, (rows, issues)
    assert {r for r, t in rows.items() if WARNING in t} == warnings, (rows, issues)
    # a blank required cell is told as such, the rest as errors
    blanks = {_row(i.cell) for i in on_sheet if i.code in ("value-missing", "value-required")}
    assert {r for r, t in rows.items() if t.startswith(BLANK)} == blanks - {
        r for r, t in rows.items() if t.startswith(ERROR)}
    # each rule says which rule and the figures the validator found
    for issue in on_sheet:
        if issue.code.startswith("rule-"):
            left, right = re.findall(r" là (-?\d+(?:\.\d{3})*(?:,\d+)?)", issue.message)[:2]
            text = rows[_row(issue.cell)]
            assert re.search(f"đang là {left} . {right}\\)", text), (issue.message, text)
    # the info sheet: a unit code and a period of the plan
    info_issues = [i for i in issues if i.sheet == INFO or i.code.startswith(("unit-", "period-"))]
    assert bool(info) == bool(info_issues), (info, [i.message for i in info_issues])
    # the verdict, the same at the top of both sheets
    assert status == info_status
    rejected = any(i.severity == "error" for i in issues)
    assert status.startswith(OK_TEXT) != rejected, (status, [i.message for i in issues])
    if rejected:
        wrong = sum(t.startswith(ERROR) for t in rows.values()) + bool(info)
        empty = sum(t.startswith(BLANK) for t in rows.values())
        assert status == (f"Còn {wrong + empty} chỗ cần sửa (xem cột {CHECK_HEADER})" if wrong
                          else f"Còn {empty} ô chưa nhập (xem cột {CHECK_HEADER})")
    elif warnings:
        assert status == f"{OK_TEXT}; có {len(warnings)} lưu ý cần xem lại"


CACHED = [n for n, v in VARIANTS.items() if v[3] is not None and v[4] == FORMS[v[0]]]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each variant written pre-filled by the program itself (as exports and the demo do), with its
    check results computed in Python; and the same file recalculated by LibreOffice."""
    from aggregator.render.forms.template import write_form_template

    root = tmp_path_factory.mktemp("cached")
    forms, config, units = FormRegistry.default(), Config(), UnitRegistry.from_csv()
    out = {}
    for name in CACHED:
        form, values, items, unit, period = VARIANTS[name]
        spec = forms[form]
        keys = {c.label: c.key for c in spec.line_list.columns} if spec.line_list else {}
        path = write_form_template(root / f"{name}.xlsx", spec, config,
                                   config.round_for(form, _period(period)), units.get(unit),
                                   unit_choices=list(units.units), values=values,
                                   items=[{keys[k]: v for k, v in i.items()} for i in items or []])
        stripped = root / "stripped" / path.name  # openpyxl keeps formulas, drops their results
        stripped.parent.mkdir(exist_ok=True)
        openpyxl.load_workbook(path).save(stripped)
        out[name] = (path, stripped)
    converted = libreoffice_convert_all([s for _, s in out.values()],
                                        "xlsx:Calc MS Excel 2007 XML", root / "lo")
    return {n: (p, c) for (n, (p, _)), c in zip(out.items(), converted, strict=True)}


def _period(code: str):
    from aggregator.periods import parse_period

    return parse_period(code)


@needs_libreoffice
@pytest.mark.parametrize("name", CACHED)
def test_results_written_into_the_form_are_what_a_spreadsheet_calculates(written, name):
    """LibreOffice shows an .xlsx's stored results until a value changes: the program's own
    evaluation of every check must equal LibreOffice's."""
    ours, theirs = written[name]
    form = VARIANTS[name][0]
    assert _checks(ours, form) == _checks(theirs, form)


@pytest.fixture(scope="module")
def feedback_copies(tmp_path_factory) -> dict[str, Path]:
    """Two rejected KTCV files with 1 ≠ 1.1 + 1.2: one on our form (.xlsx), one re-saved by
    LibreOffice as .xls (its feedback copy is rebuilt from the values, without the column)."""
    root = tmp_path_factory.mktemp("feedback-checks")
    [blank] = api.make_templates(root, form="KTCV", period="2024-H1", per_unit=False)
    ktcv, _ = sample_form("KTCV")
    wrong = fill_by_contract(blank, root / "src" / "Sở Tư pháp KTCV.xlsx", _bump(ktcv, "1", 1),
                             unit="STP", period="2024-H1")
    legacy = fill_by_contract(blank, root / "src" / "Sở Tài chính KTCV.xlsx", _bump(ktcv, "1", 1),
                              unit="STC", period="2024-H1")
    [xls] = libreoffice_convert_all([legacy], "xls:MS Excel 97", root / "inbox")
    (root / "inbox" / wrong.name).write_bytes(wrong.read_bytes())
    outcomes = api.run(root, date(2024, 7, 10)).files
    copies = {o.unit: o.feedback for o in outcomes}
    assert set(copies) == {"STP", "STC"} and all(copies.values()), outcomes
    recalculated = libreoffice_convert_all(list(copies.values()), "xlsx:Calc MS Excel 2007 XML",
                                           root / "lo")
    return dict(zip(copies, recalculated, strict=True))


@needs_libreoffice
@pytest.mark.parametrize("unit", ["STP", "STC"])
def test_the_feedback_copy_carries_the_live_check_column(feedback_copies, unit):
    wb = openpyxl.load_workbook(feedback_copies[unit], data_only=True)
    ws = wb["Biểu KTCV"]
    col = next(c.column for row in ws.iter_rows() for c in row if c.value == CHECK_HEADER)
    texts = [ws.cell(r, col).value for r in range(1, ws.max_row + 1)]
    flagged = [t for t in texts if isinstance(t, str) and t.startswith(ERROR)]
    assert len(flagged) == 1 and "1 phải bằng 1.1 + 1.2 (đang là" in flagged[0], texts
    assert ws.cell(1, col).value == f"Còn 1 chỗ cần sửa (xem cột {CHECK_HEADER})"


def _printable_with_checks(src: Path, out: Path) -> Path:
    """A copy whose print areas take in the check column (kept off the paper form)."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        ws.print_area = f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    wb.save(out)
    return out


@needs_libreoffice
def test_a_wrong_form_renders_with_its_verdict_in_sight(recalculated, tmp_path):
    """The data sheet of a wrong form, printed with its check column: the status and the row
    message are on the page, and the page is drawn (look at tmp_path/trang.png)."""
    import shutil
    import subprocess

    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed; .ci/run installs it")
    copy = _printable_with_checks(recalculated["KTCV-tong-sai"], tmp_path / "bieu-sai.xlsx")
    [pdf] = libreoffice_convert_all([copy], "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    page = next(n for n, p in enumerate(text.split("\f"), start=1) if "Sai: 1 phải" in p)
    assert "Sai: 1 phải bằng 1.1 + 1.2" in text and "Còn 1 chỗ cần sửa" in text
    assert "Biểu đã khớp" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(tmp_path / "trang")], check=True)
    assert (tmp_path / "trang.png").stat().st_size > 20_000


def test_every_cell_of_a_rule_is_coloured_by_what_its_row_says(tmp_path):
    """The colours look in the check column for the failing rule's words: the parts of a sum are
    coloured from the total's row, the total from its own."""
    [blank] = api.make_templates(tmp_path, form="KTCV", period="2024-H1", per_unit=False)
    ws = openpyxl.load_workbook(blank)["Biểu KTCV"]
    col = next(c.column_letter for row in ws.iter_rows() for c in row if c.value == CHECK_HEADER)
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    formats = {str(rng.sqref): [f for rule in rng.rules for f in rule.formula]
               for rng in ws.conditional_formatting}
    words = '"1 phải bằng 1.1 + 1.2"'
    for code in ("1", "1.1", "1.2"):
        found = " ".join(formats[f"D{rows[code]}"])
        assert f"FIND({words},${col}{rows['1']})" in found, (code, found)
    assert words not in " ".join(formats[f"D{rows['2']}"])
    # its own errors are found on its own row
    assert f'LEFT(${col}{rows["2"]},4)="{ERROR}"' in " ".join(formats[f"D{rows['2']}"])


@needs_libreoffice
def test_a_form_issued_to_one_unit_warns_when_another_code_is_typed(tmp_path):
    """The validator files it under the typed code and warns (unit-identity-mismatch): the form
    warns too, and still lets it be sent."""
    forms = api.make_templates(tmp_path, form="KTCV", period="2024-H1")
    [issued] = [p for p in forms if p.name == "KTCV-2024-H1-STP.xlsx"]
    ktcv, _ = sample_form("KTCV")
    typed = fill_by_contract(issued, tmp_path / "src" / "khac.xlsx", ktcv, unit="SYT",
                             period="2024-H1")
    [lo] = libreoffice_convert_all([typed], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    _, info, status, _ = _checks(lo, "KTCV")
    assert info == f"{WARNING} biểu này phát cho STP nhưng Mã đơn vị ghi “SYT”"
    assert status == f"{OK_TEXT}; có 1 lưu ý cần xem lại"
    assert "unit-identity-mismatch" in {i.code for i in _server(lo)}
