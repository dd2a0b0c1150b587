"""The monthly run survives a real office (issue #12): files that reach absurdly far, prologs that
hide a DOCTYPE, merged cells under an issue, workers that die, files only another reader opens,
formulas nobody calculated. Each is one file's problem, told in Vietnamese, never the run's."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from tests.conftest import (
    fill_by_contract,
    libreoffice_convert,
    needs_libreoffice,
    sample_values,
    set_mtime,
)

# The issue codes these tests produce (test_corpus checks that every code is produced somewhere).
COVERED = {"file-range-too-large", "file-crashed-reader", "value-formula-not-calculated",
           "value-formula-error"}
DATA_SHEET = "Biểu KTCV"
DATA_PART = "xl/worksheets/sheet2.xml"  # the data sheet of the KTCV form as openpyxl saves it


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("good")
    [blank] = api.make_templates(root, form="KTCV", period="2024-H1", per_unit=False)
    return fill_by_contract(blank, root / "good.xlsx", sample_values("STP"), "STP", "2024-H1")


def rezip(src: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)))
    return out


def with_far_value(good: Path, out: Path, cell: str) -> Path:
    row = re.fullmatch(r"[A-Z]+(\d+)", cell)[1]

    def edit(name: str, data: bytes) -> bytes:
        if name == DATA_PART:
            extra = f'<row r="{row}"><c r="{cell}"><v>1</v></c></row></sheetData>'.encode()
            return data.replace(b"</sheetData>", extra)
        return data

    return rezip(good, out, edit)


def check_in_subprocess(workspace: Path, *files: Path) -> list[dict]:
    """`aggregator check --json` in a child process with 3 GiB of address space (so a parser
    trying to allocate a sheet of 17 billion cells fails fast instead of swapping)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    proc = subprocess.run(
        [sys.executable, "-m", "aggregator", "check", *map(str, files), "--workspace",
         str(workspace), "--json"],
        capture_output=True, text=True, timeout=300, preexec_fn=limit)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)["files"]


# --- 1. a value far out in the sheet -------------------------------------------------------------


@pytest.mark.parametrize("cell", ["XFD1048576", "XFD2000", "A60000"])
def test_a_value_far_out_is_refused_naming_its_sheet_and_cell(good, workspace, tmp_path, cell):
    far = with_far_value(good, tmp_path / "xa.xlsx", cell)
    assert far.stat().st_size < 40 * 1024  # a small file…
    [found] = check_in_subprocess(workspace, far)  # …that made the process abort (rc 134)
    [error] = found["errors"]
    assert error["code"] == "file-range-too-large"
    assert (error["sheet"], error["cell"]) == (DATA_SHEET, cell)
    assert f"Sheet “{DATA_SHEET}”, ô {cell}" in error["message"]


def test_cells_that_only_carry_a_format_or_a_lying_dimension_are_harmless(good, workspace,
                                                                            tmp_path):
    def edit(name: str, data: bytes) -> bytes:
        if name == DATA_PART:
            data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data)
            return data.replace(b"</sheetData>",
                                b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>')
        return data

    styled = rezip(good, tmp_path / "dinh-dang.xlsx", edit)
    [outcome] = api.check_files(workspace, [styled])
    assert outcome.errors == []


def test_cell_positions_left_implicit_are_followed_across_chunk_cuts():
    from aggregator.read.extent import xlsx_far_cell

    xml = (b'<worksheet><sheetData><row r="3"><c r="B3"><v>1</v></c></row>'
           b'<row r="10000"><c><v>1</v></c><c t="s"><v>2</v></c></row>'
           b"<row><c/><c><v>3</v></c></row></sheetData></worksheet>")
    def chunks():
        return [xml[i:i + 7] for i in range(0, len(xml), 7)]

    assert xlsx_far_cell(chunks, max_rows=10_000, max_cols=256) == (10_000, 1)  # B10001
    assert xlsx_far_cell(chunks, max_rows=10_001, max_cols=2) is None
    assert xlsx_far_cell(chunks, max_rows=20_000, max_cols=1) == (2, 1)  # B3


@pytest.mark.parametrize("cell", [
    b'<c r="XFD5"><v>1</v></c>',
    b'<x:c r="XFD5"><x:v>1</x:v></x:c>',  # a namespace prefix, as .NET libraries write
    b'<c s="1" r="XFD5"><v>1</v></c>',  # the position not first
    b'<c cm=">" r="XFD5"><v>1</v></c>',  # a '>' inside a quoted value before the position
])
def test_a_far_cell_is_found_however_it_is_spelled(cell):
    from aggregator.read.extent import xlsx_far_cell

    xml = b'<worksheet><sheetData><row r="5"><c r="A5"><v>1</v></c>' + cell + b"</row></sheetData>"
    assert xlsx_far_cell(lambda: [xml[:40], xml[40:]], 10_000, 256) == (4, 16383)


def far_ods(source_ods: Path, out: Path, rows: int, cols: int) -> Path:
    """The .ods with a row repeated `rows` times after the filled ones of its data sheet, each
    holding a value repeated `cols` times (how LibreOffice itself writes a filled block)."""
    block = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
             f'table:number-columns-repeated="{cols}" office:value-type="float" office:value="1">'
             f"<text:p>1</text:p></table:table-cell></table:table-row>").encode()

    def edit(name: str, data: bytes) -> bytes:
        if name == "content.xml":
            start = data.index(f'table:name="{DATA_SHEET}"'.encode())
            end = data.index(b"table:number-rows-repeated=", start)  # the empty rows below
            end = data.rindex(b"<table:table-row", start, end)
            return data[:end] + block + data[end:]
        return data

    with zipfile.ZipFile(source_ods) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():  # mimetype first and stored, as the format wants
            kind = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zout.writestr(info, edit(info.filename, zin.read(info.filename)), compress_type=kind)
    return out


@needs_libreoffice
def test_an_ods_block_repeated_far_out_is_refused(good, workspace, tmp_path):
    ods = libreoffice_convert(good, "ods", tmp_path / "lo")
    [fine] = api.check_files(workspace, [ods])
    assert fine.errors == []
    far = far_ods(ods, tmp_path / "xa.ods", rows=200_000, cols=3)
    [found] = check_in_subprocess(workspace, far)
    [error] = found["errors"]
    assert error["code"] == "file-range-too-large"
    assert error["sheet"] == DATA_SHEET
    assert int(re.fullmatch(r"[A-Z]+(\d+)", error["cell"])[1]) > 200_000


# --- 4. a DOCTYPE hidden behind a long comment ----------------------------------------------------


def doctype_after_comment(good: Path, out: Path, part: str, comment_bytes: int,
                          doctype: bool = True) -> Path:
    prolog = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- ' + b"x" * comment_bytes + b" -->\n"
              + (b'<!DOCTYPE r [<!ENTITY e "gi\xc3\xa1 tr\xe1\xbb\x8b">]>\n' if doctype else b""))

    def edit(name: str, data: bytes) -> bytes:
        if name == part:
            return prolog + re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)
        return data

    return rezip(good, out, edit)


@pytest.mark.parametrize("part", [DATA_PART, "[Content_Types].xml"])
def test_a_doctype_after_a_long_comment_is_refused(good, workspace, tmp_path, part):
    hidden = doctype_after_comment(good, tmp_path / "an.xlsx", part, 6 * 1024)
    [outcome] = api.check_files(workspace, [hidden])
    assert [e.code for e in outcome.errors] == ["file-unsafe-xml"]
    assert part in outcome.errors[0].message


def test_a_long_comment_alone_is_fine_but_an_absurd_prolog_is_not(good, workspace, tmp_path):
    long = doctype_after_comment(good, tmp_path / "dai.xlsx", DATA_PART, 6 * 1024, doctype=False)
    absurd = doctype_after_comment(good, tmp_path / "qua-dai.xlsx", DATA_PART, 100 * 1024,
                                   doctype=False)
    fine, refused = api.check_files(workspace, [long, absurd])
    assert fine.errors == []
    assert [e.code for e in refused.errors] == ["file-unsafe-xml"]


def test_a_run_with_a_hidden_doctype_keeps_going(good, tmp_path):
    root = tmp_path / "ws"
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    hidden = doctype_after_comment(good, inbox / "ẩn.xlsx", DATA_PART, 6 * 1024)
    fine = inbox / "tốt.xlsx"
    fine.write_bytes(good.read_bytes())
    for path in (hidden, fine):
        set_mtime(path, datetime(2024, 6, 10))
    result = api.run(root, date(2024, 7, 1))
    status = {Path(f.name).name: f.status for f in result.files}
    assert status == {"ẩn.xlsx": "rejected", "tốt.xlsx": "accepted"}


# --- 3. an issue on a merged cell -----------------------------------------------------------------


def test_an_issue_on_a_merged_cell_is_noted_on_the_merged_range(good, tmp_path):
    root = tmp_path / "ws"
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    wb = openpyxl.load_workbook(good)
    ws = wb[DATA_SHEET]
    row = next(c.row for c in ws["A"] if c.value == "1.1")
    assert ws.cell(4, 4).value == "Số liệu"  # the value column is D; the unit merges C:D
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=4)
    path = inbox / "gộp ô.xlsx"
    wb.save(path)
    set_mtime(path, datetime(2024, 6, 10))
    result = api.run(root, date(2024, 7, 1))
    [outcome] = result.files
    assert outcome.status == "rejected"
    assert any(e.cell == f"D{row}" and e.code == "value-missing" for e in outcome.errors)
    copy = openpyxl.load_workbook(outcome.feedback)[DATA_SHEET]
    anchor = copy.cell(row, 3)
    assert anchor.comment is not None and "Chưa nhập số liệu" in anchor.comment.text
    assert anchor.fill.fgColor.rgb.endswith("FFC7CE")


# --- 2. a worker that dies ------------------------------------------------------------------------


def _fill_numbered(root: Path, templates: list[Path]) -> list[str]:
    """Each unit's form filled into the inbox as '00 Báo cáo – <code>.xlsx', … (their order)."""
    names = []
    for template in templates:
        code = template.stem.rsplit("-", 1)[-1]
        name = f"{len(names):02d} Báo cáo – {code}.xlsx"
        values = sample_values(code, "H1", size=1 if code.isdigit() else 0)
        set_mtime(fill_by_contract(template, root / "inbox" / name, values), datetime(2024, 6, 10))
        names.append(name)
    return names


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one CPU: files are read in-process")
@pytest.mark.parametrize("which", [[14], [0, 1, -1]])  # the middle one; the first two and the last
def test_a_worker_killed_by_one_file_costs_only_that_file(tmp_path, monkeypatch, which):
    from aggregator.pipeline.workers import min_parallel

    monkeypatch.setenv("AGGREGATOR_MIN_PARALLEL", "24")  # the pool for a province's files
    root = tmp_path / "ws"
    templates = [t for t in api.make_templates(root, form="KTCV", period="2024-H1")
                 if "theo-don-vi" in t.parts]
    assert len(templates) > min_parallel()  # enough files for the worker pool
    names = _fill_numbered(root, templates)
    killers = [names[i] for i in which]
    originals = {k: (root / "inbox" / k).read_bytes() for k in killers}
    # their workers die, as on a parser crash
    monkeypatch.setenv("AGGREGATOR_FAULT_READ", "|".join(killers))
    result = api.run(root, date(2024, 7, 1))
    assert [Path(f.name).name for f in result.files] == names  # every file, in order
    status = {Path(f.name).name: f.status for f in result.files}
    assert [status.pop(k) for k in killers] == ["rejected"] * len(killers)
    assert set(status.values()) == {"accepted"}
    for outcome in (f for f in result.files if Path(f.name).name in killers):
        assert [e.code for e in outcome.errors] == ["file-crashed-reader"]
        note = outcome.note.read_text(encoding="utf-8-sig")
        assert "Chương trình đọc tệp bị dừng đột ngột khi mở tệp này" in note
        assert outcome.stored.parent == root / "rejected"
        assert outcome.stored.read_bytes() == originals[Path(outcome.name).name]


# --- 5. files only a second reader opens ----------------------------------------------------------

needs_gnumeric = pytest.mark.skipif(shutil.which("ssconvert") is None,
                                    reason="Gnumeric's ssconvert is not installed (apt: gnumeric)")


def read_values(path: Path) -> dict[str, object]:
    from aggregator.forms import FormRegistry
    from aggregator.read import read_file
    from aggregator.units import UnitRegistry
    from aggregator.validate.validator import check_file

    report = check_file(read_file(path, FormRegistry.default(), UnitRegistry.from_file()))
    assert report.read.identified and not report.errors, [i.message for i in report.issues]
    return report.values


@needs_gnumeric
@pytest.mark.parametrize("suffix", [".ods", ".xlsx", ".xls"])
def test_files_written_by_gnumeric_are_read_like_the_original(good, workspace, tmp_path, suffix):
    out = tmp_path / f"gnumeric{suffix}"
    subprocess.run(["ssconvert", str(good), str(out)], check=True, capture_output=True,
                   timeout=300)
    [outcome] = api.check_files(workspace, [out])
    assert (outcome.errors, outcome.unit, outcome.form) == ([], "STP", "KTCV")
    assert read_values(out) == read_values(good)


@needs_gnumeric
def test_gnumeric_ods_is_one_that_calamine_cannot_parse(good, tmp_path):
    from python_calamine import CalamineWorkbook

    out = tmp_path / "gnumeric.ods"
    subprocess.run(["ssconvert", str(good), str(out)], check=True, capture_output=True,
                   timeout=300)
    with pytest.raises(Exception):  # so the test above really exercises the second reader
        CalamineWorkbook.from_path(str(out)).get_sheet_by_name(DATA_SHEET).to_python()


@needs_libreoffice
def test_an_ods_of_only_mimetype_and_content_is_read(good, workspace, tmp_path):
    from python_calamine import CalamineWorkbook

    ods = libreoffice_convert(good, "ods", tmp_path / "lo")
    bare = tmp_path / "toi-gian.ods"
    with zipfile.ZipFile(ods) as zin, zipfile.ZipFile(bare, "w") as zout:
        zout.writestr("mimetype", zin.read("mimetype"), compress_type=zipfile.ZIP_STORED)
        zout.writestr("content.xml", zin.read("content.xml"), compress_type=zipfile.ZIP_DEFLATED)
    with pytest.raises(Exception):  # calamine wants META-INF/manifest.xml
        CalamineWorkbook.from_path(str(bare))
    [outcome] = api.check_files(workspace, [bare])
    assert (outcome.errors, outcome.unit) == ([], "STP")
    assert read_values(bare) == read_values(good)


def test_an_unreadable_file_is_explained_without_the_library_words(good, workspace, tmp_path):
    def edit(name: str, data: bytes) -> bytes:
        return b"<workbook><sheets><sheet name=" if name == "xl/workbook.xml" else data

    broken = rezip(good, tmp_path / "hỏng.xlsx", edit)
    [outcome] = api.check_files(workspace, [broken])
    [error] = outcome.errors
    assert error.code == "file-unreadable"
    reason = re.fullmatch(r"Không mở được tệp \((.*)\)\. Hãy mở tệp.*", error.message)[1]
    assert reason in {"gói nén của tệp bị hỏng", "nội dung bên trong tệp bị hỏng",
                      "không nhận ra định dạng bảng tính", "tệp bị hỏng hoặc không phải bảng tính"}


@needs_gnumeric
def test_an_xls_filled_far_down_is_refused_after_parsing(good, workspace, tmp_path):
    far = with_far_value(good, tmp_path / "xa.xlsx", "A20000")
    xls = tmp_path / "xa.xls"  # .xls: the guard cannot look inside; the parsed size is checked
    subprocess.run(["ssconvert", str(far), str(xls)], check=True, capture_output=True, timeout=300)
    [outcome] = api.check_files(workspace, [xls])
    [error] = outcome.errors
    assert (error.code, error.sheet, error.cell) == ("file-range-too-large", DATA_SHEET, "A20000")


# --- 6. formulas nobody calculated ----------------------------------------------------------------


def test_a_formula_without_a_computed_value_is_told_as_such(good, workspace, tmp_path):
    wb = openpyxl.load_workbook(good)
    ws = wb[DATA_SHEET]
    rows = {c.value: c.row for c in ws["A"] if isinstance(c.value, str)}
    total = ws.cell(rows["1"], 4)
    total.value = f"=D{rows['1.1']}+D{rows['1.2']}"  # openpyxl stores no computed value
    path = tmp_path / "cong-thuc.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:  # really a formula without a value in the file
        xml = zf.read(DATA_PART).decode()
        assert re.search(rf'<c r="{total.coordinate}"[^>]*><f>[^<]+</f><v\s*/?>(</v>)?</c>', xml)
    [outcome] = api.check_files(workspace, [path])
    [error] = [e for e in outcome.errors if e.cell == total.coordinate]
    assert error.code == "value-formula-not-calculated"
    assert "công thức" in error.message and "Excel" in error.message
    assert "nhập 0" not in error.message
    assert error.indicator == "1"


def _with_empty_indicator(good: Path, out: Path) -> tuple[Path, int]:
    wb = openpyxl.load_workbook(good)
    ws = wb[DATA_SHEET]
    row = next(c.row for c in ws["A"] if c.value == "1.1")
    ws.cell(row, 4).value = None  # an issue, so a feedback copy is wanted
    wb.save(out)
    return out, row


def test_a_workbook_openpyxl_refuses_still_gets_its_feedback_copy(good, tmp_path):
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
    filled, row = _with_empty_indicator(good, tmp_path / "trong.xlsx")

    def edit(name: str, data: bytes) -> bytes:  # calamine reads on, openpyxl refuses the workbook
        if name == DATA_PART:
            return re.sub(rb'defaultRowHeight="[^"]*"', b'defaultRowHeight="cao"', data)
        return data

    path = rezip(filled, root / "inbox" / "chiều cao dòng.xlsx", edit)
    set_mtime(path, datetime(2024, 6, 10))
    [outcome] = api.run(root, date(2024, 7, 1)).files
    assert outcome.status == "rejected"
    copy = openpyxl.load_workbook(outcome.feedback)[DATA_SHEET]  # rebuilt from the values
    assert "Chưa nhập số liệu" in copy.cell(row, 4).comment.text


def test_a_broken_hidden_sheet_costs_the_copy_not_the_run(good, tmp_path):
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
    filled, _ = _with_empty_indicator(good, tmp_path / "trong.xlsx")

    def edit(name: str, data: bytes) -> bytes:  # the hidden dropdown list: the reader skips it
        if name == "xl/worksheets/sheet5.xml":
            return data.replace(b"</sheetData>",
                                b'<row r="90"><c r="A90" t="n"><v>abc</v></c></row></sheetData>')
        return data

    path = rezip(filled, root / "inbox" / "danh mục hỏng.xlsx", edit)
    other = root / "inbox" / "tốt.xlsx"
    other.write_bytes(good.read_bytes())
    for p in (path, other):
        set_mtime(p, datetime(2024, 6, 10))
    files = {Path(f.name).name: f for f in api.run(root, date(2024, 7, 1)).files}
    assert files["tốt.xlsx"].status == "accepted"
    broken = files["danh mục hỏng.xlsx"]
    assert broken.status == "rejected" and broken.feedback is None
    assert "Chưa nhập số liệu" in broken.note.read_text(encoding="utf-8-sig")


def test_a_data_sheet_that_fails_to_parse_fails_the_file_aloud(good, workspace, tmp_path):
    def edit(name: str, data: bytes) -> bytes:
        if name == DATA_PART:
            return data.replace(b"</sheetData>",
                                b'<row r="90"><c r="A90" t="n"><v>abc</v></c></row></sheetData>')
        return data

    broken = rezip(good, tmp_path / "số hỏng.xlsx", edit)
    [outcome] = api.check_files(workspace, [broken])
    # not "no data table found" (the sheet was silently skipped): the file cannot be read
    assert [e.code for e in outcome.errors] == ["file-unreadable"]


def test_a_far_value_in_a_sheet_stored_outside_the_usual_folder_is_refused(good, workspace,
                                                                           tmp_path):
    far = with_far_value(good, tmp_path / "xa.xlsx", "XFD1048576")
    moved = "xl/khac/bieu.xml"

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b'Target="/xl/worksheets/sheet2.xml"', f'Target="/{moved}"'.encode())
        if name == "[Content_Types].xml":
            return data.replace(b'"/xl/worksheets/sheet2.xml"', f'"/{moved}"'.encode())
        return data

    relocated = tmp_path / "doi-cho.xlsx"
    with zipfile.ZipFile(far) as zin, zipfile.ZipFile(relocated, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = moved if info.filename == DATA_PART else info.filename
            zout.writestr(name, edit(info.filename, zin.read(info.filename)))
    with zipfile.ZipFile(relocated) as zf:
        assert moved.encode() in zf.read("xl/_rels/workbook.xml.rels")
    [found] = check_in_subprocess(workspace, relocated)
    [error] = found["errors"]
    assert (error["code"], error["sheet"], error["cell"]) == ("file-range-too-large", DATA_SHEET,
                                                              "XFD1048576")


def test_an_entity_in_a_worksheet_stored_under_another_suffix_is_refused(good, workspace,
                                                                          tmp_path):
    moved = "xl/khac/bieu.dat"
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n')

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b'Target="/xl/worksheets/sheet2.xml"', f'Target="/{moved}"'.encode())
        if name == "[Content_Types].xml":
            return data.replace(b'"/xl/worksheets/sheet2.xml"', f'"/{moved}"'.encode())
        if name == DATA_PART:
            return bomb + re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)
        return data

    relocated = tmp_path / "doi-duoi.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(relocated, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = moved if info.filename == DATA_PART else info.filename
            zout.writestr(name, edit(info.filename, zin.read(info.filename)))
    [outcome] = api.check_files(workspace, [relocated])
    assert [e.code for e in outcome.errors] == ["file-unsafe-xml"]
    assert moved in outcome.errors[0].message


def test_a_small_batch_that_kills_the_run_is_read_one_file_per_worker_next_time(tmp_path):
    """Below MIN_PARALLEL files are read in the run's own process: a parser crash there kills the
    run, and the next run must not die on the same file again and again."""
    from aggregator.api import READING_MARKER

    root = tmp_path / "ws"
    templates = [t for t in api.make_templates(root, form="KTCV", period="2024-H1")
                 if "theo-don-vi" in t.parts][:3]
    names = _fill_numbered(root, templates)
    env = {**os.environ, "AGGREGATOR_FAULT_READ": names[1]}
    command = [sys.executable, "-m", "aggregator", "run", "--workspace", str(root),
               "--as-of", "2024-07-01", "--json"]
    first = subprocess.run(command, capture_output=True, text=True, env=env)
    assert first.returncode != 0  # the run's own process died on the file, as calamine aborting
    assert (root / READING_MARKER).exists()
    assert sorted(p.name for p in (root / "inbox").iterdir()) == names  # nothing lost
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    assert second.returncode == 0, second.stderr
    files = {Path(f["name"]).name: f for f in json.loads(second.stdout)["files"]}
    assert [files[n]["status"] for n in names] == ["accepted", "rejected", "accepted"]
    assert [e["code"] for e in files[names[1]]["errors"]] == ["file-crashed-reader"]
    assert not (root / READING_MARKER).exists()


@needs_libreoffice
def test_a_formula_whose_result_is_an_error_is_told_as_such(good, workspace, tmp_path):
    """#DIV/0! in a value cell: the fast reader sees a blank, which used to be told "not entered,
    enter 0"; the cell's own error is named instead (hostile-clerk finding)."""
    wb = openpyxl.load_workbook(good)
    ws = wb[DATA_SHEET]
    code_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row
                    if c.value == "Mã chỉ tiêu")
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, code_col).value == "13")
    ws.cell(row, code_col + 3).value = "=1/0"
    wb.save(tmp_path / "loi.xlsx")
    saved = libreoffice_convert(tmp_path / "loi.xlsx", "xlsx:Calc MS Excel 2007 XML",
                                tmp_path / "lo")  # LibreOffice stores the error as the result
    [found] = check_in_subprocess(workspace, saved)
    [error] = found["errors"]
    assert (error["code"], error["sheet"], error["cell"]) == (
        "value-formula-error", DATA_SHEET, f"D{row}")
    assert "#DIV/0!" in error["message"] and "nhập 0" not in error["message"]
