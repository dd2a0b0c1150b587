"""The whole chain through real files: generate → fill as a unit would → run → totals, status, outputs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from aggregator import api
from aggregator.results import RunResult
from tests.conftest import fill_by_contract, sample_values, set_mtime

AS_OF = date(2024, 7, 10)
MISSING = {"SNGV", "171"}
LATE = {"SYT": datetime(2024, 6, 15, 8, 0), "170": datetime(2024, 6, 20, 14, 30)}
WRONG_SUM = "SXD"
ON_TIME = datetime(2024, 6, 14, 23, 59)


@dataclass
class Scenario:
    root: Path
    filled: dict[str, dict[str, object]]  # accepted units → what they typed
    originals: dict[str, bytes]  # inbox name → bytes as dropped
    result: RunResult


def drop_h1_round(root: Path) -> tuple[dict, dict]:
    forms = api.make_templates(root, form="KTCV", period="2024-H1")
    filled, originals = {}, {}
    for template in forms:
        if "theo-don-vi" not in template.parts:
            continue
        code = template.stem.rsplit("-", 1)[-1]
        if code in MISSING:
            continue
        values = sample_values(code, "H1", size=1 if code.isdigit() else 0)
        if code == WRONG_SUM:
            values["1.1"] = int(values["1.1"]) + 2
        name = f"Báo cáo 6 tháng – {code}.xlsx" if code != "164" else "đơn vị/TP Thái Nguyên.xlsx"
        target = fill_by_contract(template, root / "inbox" / name, values)
        set_mtime(target, LATE.get(code, ON_TIME))
        originals[name] = target.read_bytes()
        if code != WRONG_SUM:
            filled[code] = values
    return filled, originals


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("pipeline")
    filled, originals = drop_h1_round(root)
    return Scenario(root, filled, originals, api.run(root, AS_OF))


def h1(result: RunResult):
    return next(r for r in result.rounds if r.period == "2024-H1")


def test_totals_equal_the_sums_of_what_units_filled(scenario):
    round_ = h1(scenario.result)
    codes = [c for c in next(iter(scenario.filled.values())) if c not in ("15", "16", "17", "18")]
    for code in codes:
        expected = sum(int(v[code]) for v in scenario.filled.values())
        assert round_.totals[code] == expected, code
    t = round_.totals
    assert round_.derived["R1"] == pytest.approx((t["9.1"] + t["9.2"]) / t["9"] * 100)
    assert round_.derived["R2"] == pytest.approx(t["8.2.1"] / t["8.2"] * 100)


def test_missing_late_and_rejected_units_are_named(scenario):
    round_ = h1(scenario.result)
    assert round_.expected == 29
    assert round_.submitted == 26
    assert set(round_.missing) == MISSING
    assert round_.rejected == [WRONG_SUM]
    assert set(round_.late_units) == set(LATE)
    assert round_.on_time == 24 and round_.late == 2


def test_every_original_is_kept_byte_for_byte(scenario):
    root = scenario.root
    assert [p for p in (root / "inbox").rglob("*") if p.is_file()] == []
    kept = {p.read_bytes() for p in (root / "archive").rglob("*.xlsx")}
    kept |= {p.read_bytes() for p in (root / "rejected").glob("*.xlsx")}
    assert set(scenario.originals.values()) <= kept
    statuses = [f.status for f in scenario.result.files]
    assert statuses.count("accepted") == 26 and statuses.count("rejected") == 1


def test_rejected_file_has_a_vietnamese_explanation_naming_the_cell(scenario):
    rejected = next(f for f in scenario.result.files if f.status == "rejected")
    assert rejected.unit == WRONG_SUM
    assert rejected.stored.parent == scenario.root / "rejected"
    assert rejected.stored.read_bytes() == scenario.originals[rejected.name]
    issue = rejected.errors[0]
    assert (issue.code, issue.sheet, issue.cell, issue.indicator) == (
        "rule-sum-mismatch", "Biểu KTCV", "D5", "1")
    note = rejected.note.read_text(encoding="utf-8-sig")
    assert "CHƯA ĐƯỢC TIẾP NHẬN" in note and "ô D5" in note
    assert "Chỉ tiêu 1 phải bằng tổng các chỉ tiêu 1.1 và 1.2" in note


def test_word_report_reopens_and_carries_the_totals(scenario):
    round_ = h1(scenario.result)
    docx = next(p for p in round_.outputs if p.suffix == ".docx")
    doc = Document(str(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    inspections = f"{int(round_.totals['1']):,}".replace(",", ".")
    dossiers = f"{int(round_.totals['8']):,}".replace(",", ".")
    assert f"thực hiện {inspections} cuộc kiểm tra công vụ" in text
    assert "báo cáo của 26/29 cơ quan, đơn vị, địa phương" in text
    assert "Sở Ngoại vụ" in text and "UBND huyện Đại Từ" in text  # missing, by name
    assert dossiers in cells
    assert "{{" not in text + cells and "{%" not in text + cells
    assert "Số:" in cells and "/BC-SNV" in cells and "Độc lập - Tự do - Hạnh phúc" in cells


def test_summary_workbook_reopens_with_the_totals(scenario):
    round_ = h1(scenario.result)
    xlsx = next(p for p in round_.outputs if p.suffix == ".xlsx")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Tổng hợp", "Theo đơn vị", "Chi tiết theo đơn vị",
                             "Tình hình nộp báo cáo", "Lỗi, cảnh báo", "Ý kiến đơn vị", "Biểu đồ"]
    ws = wb["Tổng hợp"]
    found = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(5, ws.max_row + 1)}
    assert found["5"] == round_.totals["5"]
    assert found["9.1"] == round_.totals["9.1"]
    status = wb["Tình hình nộp báo cáo"]
    rows = {status.cell(r, 2).value: status.cell(r, 6).value for r in range(2, status.max_row + 1)
            if isinstance(status.cell(r, 1).value, int) and isinstance(status.cell(r, 2).value, str)}
    assert rows["SNGV"] == "Chưa nộp" and rows["SYT"] == "Muộn" and rows[WRONG_SUM] == "Bị trả lại"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"


def test_rerun_with_nothing_new_changes_nothing(scenario):
    again = api.run(scenario.root, AS_OF)
    assert again.files == []
    assert h1(again).totals == h1(scenario.result).totals


def test_status_reads_the_ledger_without_ingesting(scenario):
    result = api.status(scenario.root, AS_OF)
    assert result.files == [] and h1(result).outputs == []
    assert h1(result).to_dict() | {"outputs": []} == h1(scenario.result).to_dict() | {"outputs": []}


def test_corrected_resubmission_and_newer_version_supersede(tmp_path: Path):
    root = tmp_path / "ws"
    filled, _ = drop_h1_round(root)
    api.run(root, AS_OF)
    template = root / "outbox/bieu-mau/2024-H1/theo-don-vi"
    fixed = sample_values(WRONG_SUM, "H1")
    fill_by_contract(template / f"KTCV-2024-H1-{WRONG_SUM}.xlsx", root / "inbox/sua.xlsx", fixed)
    newer = dict(filled["SNV"])
    newer["13"] = int(newer["13"]) + 100
    fill_by_contract(template / "KTCV-2024-H1-SNV.xlsx", root / "inbox/snv-v2.xlsx", newer)
    set_mtime(root / "inbox/sua.xlsx", datetime(2024, 6, 30, 9, 0))
    set_mtime(root / "inbox/snv-v2.xlsx", datetime(2024, 6, 30, 9, 0))
    result = api.run(root, AS_OF)
    round_ = h1(result)
    assert round_.rejected == [] and round_.submitted == 27
    assert WRONG_SUM in round_.late_units  # its first accepted version came after the deadline
    assert "SNV" not in round_.late_units  # timeliness counts from the first accepted version
    expected = sum(int(v["13"]) for v in filled.values()) + 100 + int(fixed["13"])
    assert round_.totals["13"] == expected


def test_exact_duplicate_is_kept_but_not_counted_twice(tmp_path: Path, blank_ktcv: Path):
    root = blank_ktcv.parents[3]
    values = sample_values("STP")
    first = fill_by_contract(blank_ktcv, root / "inbox/a.xlsx", values, unit="STP", period="2024-H1")
    data = first.read_bytes()
    set_mtime(first, ON_TIME)
    api.run(root, AS_OF)
    (root / "inbox/copy of a.xlsx").write_bytes(data)
    result = api.run(root, AS_OF)
    assert [f.status for f in result.files] == ["duplicate"]
    assert result.files[0].stored.read_bytes() == data
    assert h1(result).totals["13"] == values["13"]
