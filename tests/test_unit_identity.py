"""Which unit a file is from: validity dates against the round, namesakes, and a code that the
unit name or the form's issue disagrees with. Real forms from the generator, filled with
openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from aggregator.units import UnitRegistry
from aggregator.workspace.init import init_workspace
from tests.conftest import fill_by_contract, sample_values

PERIOD = "2024-H1"  # KTCV 2024-H1: deadline 15/06/2024
# asserted below; counted by test_corpus
VALIDITY_CODES = {"unit-ended", "unit-not-yet-valid", "unit-code-leading-zero"}


def _set_units(path: Path, changes: dict[str, dict[int, object]], added: list[list]) -> None:
    """Edit don-vi.xlsx as the office would in Excel: column number → value, by unit code."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        for column, value in changes.get(row[0].value, {}).items():
            row[column - 1].value = value
    for values in added:
        ws.append(values)
    wb.save(path)


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("identity") / "ws"
    init_workspace(root)
    _set_units(root / "don-vi.xlsx", {
        "SYT": {7: datetime(2024, 3, 31)},  # merged in March: nothing to report for 2024-H1
        "SCT": {7: datetime(2024, 9, 30)},  # ended after the round: still reports for 2024-H1
    }, [["SDL", "Sở Du lịch", "sở, ban, ngành", "19", "so-ban-nganh", datetime(2025, 1, 1)]])
    api.make_templates(root, form="KTCV", period=PERIOD)
    return root


def blank(ws: Path) -> Path:
    return ws / "outbox" / "bieu-mau" / PERIOD / f"KTCV-{PERIOD}.xlsx"


def issued_for(ws: Path, unit: str) -> Path:
    return ws / "outbox" / "bieu-mau" / PERIOD / "theo-don-vi" / f"KTCV-{PERIOD}-{unit}.xlsx"


def fill(form: Path, out: Path, code: str | None, name: str | None = None,
         values_of: str = "STP") -> Path:
    fill_by_contract(form, out, sample_values(values_of), code, PERIOD)
    if name is not None:
        wb = openpyxl.load_workbook(out)
        for sheet in wb.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value == "Tên đơn vị":
                        sheet.cell(cell.row, cell.column + 1).value = name
        wb.save(out)
    return out


def codes(issues) -> list[str]:
    return [i.code for i in issues]


# (a) validity ----------------------------------------------------------------------------------
def test_file_of_a_unit_ended_before_the_deadline_is_rejected_naming_the_end(ws, tmp_path):
    """Before: accepted, then silently left out of the totals (not expected on the deadline)."""
    ended = fill(blank(ws), tmp_path / "syt.xlsx", "SYT")
    later = fill(blank(ws), tmp_path / "sct.xlsx", "SCT")
    new = fill(blank(ws), tmp_path / "sdl.xlsx", "SDL")
    o_ended, o_later, o_new = api.check_files(ws, [ended, later, new])
    assert o_ended.status == "invalid" and codes(o_ended.errors) == ["unit-ended"]
    message = o_ended.errors[0].message
    assert "SYT – Sở Y tế" in message and "31/3/2024" in message and "15/6/2024" in message
    assert o_later.status == "valid", o_later.errors  # ended 30/09/2024, after the round
    assert o_later.unit == "SCT"
    assert codes(o_new.errors) == ["unit-not-yet-valid"] and "01/01/2025" in o_new.errors[0].message


def test_a_rejected_ended_unit_leaves_the_totals_as_they_were(ws, tmp_path):
    root = tmp_path / "run"
    init_workspace(root)
    (root / "don-vi.xlsx").write_bytes((ws / "don-vi.xlsx").read_bytes())
    fill(blank(ws), root / "inbox" / "syt.xlsx", "SYT")
    result = api.run(root, date(2024, 7, 1))
    [outcome] = result.files
    assert outcome.status == "rejected" and codes(outcome.errors) == ["unit-ended"]
    round_ = next(r for r in result.rounds if r.period == PERIOD and r.form == "KTCV")
    assert round_.submitted == 0 and "SYT" not in [u.code for u in round_.units]


# (b) a name two units share --------------------------------------------------------------------
def test_registry_does_not_pick_one_of_two_namesakes():
    units = UnitRegistry.from_file()
    assert {u.code for u in units.named("Phường Trung Thành")} == {"05476", "05899"}
    assert units.by_name("phuong trung thanh") is None
    assert units.by_name("UBND huyện Đồng Hỷ").code == "169"  # a unique name still resolves


def test_shared_name_without_code_asks_for_the_code_listing_candidates(ws, tmp_path):
    f = fill(blank(ws), tmp_path / "trung-thanh.xlsx", None, "Phường Trung Thành")
    [outcome] = api.check_files(ws, [f])
    assert outcome.unit is None and codes(outcome.errors) == ["unit-name-ambiguous"]
    message = outcome.errors[0].message
    assert "05476 – Phường Trung Thành" in message and "05899 – Phường Trung Thành" in message
    assert "Mã đơn vị" in message and "thuộc " in message


def test_unique_name_without_code_is_still_identified_with_a_warning(ws, tmp_path):
    f = fill(blank(ws), tmp_path / "dong-hy.xlsx", None, "UBND huyện Đồng Hỷ", values_of="169")
    [outcome] = api.check_files(ws, [f])
    assert outcome.unit == "169" and "unit-identified-by-name" in codes(outcome.warnings)


# (c) code, name and the form's issue disagreeing -----------------------------------------------
def test_code_disagreeing_with_name_and_issued_form_warns_and_says_the_code_won(ws, tmp_path):
    """SNV's pre-filled form, sent by STP with only the code changed: before, not a word."""
    f = fill(issued_for(ws, "SNV"), tmp_path / "stp.xlsx", "STP")
    [outcome] = api.check_files(ws, [f])
    assert outcome.status == "valid" and outcome.unit == "STP"
    [warning] = [w for w in outcome.warnings if w.code == "unit-identity-mismatch"]
    assert "Mã đơn vị ghi STP" in warning.message and "“Sở Nội vụ”" in warning.message
    assert "phát hành cho đơn vị SNV – Sở Nội vụ" in warning.message
    assert "theo mã: STP – Sở Tư pháp" in warning.message and "ưu tiên" in warning.message
    assert warning.sheet == "Thông tin"


def test_only_the_issued_form_disagreeing_is_named_alone(ws, tmp_path):
    f = fill(issued_for(ws, "SNV"), tmp_path / "stp.xlsx", "STP", "Sở Tư pháp")
    [outcome] = api.check_files(ws, [f])
    [warning] = [w for w in outcome.warnings if w.code == "unit-identity-mismatch"]
    assert "phát hành cho đơn vị SNV" in warning.message and "tên đơn vị" not in warning.message


def test_agreeing_code_name_and_issue_say_nothing(ws, tmp_path):
    f = fill(issued_for(ws, "SNV"), tmp_path / "snv.xlsx", "SNV", values_of="SNV")
    [outcome] = api.check_files(ws, [f])
    assert outcome.unit == "SNV" and "unit-identity-mismatch" not in codes(outcome.warnings)


def test_a_gso_code_that_lost_its_leading_zero_in_a_number_cell_is_read_back(ws, tmp_path):
    """Excel turns 05476 typed into a number cell into 5476; with a shared name beside it, the
    file was refused with 'no valid code'."""
    f = fill(blank(ws), tmp_path / "trung-thanh.xlsx", None, "Phường Trung Thành")
    wb = openpyxl.load_workbook(f)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "Mã đơn vị":
                    sheet.cell(cell.row, cell.column + 1).value = 5476  # a number, as Excel keeps it
    wb.save(f)
    [outcome] = api.check_files(ws, [f])
    assert outcome.unit == "05476"
    [warning] = [w for w in outcome.warnings if w.code == "unit-code-leading-zero"]
    assert "ghi là 5476" in warning.message and "05476 – Phường Trung Thành" in warning.message
    assert "unit-name-ambiguous" not in codes(outcome.errors)
