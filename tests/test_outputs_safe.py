"""Writing outputs safely: an output open in another program or edited by the clerk is never
overwritten (the new one goes beside it, with a Vietnamese notice), the re-run shortcut sees every
input the outputs depend on, and the verbs that write into the workspace respect its lock."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from filelock import FileLock
from typer.testing import CliRunner

from aggregator import api
from aggregator.cli import app
from aggregator.pipeline import runlog
from aggregator.render.safe_write import OutputLocked, write_replacing
from aggregator.workspace.init import init_workspace
from tests.conftest import fill_by_contract, sample_values, set_mtime
from tests.test_pipeline import ON_TIME

AS_OF = date(2024, 7, 10)
UNITS = ("STP", "SYT")


def drop_reports(root: Path, units: tuple[str, ...] = UNITS,
                 texts: dict[str, str] | None = None) -> None:
    """KTCV 2024-H1 from `units`, filled as their clerks would, into the inbox."""
    for template in api.make_templates(root, form="KTCV", period="2024-H1"):
        code = template.stem.rsplit("-", 1)[-1]
        if "theo-don-vi" in template.parts and code in units:
            filled = fill_by_contract(template, root / "inbox" / f"KTCV {code}.xlsx",
                                      sample_values(code) | (texts or {}))
            set_mtime(filled, ON_TIME)


@pytest.fixture
def ran(tmp_path: Path) -> tuple[Path, api.RunResult]:
    root = tmp_path / "ws"
    init_workspace(root)
    drop_reports(root)
    return root, api.run(root, AS_OF)


def h1(result) -> api.RoundOutcome:
    return next(r for r in result.rounds if r.form == "KTCV" and r.period == "2024-H1")


def word_report(root: Path) -> Path:
    return root / "outbox" / "2024-H1" / "bao-cao-KTCV-2024-H1.docx"


def log_text(root: Path) -> str:
    return (root / runlog.LOG_FILE).read_text(encoding="utf-8-sig")


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """The file cannot be replaced, renamed or written — as Excel's lock on Windows — even for root."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not permitted here (needs root and a supporting file system)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


# 1. an output open in another program --------------------------------------------------------
def test_write_replacing_leaves_the_good_file_when_writing_fails(tmp_path: Path):
    target = tmp_path / "tong-hop.xlsx"
    target.write_bytes(b"good")

    def half_written(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("crashed while writing")

    with pytest.raises(RuntimeError):
        write_replacing(target, half_written)
    assert target.read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tong-hop.xlsx"]  # no temp file left


def test_locked_target_is_a_vietnamese_output_locked(tmp_path: Path):
    target = tmp_path / "bao-cao.docx"
    target.write_bytes(b"old")
    with immutable(target), pytest.raises(OutputLocked) as caught:
        write_replacing(target, lambda tmp: tmp.write_bytes(b"new"))
    assert "đang mở trong chương trình khác" in str(caught.value)
    assert "Errno" not in str(caught.value)
    assert target.read_bytes() == b"old"


def test_summary_open_in_excel_does_not_stop_the_run(ran):
    root, _ = ran
    summary = root / "outbox" / "2024-H1" / "tong-hop-KTCV-2024-H1.xlsx"
    before = summary.read_bytes()
    drop_reports(root, ("SNV",))  # something new, so the run renders again
    with immutable(summary):
        result = api.run(root, AS_OF)
    assert summary.read_bytes() == before
    beside = summary.with_name("tong-hop-KTCV-2024-H1-moi.xlsx")
    assert beside in h1(result).outputs
    assert openpyxl.load_workbook(beside).sheetnames  # a real workbook, complete
    assert word_report(root) in h1(result).outputs  # every other output written as usual
    assert h1(result).submitted == 3
    assert len(result.notices) == 1 and "đang mở trong chương trình khác" in result.notices[0]
    assert "tong-hop-KTCV-2024-H1-moi.xlsx" in result.notices[0]
    assert "aggregator report" in result.notices[0]
    assert result.notices[0] in log_text(root)


def test_report_with_an_open_word_report_keeps_it_and_writes_moi_2_when_moi_is_open(ran):
    root, _ = ran
    report = word_report(root)
    api.report(root, AS_OF)  # nothing changed: the same names again, no notice
    moi = report.with_name("bao-cao-KTCV-2024-H1-moi.docx")
    assert not moi.exists()
    with immutable(report):
        first = api.report(root, AS_OF)
        assert moi in h1(first).outputs
        with immutable(moi):
            second = api.report(root, AS_OF)
    moi_2 = report.with_name("bao-cao-KTCV-2024-H1-moi-2.docx")
    assert moi_2 in h1(second).outputs
    assert "2024-H1/bao-cao-KTCV-2024-H1.docx, 2024-H1/bao-cao-KTCV-2024-H1-moi.docx đang mở" \
        in second.notices[0]
    assert "bản mới đã ghi thành 2024-H1/bao-cao-KTCV-2024-H1-moi-2.docx" in second.notices[0]


def test_cli_report_prints_the_notice_in_vietnamese(ran):
    root, _ = ran
    with immutable(word_report(root)):
        out = CliRunner().invoke(app, ["report", "--workspace", str(root), "--as-of", "2024-07-10"])
    assert out.exit_code == 0, out.output
    assert "Traceback" not in out.output and "Errno" not in out.output
    assert "đang mở trong chương trình khác" in " ".join(out.output.split())


# 2. an output the clerk edited -----------------------------------------------------------------
def test_edited_word_report_is_kept_and_the_new_one_goes_beside_it(ran):
    root, _ = ran
    report = word_report(root)
    doc = Document(str(report))
    doc.add_paragraph("Số: 123/BC-SNV")  # the clerk fills in the number, as the guide says
    doc.save(str(report))
    edited = report.read_bytes()
    result = api.report(root, AS_OF)
    assert report.read_bytes() == edited
    beside = report.with_name("bao-cao-KTCV-2024-H1-moi.docx")
    assert beside in h1(result).outputs and beside.exists()
    assert "Số: 123/BC-SNV" not in "\n".join(p.text for p in Document(str(beside)).paragraphs)
    notice = next(n for n in result.notices if "bao-cao-KTCV-2024-H1.docx" in n)
    assert "đã được sửa" in notice and "bao-cao-KTCV-2024-H1-moi.docx" in notice
    assert notice in log_text(root)
    again = api.report(root, AS_OF)  # the -moi file is ours: rewritten in place, not -moi-2
    assert beside in h1(again).outputs
    assert not report.with_name("bao-cao-KTCV-2024-H1-moi-2.docx").exists()
    assert report.read_bytes() == edited


def test_run_re_renders_when_an_output_was_edited(ran):
    root, _ = ran
    summary = root / "outbox" / "2024-H1" / "tong-hop-KTCV-2024-H1.xlsx"
    wb = openpyxl.load_workbook(summary)
    wb.active["A1"] = "đã sửa tay"
    wb.save(summary)
    result = api.run(root, AS_OF)  # nothing new in the inbox
    assert summary.with_name("tong-hop-KTCV-2024-H1-moi.xlsx") in h1(result).outputs
    assert openpyxl.load_workbook(summary).active["A1"].value == "đã sửa tay"


def test_deleted_output_is_written_again_by_a_rerun(ran):
    root, _ = ran
    word_report(root).unlink()
    result = api.run(root, AS_OF)
    assert word_report(root).exists() and word_report(root) in h1(result).outputs
    assert result.notices == []


# 4. the re-run shortcut sees the unit list -----------------------------------------------------
def test_rerun_after_removing_a_unit_counts_the_new_list(ran):
    root, first = ran
    assert h1(first).expected == 29
    path = root / "don-vi.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    row = next(c.row for c in ws["A"] if c.value == "SNGV")
    ws.delete_rows(row)
    wb.save(path)
    assert h1(api.status(root, AS_OF)).expected == 28
    assert h1(api.run(root, AS_OF)).expected == 28


# 3. verbs that write into the workspace wait for a run to finish -------------------------------
@pytest.mark.parametrize("args", [
    ["report", "--as-of", "2024-07-10"],
    ["templates", "--form", "KTCV", "--period", "2024-H1"],
    ["export", "--unit", "STP", "--form", "KTCV", "--period", "2024-H1", "--as-of", "2024-07-10"],
])
def test_writing_verbs_are_refused_while_a_run_holds_the_lock(ran, args):
    root, _ = ran
    outbox_before = sorted(p for p in (root / "outbox").rglob("*") if p.is_file())
    with FileLock(str(root / ".aggregator.lock")):
        out = CliRunner().invoke(app, [*args, "--workspace", str(root)])
    assert out.exit_code == 2, out.output
    lines = [line for line in out.output.splitlines() if line.strip()]
    assert "đang chạy" in " ".join(lines) and "Traceback" not in out.output
    assert lines[0].startswith("Lỗi:") and out.output.count("Lỗi") == 1  # one message, wrapped
    assert sorted(p for p in (root / "outbox").rglob("*") if p.is_file()) == outbox_before


def test_pdf_open_in_a_reader_is_kept_and_the_new_one_goes_beside_it(ran):
    from aggregator.render.output_guard import OutputGuard
    from aggregator.render.word.pdf import find_soffice, to_pdf

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    root, _ = ran
    report = word_report(root)
    pdf = to_pdf([report])[0]
    assert pdf == report.with_suffix(".pdf") and pdf.read_bytes().startswith(b"%PDF")
    before = pdf.read_bytes()
    guard = OutputGuard(root / "outbox")
    with immutable(pdf):
        again = to_pdf([report], guard=guard)
    assert pdf.read_bytes() == before
    assert again == [pdf.with_name("bao-cao-KTCV-2024-H1-moi.pdf")]
    assert again[0].read_bytes().startswith(b"%PDF")
    assert "đang mở trong chương trình khác" in guard.notices[0]


# 5. long texts and invisible controls in units' answers -----------------------------------------
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = BIDI + "\u200b\ufeff\x07"
WORDS = "Tăng cường kỷ luật, kỷ cương hành chính tại bộ phận một cửa. "


def test_long_unit_text_is_cut_in_the_word_report_and_whole_in_the_summary(tmp_path: Path):
    root = tmp_path / "ws"
    init_workspace(root)
    long_text = "\u202eĐọc ngược\u202c " + WORDS * (100_000 // len(WORDS) + 1)
    assert len(long_text) > 100_000
    drop_reports(root, ("STP",), texts={"15": long_text, "16": f"Thiếu\u2067 {BIDI}nhân\u200b lực"})
    result = api.run(root, AS_OF)
    assert h1(result).submitted == 1
    doc = Document(str(word_report(root)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert len(text) < 20_000  # was the whole text: tens of pages
    quoted = next(p.text for p in doc.paragraphs if "Đọc ngược" in p.text)
    assert len(quoted) < 1_400
    assert "…" in quoted and "tong-hop-KTCV-2024-H1.xlsx" in quoted and "Sở Tư pháp" in quoted
    assert "Thiếu nhân lực (Sở Tư pháp)." in text
    assert not any(ch in text for ch in INVISIBLE)

    summary = openpyxl.load_workbook(root / "outbox" / "2024-H1" / "tong-hop-KTCV-2024-H1.xlsx")
    rows = [r for r in summary["Ý kiến đơn vị"].iter_rows(min_row=2, values_only=True) if r[0]]
    whole = " ".join(r[3] for r in rows if r[0] == "15")
    stored = long_text[:32_767]  # what a cell of the unit's workbook holds (Excel's limit)
    assert " ".join(whole.split()) == " ".join(stored.replace("\u202e", "").replace(
        "\u202c", "").split())  # the whole text, over as many cells as Excel needs
    assert all(len(r[3]) <= 32_767 for r in rows)
    assert not any(ch in str(cell) for r in rows for cell in r for ch in INVISIBLE)
    assert [r[3] for r in rows if r[0] == "16"] == ["Thiếu nhân lực"]


def test_unsaved_render_state_is_a_notice_not_a_crash(ran):
    root, _ = ran
    state = root / "outbox" / api.RENDER_STATE
    with immutable(state):
        result = api.report(root, AS_OF)
    assert word_report(root) in h1(result).outputs
    assert any(api.RENDER_STATE in n and "lần chạy sau" in n for n in result.notices)


def test_unwritable_outbox_folder_is_one_vietnamese_line_from_report(ran):
    root, _ = ran
    folder = root / "outbox" / "2024-H1"
    with immutable(folder):  # nothing can be created in it
        out = CliRunner().invoke(app, ["report", "--workspace", str(root),
                                       "--as-of", "2024-07-10"])
    assert out.exit_code == 2
    assert "Traceback" not in out.output and "Errno" not in out.output
    assert "không được phép ghi" in " ".join(out.output.split())


def test_outputs_of_rounds_whose_inputs_did_not_change_are_not_written_again(tmp_path):
    """Issue 16: a late file for 2024 rewrites 2024's outputs, not those of a round two years
    before (a round's outputs depend on its year's rounds and the year before's)."""
    root = tmp_path / "ws"
    init_workspace(root)
    config = root / "aggregator.toml"
    config.write_text(config.read_text(encoding="utf-8") + (
        '\n[[rounds]]\nform = "KTCV"\nperiod = "2022-H1"\nwindow_start = 2021-12-15\n'
        'window_end = 2022-06-14\ndeadline = 2022-06-15\nsubmitters = ["agency", "district"]\n'),
        encoding="utf-8")
    first = api.run(root, AS_OF)
    old = next(r for r in first.rounds if r.period == "2022-H1")
    assert old.outputs
    stamps = {p: p.stat().st_mtime_ns for r in first.rounds for p in r.outputs}
    drop_reports(root)
    second = api.run(root, AS_OF)
    assert next(r for r in second.rounds if r.period == "2022-H1").outputs == old.outputs
    assert all(p.stat().st_mtime_ns == stamps[p] for p in old.outputs)  # not written again
    assert h1(second).submitted == 2
    assert all(p.stat().st_mtime_ns != stamps[p] for p in h1(second).outputs if p in stamps)
    forced = api.report(root, AS_OF)  # on request, everything is written again
    assert next(r for r in forced.rounds if r.period == "2022-H1").outputs == old.outputs
    assert any(p.stat().st_mtime_ns != stamps[p] for p in old.outputs)
