"""Configuration and unit-list mistakes, a --workspace that is no workspace, and operating-system
failures: each ends in one Vietnamese line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from aggregator.os_errors import os_error_message, sqlite_error_message
from aggregator.units.sheet import LEVEL_NAMES
from aggregator.workspace.config import ConfigError, load_config
from aggregator.workspace.init import init_workspace

# English a library might leak (case-sensitive: the temporary paths hold lower-case test names).
ENGLISH = re.compile(r"Traceback|Error|validation error|Input should|Errno|at line|Expected")


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, timeout=300)


def refused(proc: subprocess.CompletedProcess) -> str:
    """The one Vietnamese line of a refusal (exit code 2, no traceback, no English)."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Lỗi: ") and not ENGLISH.search(lines[0]), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def initialised(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("init") / "ws"
    init_workspace(root)
    return root


def edited(initialised: Path, tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of the initialised workspace's aggregator.toml with one edit, as a user makes it."""
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
    text = (initialised / "aggregator.toml").read_text(encoding="utf-8")
    assert old in text
    (root / "aggregator.toml").write_text(text.replace(old, new, count), encoding="utf-8")
    (root / "don-vi.xlsx").write_bytes((initialised / "don-vi.xlsx").read_bytes())
    return root


def line_of(root: Path, fragment: str) -> int:
    lines = (root / "aggregator.toml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


# 1. configuration mistakes ---------------------------------------------------------------------
def test_unknown_form_in_a_round_names_the_line_and_the_forms(initialised, tmp_path):
    root = edited(initialised, tmp_path, 'form = "KPKN"', 'form = "KPNK"')
    line = refused(cli("status", "--workspace", str(root)))
    assert f"dòng {line_of(root, 'KPNK')}" in line
    assert "“KPNK”" in line and "CCHC, DKT, KPKN, KTCV" in line


def test_misspelt_key_names_the_line_and_the_valid_keys(initialised, tmp_path):
    root = edited(initialised, tmp_path, "\nposition =", "\npositon =")
    line = refused(cli("run", "--workspace", str(root)))
    assert f"dòng {line_of(root, 'positon')}" in line and "“positon”" in line
    assert "authority, position, name" in line  # the keys of [signer], not of the whole file
    assert not (root / "outbox").exists()  # refused before anything was written


def test_misspelt_keys_report_the_first_in_the_file_and_count_the_rest(initialised, tmp_path):
    root = edited(initialised, tmp_path, "province_name =", "provice_name =")
    text = (root / "aggregator.toml").read_text(encoding="utf-8")
    (root / "aggregator.toml").write_text(text.replace("\nposition =", "\npositon ="),
                                          encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    message = str(caught.value)
    assert f"dòng {line_of(root, 'provice_name')}:" in message and "“provice_name”" in message
    assert "province_name" in message and "(và 1 lỗi khác)" in message


def test_date_written_day_first_asks_for_year_month_day(initialised, tmp_path):
    root = edited(initialised, tmp_path, "deadline = 2024-12-01", 'deadline = "01/12/2024"')
    line = refused(cli("status", "--workspace", str(root)))
    assert f"dòng {line_of(root, '01/12/2024')}" in line and "“deadline”" in line
    assert "YYYY-MM-DD, ví dụ 2024-12-01" in line


def test_unquoted_day_first_date_is_a_syntax_error_with_line_and_column(initialised, tmp_path):
    root = edited(initialised, tmp_path, "deadline = 2024-10-30", "deadline = 30/10/2024")
    line = refused(cli("status", "--workspace", str(root)))
    assert re.search(rf"dòng {line_of(root, '30/10/2024')}, cột \d+", line), line
    assert "YYYY-MM-DD, ví dụ 2024-10-30" in line


def test_toml_syntax_error_is_vietnamese_with_line_and_column(initialised, tmp_path):
    root = edited(initialised, tmp_path, 'archive_code = "VT, CCHC"', 'archive_code = "VT, CCHC')
    line = refused(cli("status", "--workspace", str(root)))
    assert f"dòng {line_of(root, 'archive_code')}, cột" in line
    assert "thiếu dấu ngoặc kép đóng" in line or "ký tự không hợp lệ" in line


def test_invalid_choice_lists_the_valid_values(initialised, tmp_path):
    root = edited(initialised, tmp_path, 'deadline_wording = "by"', 'deadline_wording = "truoc"')
    line = refused(cli("status", "--workspace", str(root)))
    assert f"dòng {line_of(root, 'truoc')}" in line and "“before”, “by”" in line


def test_submitters_matching_no_level_or_group_are_refused(initialised, tmp_path):
    """Before: 'districts' silently dropped the nine districts from the plan."""
    root = edited(initialised, tmp_path, 'submitters = ["agency", "district"]',
                  'submitters = ["agency", "districts"]')
    line = refused(cli("status", "--workspace", str(root)))
    assert f"dòng {line_of(root, 'districts')}" in line and "“districts”" in line
    assert "agency, district, commune" in line and "ubnd-huyen" in line


def test_owner_missing_from_the_unit_list_names_its_line(initialised, tmp_path):
    root = edited(initialised, tmp_path, 'owner = "19"', 'owner = "KHONG-CO"')
    line = refused(cli("status", "--workspace", str(root)))
    assert f"dòng {line_of(root, 'KHONG-CO')}:" in line and "“KHONG-CO” (owner)" in line


def test_a_byte_order_mark_from_notepad_is_accepted(initialised, tmp_path):
    root = edited(initialised, tmp_path, 'name = ""', 'name = "Nguyễn Văn An"')
    text = (root / "aggregator.toml").read_text(encoding="utf-8")
    (root / "aggregator.toml").write_text(text, encoding="utf-8-sig")
    assert (root / "aggregator.toml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_config(root).signer.name == "Nguyễn Văn An"


def test_a_file_not_saved_as_utf8_says_how_to_save_it(initialised, tmp_path):
    root = edited(initialised, tmp_path, 'name = ""', 'name = "Nguyễn Văn An"')
    text = (root / "aggregator.toml").read_text(encoding="utf-8")
    (root / "aggregator.toml").write_bytes(text.encode("utf-16"))
    line = refused(cli("status", "--workspace", str(root)))
    assert "UTF-8" in line and "Notepad" in line


# 1. unit list (don-vi.xlsx) --------------------------------------------------------------------
def _units_edit(initialised: Path, tmp_path: Path, edit) -> Path:
    root = edited(initialised, tmp_path, "", "")
    wb = openpyxl.load_workbook(root / "don-vi.xlsx")
    edit(wb.worksheets[0])
    wb.save(root / "don-vi.xlsx")
    return root


def test_truncated_unit_list_is_explained(initialised, tmp_path):
    root = edited(initialised, tmp_path, "", "")
    data = (root / "don-vi.xlsx").read_bytes()
    (root / "don-vi.xlsx").write_bytes(data[: len(data) // 2])  # a copy cut short
    line = refused(cli("status", "--workspace", str(root)))
    assert "don-vi.xlsx" in line and "bị hỏng" in line


def test_missing_column_of_the_unit_list_is_named(initialised, tmp_path):
    root = _units_edit(initialised, tmp_path, lambda ws: ws.delete_cols(2))  # "Tên đơn vị"
    line = refused(cli("status", "--workspace", str(root)))
    assert "thiếu cột “Tên đơn vị”" in line and "don-vi.xlsx" in line


def test_invalid_level_names_the_row_and_the_valid_levels(initialised, tmp_path):
    def edit(ws):
        ws.cell(5, 3).value = "phòng"

    root = _units_edit(initialised, tmp_path, edit)
    line = refused(cli("status", "--workspace", str(root)))
    assert "dòng 5" in line and "“phòng”" in line
    assert all(f"“{name}”" in line for name in LEVEL_NAMES.values())


def test_invalid_validity_date_names_the_row_and_the_form(initialised, tmp_path):
    def edit(ws):
        ws.cell(7, 7).value = "30/6/2025"  # typed as text where Excel would not take it as a date

    root = _units_edit(initialised, tmp_path, edit)
    line = refused(cli("status", "--workspace", str(root)))
    assert "dòng 7" in line and "“Hiệu lực đến”" in line and "YYYY-MM-DD" in line


def test_damaged_gso_table_is_explained_without_the_library_text(initialised, tmp_path):
    data = (initialised / "don-vi.xlsx").read_bytes()
    damaged = tmp_path / "danh-muc-hanh-chinh.xlsx"
    damaged.write_bytes(data[: len(data) // 3])
    line = refused(cli("units", "import", str(damaged), "--valid-from", "2025-07-01",
                       "--workspace", str(initialised)))
    assert "danh-muc-hanh-chinh.xlsx" in line and "bị hỏng" in line


# 2. the "Cấp" dropdown of don-vi.xlsx ----------------------------------------------------------
def test_level_dropdown_offers_each_level_whole(initialised):
    wb = openpyxl.load_workbook(initialised / "don-vi.xlsx")
    [validation] = wb.worksheets[0].data_validations.dataValidation
    match = re.fullmatch(r"'?([^'!]+)'?!\$A\$1:\$A\$(\d+)", validation.formula1)
    assert match, validation.formula1  # a range, not "a,b,c" that Excel splits at every comma
    source = wb[match.group(1)]
    assert source.sheet_state == "hidden"
    offered = [source.cell(r, 1).value for r in range(1, int(match.group(2)) + 1)]
    assert offered == list(LEVEL_NAMES.values())
    assert "sở, ban, ngành" in offered
    assert "C2" in str(validation.sqref)


# 3. a --workspace that is no workspace is refused by every verb but init and demo --------------
VERBS = {
    "run": ["run"],
    "status": ["status"],
    "report": ["report"],
    "check": ["check", __file__],
    "history": ["history", "--unit", "SNV"],
    "export": ["export", "--unit", "164", "--form", "KTCV", "--period", "2024-H1"],
    "templates": ["templates"],
    "units import": ["units", "import", __file__, "--valid-from", "2025-07-01"],
}


@pytest.mark.parametrize("verb", VERBS)
def test_missing_workspace_is_refused_and_not_created(verb, tmp_path):
    target = tmp_path / "Tong Hop (go nham)"
    line = refused(cli(*VERBS[verb], "--workspace", str(target)))
    assert "không tồn tại" in line and "aggregator init" in line
    assert not target.exists()


@pytest.mark.parametrize("verb", ["run", "templates", "status"])
def test_empty_folder_is_refused_and_left_empty(verb, tmp_path):
    line = refused(cli(*VERBS[verb], cwd=tmp_path))  # the default: the current folder
    assert "chưa phải thư mục làm việc" in line and "aggregator init" in line
    assert list(tmp_path.iterdir()) == []


def test_init_creates_and_then_run_accepts(tmp_path):
    root = tmp_path / "moi"
    assert cli("init", "--workspace", str(root)).returncode == 0
    proc = cli("status", "--workspace", str(root), "--as-of", "2024-07-01")
    assert proc.returncode == 0, proc.stderr


def test_a_workspace_used_before_init_existed_is_accepted(workspace):
    """inbox/ without aggregator.toml: a workspace running on the embedded defaults."""
    proc = cli("status", "--workspace", str(workspace), "--as-of", "2024-07-01")
    assert proc.returncode == 0, proc.stderr


# 4. operating-system failures ------------------------------------------------------------------
def test_name_too_long_is_vietnamese_on_the_command_line(tmp_path):
    long = tmp_path / ("thu-muc-" + "a" * 300)
    for verb in ("init", "run"):
        line = refused(cli(verb, "--workspace", str(long)))
        assert line.startswith("Lỗi: Đường dẫn quá dài") and "a" * 300 in line, line
        assert "ngắn hơn" in line


def test_os_errors_name_the_path_and_what_to_do(tmp_path):
    raised = {}
    try:
        os.mkdir(tmp_path / ("x" * 300))
    except OSError as exc:
        raised[errno.ENAMETOOLONG] = exc
    try:
        open(tmp_path / "khong-co" / "a.txt", encoding="utf-8")
    except OSError as exc:
        raised[errno.ENOENT] = exc
    for code in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EBUSY, 1234):
        raised.setdefault(code, OSError(code, os.strerror(code), str(tmp_path / "bao-cao.docx")))
    expected = {errno.ENOSPC: "Ổ đĩa đã đầy", errno.EROFS: "chỉ cho phép đọc",
                errno.EACCES: "Không có quyền", errno.EPERM: "Không có quyền",
                errno.EBUSY: "đang được chương trình khác sử dụng",
                errno.ENAMETOOLONG: "Đường dẫn quá dài", errno.ENOENT: "Không tìm thấy",
                1234: "Lỗi hệ thống"}
    for code, exc in raised.items():
        message = os_error_message(exc)
        assert expected[code] in message, message
        assert str(exc.filename) in message and os.strerror(code) not in message
        assert "\n" not in message and "Errno" not in message


def test_windows_codes_win_over_the_errno_python_maps_them_to(tmp_path):
    sharing = OSError(errno.EACCES, "The process cannot access the file", str(tmp_path / "a.xlsx"))
    sharing.winerror = 32  # what Windows says when Excel holds the file open
    assert "đang được chương trình khác sử dụng" in os_error_message(sharing)


def test_damaged_ledger_is_one_line_not_a_traceback(initialised, tmp_path):
    root = edited(initialised, tmp_path, "", "")
    (root / "ledger.sqlite3").write_bytes(b"not a database, e.g. a copy cut short" * 100)
    line = refused(cli("status", "--workspace", str(root)))
    assert "ledger.sqlite3" in line and "bị hỏng" in line


def test_sqlite_full_and_read_only_are_the_disk_messages(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.commit()
    conn.execute("PRAGMA max_page_count = 3")  # a full disk, as SQLite meets it
    with pytest.raises(sqlite3.Error) as full:
        for _ in range(10):
            conn.execute("INSERT INTO t VALUES (zeroblob(4000))")
    conn.close()
    assert "Ổ đĩa đã đầy" in sqlite_error_message(full.value)
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as refused_write:
        read_only.execute("INSERT INTO t VALUES (1)")
    read_only.close()
    message = sqlite_error_message(refused_write.value)
    assert "chỉ cho phép đọc" in message and "ledger.sqlite3" in message
    assert str(refused_write.value) not in message


def test_a_misspelt_required_key_is_named_not_only_the_key_it_left_missing(initialised, tmp_path):
    root = edited(initialised, tmp_path, "deadline = 2024-12-01", "dealine = 2024-12-01")
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    message = str(caught.value)
    assert f"dòng {line_of(root, 'dealine')}:" in message
    assert "không có khóa “dealine” (có phải “deadline”?)" in message
