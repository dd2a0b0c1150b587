"""The console script as users and scripts call it: exit codes, --json on stdout, Vietnamese errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from filelock import FileLock

from aggregator import api
from tests.conftest import fill_by_contract, sample_values, set_mtime
from tests.test_pipeline import ON_TIME


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=300)


def test_run_json_is_one_document_equal_to_the_library_result(blank_ktcv: Path):
    root = blank_ktcv.parents[3]
    f = fill_by_contract(blank_ktcv, root / "inbox/stp.xlsx", sample_values("STP"), "STP", "2024-H1")
    set_mtime(f, ON_TIME)
    proc = cli("run", "--workspace", str(root), "--as-of", "2024-07-01", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    [file] = doc["files"]
    assert (file["status"], file["unit"], file["form"], file["period"], file["late"]) == (
        "accepted", "STP", "KTCV", "2024-H1", False)
    assert len(file["sha256"]) == 64
    assert "Tệp đã xử lý" in proc.stderr  # the human table goes to stderr
    status = cli("status", "--workspace", str(root), "--as-of", "2024-07-01", "--json")
    library = api.status(root, date(2024, 7, 1)).to_dict()
    assert json.loads(status.stdout) == json.loads(json.dumps(library, ensure_ascii=False))
    round_ = next(r for r in doc["rounds"] if r["period"] == "2024-H1")
    assert round_["submitted"] == 1 and round_["expected"] == 29 and "STP" not in round_["missing"]
    assert round_["totals"]["13"] == sample_values("STP")["13"]


def test_check_json_reports_issue_positions(blank_ktcv: Path, tmp_path: Path):
    values = sample_values("STP") | {"1": 10_000}
    f = fill_by_contract(blank_ktcv, tmp_path / "sai.xlsx", values, "STP", "2024-H1")
    proc = cli("check", str(f), "--workspace", str(blank_ktcv.parents[3]), "--json")
    assert proc.returncode == 0
    [file] = json.loads(proc.stdout)["files"]
    assert file["status"] == "invalid"
    assert file["errors"][0] | {"message": ""} == {
        "code": "rule-sum-mismatch", "severity": "error", "sheet": "Biểu KTCV", "cell": "D5",
        "indicator": "1", "message": ""}
    assert f.exists()  # check never ingests or moves


def test_second_concurrent_run_is_refused_with_a_message(workspace: Path):
    with FileLock(str(workspace / ".aggregator.lock")):
        proc = cli("run", "--workspace", str(workspace))
    assert proc.returncode != 0
    assert "đang chạy" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_config_is_one_vietnamese_line(workspace: Path):
    (workspace / "aggregator.toml").write_text("province_name = [\n", encoding="utf-8")
    proc = cli("status", "--workspace", str(workspace))
    assert proc.returncode == 2
    assert "Tệp cấu hình" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_as_of_is_refused(workspace: Path):
    proc = cli("status", "--workspace", str(workspace), "--as-of", "31/12/2024")
    assert proc.returncode == 2 and "--as-of" in proc.stderr


def test_templates_command_writes_forms(workspace: Path):
    proc = cli("templates", "--workspace", str(workspace), "--period", "2024-Y", "--blank-only")
    assert proc.returncode == 0, proc.stderr
    assert (workspace / "outbox/bieu-mau/2024-Y/KTCV-2024-Y.xlsx").exists()


def test_status_reads_a_round_as_typed_and_refuses_one_it_does_not_have(workspace: Path):
    typed = cli("status", "--workspace", str(workspace), "--form", "ktcv", "--period", "2024-h1",
                "--as-of", "2024-07-01", "--json")
    assert typed.returncode == 0, typed.stderr
    [round_] = json.loads(typed.stdout)["rounds"]
    assert (round_["form"], round_["period"]) == ("KTCV", "2024-H1")
    unknown = cli("status", "--workspace", str(workspace), "--form", "XYZ", "--period", "2025-Y")
    assert unknown.returncode == 2
    lines = [line for line in unknown.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Không có kỳ báo cáo “XYZ 2025-Y”" in lines[0]
    assert "KTCV 2024-H1" in lines[0] and "Traceback" not in unknown.stderr


def test_check_says_what_a_path_is_when_it_is_not_a_file(workspace: Path, tmp_path: Path):
    folder = tmp_path / "thư mục"
    folder.mkdir()
    said = cli("check", str(folder), "--workspace", str(workspace))
    assert said.returncode == 2 and "là thư mục, không phải tệp" in said.stderr
    absent = cli("check", str(tmp_path / "không có.xlsx"), "--workspace", str(workspace))
    assert absent.returncode == 2 and "Không tìm thấy tệp" in absent.stderr
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "ống.xlsx")
        fifo = cli("check", str(tmp_path / "ống.xlsx"), "--workspace", str(workspace))
        assert fifo.returncode == 2 and "không phải tệp bảng tính thông thường" in fifo.stderr


def test_history_takes_a_name_and_suggests_codes(workspace: Path):
    by_name = cli("history", "--unit", "Sở Tư pháp", "--workspace", str(workspace), "--json")
    assert by_name.returncode == 0, by_name.stderr
    typo = cli("history", "--unit", "So Tu phap tinh", "--workspace", str(workspace))
    assert typo.returncode == 2
    assert "Không có đơn vị “So Tu phap tinh”" in typo.stderr and "STP – Sở Tư pháp" in typo.stderr
    shared = cli("history", "--unit", "Phường Trung Thành", "--workspace", str(workspace))
    assert shared.returncode == 2 and "05476" in shared.stderr and "05899" in shared.stderr


def test_export_says_how_many_units_its_roll_up_holds(blank_ktcv: Path):
    root = blank_ktcv.parents[3]
    f = fill_by_contract(blank_ktcv, root / "inbox/stp.xlsx", sample_values("STP"), "STP", "2024-H1")
    set_mtime(f, datetime(2024, 6, 10, 9))
    assert cli("run", "--workspace", str(root), "--as-of", "2024-07-01").returncode == 0
    exported = api.export(root, "19", "KTCV", "2024-H1", date(2024, 7, 1))
    assert exported.path.exists() and exported.included == ["STP"]
    assert len(exported.missing) == 28 and "SNV" in exported.missing
    assert exported.coverage.startswith("Đã tổng hợp 1/29 đơn vị; còn thiếu 28 đơn vị: ")
