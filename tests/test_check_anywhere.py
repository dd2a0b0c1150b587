"""`check` away from the office's workspace (issue 14): a form the office generated carries the
identity of its unit and of the units of its dropdown in hidden, protected sheets; `check` with
the built-in unit list takes a unit the office added from there and says so, `run` never does.
Wrong-period messages point at the period cell, list the plan's periods, and the feedback copy
colours that cell. Real forms from the generator, filled with openpyxl, re-saved by LibreOffice."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from aggregator.render.forms.feedback import ERROR_FILL
from aggregator.units.carried import fingerprint, identity_row, unit_of_row
from aggregator.workspace.init import init_workspace
from tests.conftest import (
    fill_by_contract,
    libreoffice_convert,
    needs_libreoffice,
    sample_form,
    sample_values,
    set_mtime,
)

PERIOD = "2024-H1"
ADDED = ["TTHCC", "Trung tâm Phục vụ hành chính công tỉnh", "sở, ban, ngành", "19", "so-ban-nganh"]
# a commune (asked for KTCV by name) of a district the office added too: placed through the
# carried district
NEW_DISTRICT = ["999", "UBND huyện Thử Nghiệm", "huyện", "19", "huyen"]
NEW_COMMUNE = ["99901", "UBND xã Thử Nghiệm", "xã", "999", "xa", None, None, "KTCV"]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    """The clerk's workspace: the built-in list plus units the office added in don-vi.xlsx."""
    root = tmp_path_factory.mktemp("office") / "ws"
    init_workspace(root)
    wb = openpyxl.load_workbook(root / "don-vi.xlsx")
    for row in (ADDED, NEW_DISTRICT, NEW_COMMUNE):
        wb.worksheets[0].append(row)
    wb.save(root / "don-vi.xlsx")
    api.make_templates(root, form="KTCV", period=PERIOD)
    api.make_templates(root, form="CCHC", period="2024-Y", per_unit=False)
    return root


def issued(office: Path, unit: str) -> Path:
    return office / "outbox" / "bieu-mau" / PERIOD / "theo-don-vi" / f"KTCV-{PERIOD}-{unit}.xlsx"


def blank(office: Path) -> Path:
    return office / "outbox" / "bieu-mau" / PERIOD / f"KTCV-{PERIOD}.xlsx"


def filled(form: Path, out: Path, unit: str) -> Path:
    return fill_by_contract(form, out, sample_values("STP"), unit, PERIOD)


def anywhere(tmp_path: Path) -> Path:
    """A folder that is no workspace: where a unit's officer saved the file."""
    folder = tmp_path / "may-don-vi"
    folder.mkdir(exist_ok=True)
    return folder


# what the form carries -------------------------------------------------------------------------
def _carried(path: Path) -> tuple[dict, list, list]:
    wb = openpyxl.load_workbook(path)
    meta, lists = wb["_meta"], wb["_danh_muc"]
    for sheet in (meta, lists):
        assert sheet.sheet_state == "hidden" and sheet.protection.sheet, sheet.title
    pairs = {r[0]: r[1] for r in meta.iter_rows(values_only=True) if r[0] != "unit_identity"}
    [identity] = [list(r[1:]) for r in meta.iter_rows(values_only=True) if r[0] == "unit_identity"]
    return pairs, identity, [list(r) for r in lists.iter_rows(values_only=True)]


def test_issued_form_carries_its_unit_and_the_list_version_in_hidden_protected_sheets(office):
    pairs, identity, rows = _carried(issued(office, "TTHCC"))
    assert pairs["unit"] == "TTHCC" and pairs["form"] == "KTCV" and pairs["period"] == PERIOD
    assert identity[:5] == ["TTHCC", "Trung tâm Phục vụ hành chính công tỉnh", "agency", "19",
                            "so-ban-nganh"]
    assert ["99901", "UBND xã Thử Nghiệm", "commune", "999"] in [r[:4] for r in rows]
    units = [unit_of_row(r) for r in [identity, *rows]]
    assert None not in units and pairs["units_version"] == fingerprint(units)
    wb = openpyxl.load_workbook(blank(office))
    assert [r[0] for r in wb["_meta"].iter_rows(values_only=True)] == [
        "form", "version", "period", "unit", "round", "units_version"]  # a blank form: no unit
    assert wb["_meta"]["B6"].value == pairs["units_version"]  # one list, one version
    assert json.loads(pairs["round"])["period"] == PERIOD  # and the round it is issued for


def test_identity_rows_round_trip_and_the_version_follows_every_field():
    unit = unit_of_row(["05476", "Phường Trung Thành", "commune", "164", "xa", "KTCV,CCHC",
                        "2024-01-01", ""])
    assert unit.forms == ("KTCV", "CCHC") and unit.valid_from == date(2024, 1, 1)
    assert unit_of_row(identity_row(unit)) == unit
    assert unit_of_row(["X", "Tên", "không-phải-cấp", "19", ""]) is None
    renamed = unit_of_row([*identity_row(unit)[:1], "Phường Khác", *identity_row(unit)[2:]])
    assert fingerprint([unit]) != fingerprint([renamed])


# check away from the office --------------------------------------------------------------------
def test_check_anywhere_accepts_a_unit_the_office_added_saying_by_which_list(office, tmp_path):
    """Before: 'Mã đơn vị TTHCC không có trong danh mục' for a correct form of the office's."""
    here = anywhere(tmp_path)
    f = filled(issued(office, "TTHCC"), here / "bao-cao.xlsx", "TTHCC")
    proc = cli("check", "bao-cao.xlsx", "--json", cwd=here)
    assert proc.returncode == 0, proc.stderr
    [doc] = json.loads(proc.stdout)["files"]
    assert (doc["status"], doc["unit"], doc["units_from"]) == ("valid", "TTHCC", "form"), doc
    assert doc["errors"] == []
    assert "đã nhận theo danh mục ghi trong biểu do Sở Nội vụ phát hành" in proc.stderr
    assert sorted(p.name for p in here.iterdir()) == [f.name]  # nothing written where it ran


def test_a_blank_form_identifies_a_unit_of_its_dropdown_and_places_it_under_its_district(
        office, tmp_path):
    here = anywhere(tmp_path)
    added = filled(blank(office), here / "tthcc.xlsx", "TTHCC")
    commune = filled(blank(office), here / "xa.xlsx", "99901")
    known = filled(blank(office), here / "stp.xlsx", "STP")
    o_added, o_commune, o_known = api.check_files(here, [added, commune, known])
    assert (o_added.status, o_added.unit, o_added.units_from) == ("valid", "TTHCC", "form")
    assert o_commune.errors == [] and o_commune.units_from == "form"  # 999 came from the form
    assert (o_known.status, o_known.units_from) == ("valid", "built-in")


def test_a_code_the_form_does_not_carry_is_still_unknown(office, tmp_path):
    here = anywhere(tmp_path)
    f = filled(issued(office, "TTHCC"), here / "sai-ma.xlsx", "TTHCX")
    [outcome] = api.check_files(here, [f])
    assert [i.code for i in outcome.errors] == ["unit-unknown"] and outcome.units_from == "built-in"


def test_a_hand_edited_hidden_list_is_not_trusted_and_run_never_trusts_the_form(office, tmp_path):
    """A unit that adds itself to the hidden list without the fingerprint fails check; one that
    also rewrites the fingerprint passes its own check — and `run` still decides by the office's
    list (here a workspace with the built-in list only, which lacks TTHCC)."""
    here = anywhere(tmp_path)
    forged = filled(blank(office), here / "gia.xlsx", "GIA")
    wb = openpyxl.load_workbook(forged)
    wb["_danh_muc"].append(["GIA", "Đơn vị Giả", "agency", "19", "so-ban-nganh", "", "", ""])
    wb.save(forged)
    [outcome] = api.check_files(here, [forged])
    assert [i.code for i in outcome.errors] == ["unit-unknown"]

    wb = openpyxl.load_workbook(forged)
    rows = [unit_of_row(r) for r in wb["_danh_muc"].iter_rows(values_only=True)]
    for r in wb["_meta"].iter_rows():
        if r[0].value == "units_version":
            r[1].value = fingerprint(rows)
    wb.save(forged)
    [outcome] = api.check_files(here, [forged])
    assert outcome.status == "valid" and outcome.units_from == "form"

    root = tmp_path / "so-noi-vu"
    init_workspace(root)  # don-vi.xlsx: the built-in list, without GIA nor TTHCC
    for name, code in (("gia.xlsx", None), ("tthcc.xlsx", "TTHCC")):
        f = forged if code is None else filled(issued(office, code), here / name, code)
        (root / "inbox" / name).write_bytes(f.read_bytes())
    [checked] = api.check_files(root, [root / "inbox" / "tthcc.xlsx"])
    assert [i.code for i in checked.errors] == ["unit-unknown"]  # the workspace's own list
    assert checked.units_from == "workspace"
    result = api.run(root, date(2024, 6, 1))
    assert sorted((f.status, [i.code for i in f.errors]) for f in result.files) == [
        ("rejected", ["unit-unknown"]), ("rejected", ["unit-unknown"])]


def test_a_broken_hidden_list_costs_the_carried_identity_not_the_file(office, tmp_path):
    here = anywhere(tmp_path)
    f = filled(blank(office), tmp_path / "tthcc.xlsx", "TTHCC")
    with zipfile.ZipFile(f) as zin:
        assert "_danh_muc" in zin.read("xl/workbook.xml").decode().split("<sheet ")[5]
        parts = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    parts["xl/worksheets/sheet5.xml"] = parts["xl/worksheets/sheet5.xml"].replace(
        b"</sheetData>", b'<row r="900"><c r="A900" t="n"><v>abc</v></c></row></sheetData>')
    broken = here / "hong.xlsx"
    with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    [outcome] = api.check_files(here, [broken])
    assert [i.code for i in outcome.errors] == ["unit-unknown"]  # read, but TTHCC is not known
    assert outcome.units_from == "built-in"


@needs_libreoffice
def test_libreoffice_resave_keeps_the_carried_identity_hidden_and_protected(office, tmp_path):
    here = anywhere(tmp_path)
    f = filled(issued(office, "TTHCC"), tmp_path / "tthcc.xlsx", "TTHCC")
    resaved = libreoffice_convert(f, "xlsx", here)
    pairs, identity, _ = _carried(resaved)  # asserts both sheets still hidden and protected
    assert identity[0] == "TTHCC" and pairs["units_version"] == _carried(f)[0]["units_version"]
    [outcome] = api.check_files(here, [resaved])
    assert (outcome.status, outcome.unit, outcome.units_from) == ("valid", "TTHCC", "form"), \
        [i.message for i in outcome.errors]


# the period ------------------------------------------------------------------------------------
def test_wrong_period_names_cell_b6_lists_the_plan_and_is_coloured_in_the_feedback(tmp_path):
    root = tmp_path / "ws"
    init_workspace(root)
    [form] = api.make_templates(root, form="CCHC", period="2024-Y", per_unit=False)
    values, _ = sample_form("CCHC")
    f = fill_by_contract(form, root / "inbox" / "cchc.xlsx", values, "STP", "2024-H1")
    wb = openpyxl.load_workbook(f)
    assert wb["Thông tin"]["A6"].value == "Kỳ báo cáo" and wb["Thông tin"]["B6"].value == "2024-H1"
    set_mtime(f, datetime(2024, 10, 1, 9, 0))
    [checked] = api.check_files(root, [f])
    [issue] = checked.errors
    assert (issue.code, issue.sheet, issue.cell) == ("period-not-in-plan", "Thông tin", "B6")
    assert issue.message.startswith("Sheet “Thông tin”, ô B6: Biểu CCHC kỳ 6 tháng đầu năm 2024")
    assert "các kỳ của biểu CCHC trong kế hoạch: 2024-Y" in issue.message

    [outcome] = api.run(root, date(2024, 12, 20)).files
    assert outcome.status == "rejected" and outcome.feedback is not None
    cell = openpyxl.load_workbook(outcome.feedback)["Thông tin"]["B6"]
    assert cell.fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "2024-Y" in cell.comment.text


@pytest.mark.parametrize("typed, code", [("Quý 3/2024", "period-unknown"),
                                         ("", "period-missing")])
def test_an_unreadable_or_missing_period_lists_the_plan_not_a_fixed_year(tmp_path, typed, code):
    """Before: 'Hãy ghi “2024-H1” … hoặc “2024-Y”' whatever the plan (wrong from 2025 on)."""
    root = tmp_path / "ws"
    init_workspace(root)
    toml = root / "aggregator.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('period = "2024-Y"',
                                                             'period = "2025-Y"'), encoding="utf-8")
    [form] = api.make_templates(root, form="CCHC", per_unit=False)
    values, _ = sample_form("CCHC")
    f = fill_by_contract(form, tmp_path / "cchc.xlsx", values, "STP", typed)
    [outcome] = api.check_files(root, [f])
    [issue] = [i for i in outcome.errors if i.code == code]
    assert (issue.sheet, issue.cell) == ("Thông tin", "B6")
    assert issue.message.endswith("Hãy chọn kỳ trong danh sách của ô này (các kỳ của biểu CCHC "
                                  "trong kế hoạch: 2025-Y).")


def test_a_form_with_no_round_in_the_plan_lists_the_plan(tmp_path):
    from aggregator.validate.validator import plan_periods
    from aggregator.workspace.config import Config

    config = Config()
    assert plan_periods(config, "KTCV") == "các kỳ của biểu KTCV trong kế hoạch: 2024-H1, 2024-Y"
    listed = plan_periods(config.model_copy(update={"rounds": config.rounds[:1]}), "CCHC")
    assert listed == ("kế hoạch không có kỳ nào của biểu CCHC; các kỳ trong kế hoạch: "
                      "KTCV 2024-H1")


# a round the office added (a new year), carried by the form ------------------------------------
def test_a_form_of_a_round_the_office_added_checks_anywhere(tmp_path):
    """The 2025 round (and a commune the office now asks for) is only in the office's
    aggregator.toml: the form carries it, so the unit's own check passes — and `run` still
    follows the workspace's plan."""
    root = tmp_path / "ws"
    init_workspace(root)
    config = root / "aggregator.toml"
    config.write_text(config.read_text(encoding="utf-8") + """
[[rounds]]
form = "KTCV"
period = "2025-H1"
window_start = 2024-12-15
window_end = 2025-06-14
deadline = 2025-06-15
submitters = ["agency", "district", "commune"]
""", encoding="utf-8")
    [form] = [p for p in api.make_templates(root, form="KTCV", period="2025-H1")
              if p.name == "KTCV-2025-H1-STP.xlsx"]
    good = fill_by_contract(form, tmp_path / "don-vi" / "KTCV 2025.xlsx", sample_values("STP"),
                            "STP", "2025-H1")
    out = cli("check", str(good), "--json", cwd=anywhere(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    [outcome] = json.loads(out.stdout)["files"]
    assert outcome["status"] == "valid", outcome["errors"]
    # a period typed over the carried one is judged by the plans it may belong to
    wrong = fill_by_contract(form, tmp_path / "don-vi" / "KTCV 2026.xlsx", sample_values("STP"),
                             "STP", "2026-H1")
    out = cli("check", str(wrong), "--json", cwd=anywhere(tmp_path))
    [outcome] = json.loads(out.stdout)["files"]
    assert [e["code"] for e in outcome["errors"]] == ["period-not-in-plan"]
    assert "2025-H1" in outcome["errors"][0]["message"]
