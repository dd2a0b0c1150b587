"""Intake that loses nothing and hides nothing: every inbox entry ends with a status and a reason,
one file's trouble never fails the run, the archive always holds the bytes the ledger names, file
times are read in Vietnam's time, and long Vietnamese names are stored."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from aggregator import api
from aggregator.intake import scan
from aggregator.intake.archive import CHANGED, MAX_NAME_BYTES
from aggregator.ledger import Ledger
from aggregator.pipeline import faults
from aggregator.pipeline.runlog import LOG_FILE
from tests.conftest import fill_by_contract, sample_values, set_mtime

AS_OF = date(2024, 7, 1)
ON_TIME = datetime(2024, 6, 10, 9)
FAST = "settle_seconds = 0\n"
# Issue codes these tests produce (the corpus test checks every code is produced somewhere).
COVERED = {"file-saved-after-run-date", "file-internal-error", "feedback-copy-failed",
           "file-older-than-in-force"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("forms") / "ws"
    return {p.stem.rsplit("-", 1)[-1]: p for p in
            api.make_templates(root, form="KTCV", period="2024-H1") if "theo-don-vi" in p.parts}


def _workspace(tmp_path: Path, forms: dict[str, Path], files: dict[str, str],
               config: str = FAST, wrong_sum: tuple[str, ...] = ()) -> Path:
    """A workspace whose inbox holds `files` (inbox name → unit code), each a filled KTCV 2024-H1
    form saved on time; units in `wrong_sum` send a total that does not add up."""
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
    (root / "aggregator.toml").write_text(config, encoding="utf-8")
    for name, code in files.items():
        values = sample_values(code)
        if code in wrong_sum:
            values["1"] = int(values["1"]) + 1
        set_mtime(fill_by_contract(forms[code], root / "inbox" / name, values), ON_TIME)
    return root


def _by_name(result) -> dict:
    return {f.name: f for f in result.files}


def _archive_matches_ledger(root: Path) -> None:
    with Ledger(root / "ledger.sqlite3") as ledger:
        rows = ledger.conn.execute("SELECT sha256, stored_path FROM submissions").fetchall()
    assert rows
    for sha, stored in rows:
        assert _sha(Path(stored)) == sha, stored


# 1. nothing skipped in silence ---------------------------------------------------------------
def test_every_inbox_entry_is_reported_with_a_status_and_a_reason(tmp_path, forms):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP", "đang lưu.xlsx": "SNV"})
    inbox = root / "inbox"
    (inbox / ".ẩn.xlsx").write_bytes(b"hidden")
    (inbox / "~$STP.xlsx").write_bytes(b"lock")
    (inbox / "tải dở.tmp").write_bytes(b"partial")
    (inbox / ".git").mkdir()
    (inbox / ".git" / "bên trong.xlsx").write_bytes(b"x")
    expected = {".ẩn.xlsx": scan.HIDDEN, "~$STP.xlsx": scan.LOCK_FILE, "tải dở.tmp": scan.TEMPORARY,
                ".git/": scan.HIDDEN_FOLDER}
    if os.name == "posix":  # links need privileges on Windows, which has no FIFOs
        (inbox / "lối tắt.xlsx").symlink_to(inbox / "STP.xlsx")
        (inbox / "hỏng.xlsx").symlink_to(inbox / "không có.xlsx")  # dangling
        os.mkfifo(inbox / "đường ống.xlsx")  # not a regular file: opening it would block
        expected |= {"lối tắt.xlsx": scan.LINK, "hỏng.xlsx": scan.LINK,
                     "đường ống.xlsx": scan.NOT_A_FILE}
    growing = inbox / "đang lưu.xlsx"

    def still_saving(subject: Path | None) -> None:  # the unit's program writes while we hash
        if subject == growing:
            with growing.open("ab") as f:
                f.write(b"more")

    with faults.on("hash", still_saving):
        result = api.run(root, AS_OF)
    files = _by_name(result)
    assert files["STP.xlsx"].status == "accepted"
    assert {n: (f.status, f.reason) for n, f in files.items() if f.status == "ignored"} == {
        n: ("ignored", reason) for n, reason in expected.items()}
    assert (files["đang lưu.xlsx"].status, files["đang lưu.xlsx"].reason) == (
        "waiting", scan.BEING_WRITTEN)
    assert result.unsettled == ["đang lưu.xlsx"]
    # all still in the inbox, untouched
    assert growing.exists() and (inbox / "~$STP.xlsx").read_bytes() == b"lock"
    document = result.to_dict()
    assert {f["name"]: f["reason"] for f in document["files"]}["~$STP.xlsx"] == scan.LOCK_FILE
    log = (root / LOG_FILE).read_text(encoding="utf-8-sig")
    assert "1 tệp mới" in log and f"{len(expected)} bỏ qua, 1 để lần chạy sau" in log
    assert f"Bỏ qua 1 tệp – {scan.LOCK_FILE}: ~$STP.xlsx" in log
    if os.name == "posix":
        assert f"Bỏ qua 2 tệp – {scan.LINK}: hỏng.xlsx, lối tắt.xlsx" in log
    assert f"Để lại inbox cho lần chạy sau 1 tệp – {scan.BEING_WRITTEN}: đang lưu.xlsx" in log


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads every file whatever its permissions")
def test_an_unreadable_folder_is_reported(tmp_path, forms):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP"})
    closed = root / "inbox" / "khóa"
    closed.mkdir()
    closed.chmod(0)
    try:
        result = api.run(root, AS_OF)
    finally:
        closed.chmod(0o755)
    assert _by_name(result)["khóa/"].reason == scan.NO_ACCESS


def test_the_screen_groups_ignored_entries_by_reason(tmp_path, forms):
    from typer.testing import CliRunner

    from aggregator.cli import app

    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP"})
    for name in ("~$a.xlsx", "~$b.xlsx"):
        (root / "inbox" / name).write_bytes(b"lock")
    out = CliRunner().invoke(app, ["run", "--workspace", str(root), "--as-of", "2024-07-01"],
                             env={"COLUMNS": "300"})
    assert out.exit_code == 0, out.output
    assert f"Bỏ qua 2 tệp – {scan.LOCK_FILE}: ~$a.xlsx, ~$b.xlsx" in out.output
    assert "1 tệp mới" in out.output and "Ngoài ra: 2 bỏ qua." in out.output


# 2. a file saved after the run's clock ----------------------------------------------------------
def test_a_file_saved_after_the_run_date_is_counted_with_a_warning(tmp_path, forms):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP"})
    set_mtime(root / "inbox" / "STP.xlsx", datetime(2024, 7, 5, 10))  # after --as-of
    result = api.run(root, AS_OF)
    [outcome] = result.files
    assert outcome.status == "accepted"
    [warning] = [w for w in outcome.warnings if w.code == "file-saved-after-run-date"]
    assert "Ngày lưu tệp 05/7/2024 10:00 muộn hơn ngày tổng hợp 01/7/2024" in warning.message
    [round_] = [r for r in result.rounds if r.period == "2024-H1"]
    assert "STP" not in round_.missing and round_.submitted == 1 and round_.late == 1
    assert round_.totals["1"] == sample_values("STP")["1"]  # its numbers are in


def test_a_correction_saved_before_the_version_in_force_is_told_it_does_not_replace_it(
        tmp_path, forms):
    """A PC whose clock was years ahead saved the first version; the correction, saved later on a
    right clock, has the older time: the newest save stays in force — but never without a word."""
    root = _workspace(tmp_path, forms, {"v1.xlsx": "STP"})
    set_mtime(root / "inbox" / "v1.xlsx", datetime(2030, 1, 1, 8))
    api.run(root, AS_OF)
    corrected = sample_values("STP")
    corrected["1.1"], corrected["1"] = int(corrected["1.1"]) + 1, int(corrected["1"]) + 1
    set_mtime(fill_by_contract(forms["STP"], root / "inbox" / "v2.xlsx", corrected),
              datetime(2024, 6, 30, 9))
    [outcome] = api.run(root, date(2024, 7, 8)).files
    assert outcome.status == "accepted"
    [warning] = [w for w in outcome.warnings if w.code == "file-older-than-in-force"]
    assert "“v1.xlsx”" in warning.message and "lưu lại rồi chép vào inbox" in warning.message
    # saved again (a new modification time; one more figure changed, so that it is not the same
    # bytes as v2 whatever second openpyxl stamps), it replaces the first version
    corrected["1.2"], corrected["1"] = int(corrected["1.2"]) + 1, int(corrected["1"]) + 1
    set_mtime(fill_by_contract(forms["STP"], root / "inbox" / "v2 lưu lại.xlsx", corrected),
              datetime(2024, 7, 9, 9))
    [again] = api.run(root, date(2024, 7, 9)).files
    assert again.status == "accepted"
    assert not [w for w in again.warnings if w.code == "file-older-than-in-force"]
    [entry] = [h for h in api.history(root, "STP") if h.in_force]
    assert entry.file == "v2 lưu lại.xlsx"


# 3. one timeliness rule, in Vietnam's time -------------------------------------------------------
@pytest.fixture
def utc_machine(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_file_times_are_read_in_vietnam_time(tmp_path, forms, utc_machine):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP", "SNV.xlsx": "SNV"})
    # 01:30 on the deadline day in Hà Nội is 18:30 UTC the day before: late ("before" 15/06)
    late = datetime(2024, 6, 14, 18, 30, tzinfo=UTC).timestamp()
    os.utime(root / "inbox" / "STP.xlsx", (late, late))
    result = api.run(root, AS_OF)
    files = _by_name(result)
    assert files["STP.xlsx"].late is True and files["SNV.xlsx"].late is False
    [round_] = [r for r in result.rounds if r.period == "2024-H1"]
    assert round_.late_units == ["STP"]
    [row] = [u for u in round_.units if u.code == "STP"]
    assert row.received_at == "2024-06-15T01:30"


NO_TIMELINESS = FAST + """
[[rounds]]
form = "KTCV"
period = "2024-H1"
window_start = 2023-12-15
window_end = 2024-06-14
deadline = 2024-06-15
timeliness = false
"""


def test_a_round_without_timeliness_is_never_late_anywhere(tmp_path, forms):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP"}, config=NO_TIMELINESS)
    set_mtime(root / "inbox" / "STP.xlsx", datetime(2024, 6, 20, 9))
    result = api.run(root, AS_OF)
    [outcome] = result.files
    [round_] = result.rounds
    assert outcome.late is False and (round_.on_time, round_.late) == (1, 0)


# 4. the archive holds exactly the bytes the ledger names ----------------------------------------
@pytest.mark.parametrize("moment", ["before-copy", "after-copy", "before-release"])
def test_a_file_rewritten_in_place_never_changes_the_archive(tmp_path, forms, moment):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP", "SNV.xlsx": "SNV"})
    target = root / "inbox" / "STP.xlsx"
    original = target.read_bytes()

    def rewrite_in_place(subject: Path | None) -> None:  # same inode, new bytes
        if subject is not None and subject.name == "STP.xlsx" and target.exists():
            with target.open("r+b") as f:
                f.seek(len(original) // 2)
                f.write(b"corrected by the unit")

    with faults.on(moment, rewrite_in_place):
        result = api.run(root, AS_OF)
    files = _by_name(result)
    assert files["SNV.xlsx"].status == "accepted"  # the other file is not held back
    assert target.exists() and target.read_bytes() != original  # the new content waits
    _archive_matches_ledger(root)
    if moment == "before-copy":  # changed after it was read: nothing of it is kept yet
        assert (files["STP.xlsx"].status, files["STP.xlsx"].reason) == ("waiting", CHANGED)
    else:  # the version read is kept byte for byte, the new one waits for the next run
        assert files["STP.xlsx"].status == "accepted" and result.overwritten == ["STP.xlsx"]
        assert "bản đã kiểm tra được lưu nguyên vẹn" in files["STP.xlsx"].reason
        assert _sha(files["STP.xlsx"].stored) == hashlib.sha256(original).hexdigest()
    again = api.run(root, AS_OF)  # the next run takes the new content in
    assert [f.name for f in again.files] == ["STP.xlsx"]
    assert not target.exists()
    _archive_matches_ledger(root)


# 5. long Vietnamese file names ------------------------------------------------------------------
def _name_of_bytes(size: int, prefix: str = "", suffix: str = ".xlsx") -> str:
    stem = prefix + "Báo cáo kết quả kiểm tra công vụ đợt một năm hai nghìn không trăm hai mươi tư "
    while len((stem + suffix).encode()) < size:
        stem += "ệ"  # three bytes
    while len((stem + suffix).encode()) > size:
        stem = stem[:-1]
    while len((stem + suffix).encode()) < size:
        stem += "a"
    return stem + suffix


def test_a_250_byte_vietnamese_name_is_stored(tmp_path, forms):
    accepted, rejected = _name_of_bytes(250), _name_of_bytes(250, prefix="Sở Nội vụ ")
    assert len(accepted.encode()) == 250 and len(rejected.encode()) == 250
    root = _workspace(tmp_path, forms, {accepted: "STP", rejected: "SNV"}, wrong_sum=("SNV",))
    (root / "inbox" / "bản sao").mkdir()
    (root / "inbox" / "bản sao" / accepted).write_bytes((root / "inbox" / accepted).read_bytes())
    result = api.run(root, AS_OF)
    assert sorted(f.status for f in result.files) == ["accepted", "duplicate", "rejected"]
    assert list((root / "inbox").rglob("*.xlsx")) == []
    written = [p for folder in ("archive", "rejected", "outbox/phan-hoi")
               for p in (root / folder).rglob("*") if p.is_file()]
    assert any(p.name.endswith(".loi.txt") for p in written)
    assert any(p.name.endswith("-phan-hoi.xlsx") for p in written)
    for path in written:
        assert len(path.name.encode()) <= 255 and path.name == path.name.strip()
        assert path.suffix in (".xlsx", ".txt")
    for f in result.files:  # the unit's own name first, cut; the hash and extension kept
        assert f.stored.name.startswith(("Báo cáo kết quả kiểm tra", "Sở Nội vụ Báo cáo"))
        assert f.stored.name.endswith(f" ({f.sha256[:12]}).xlsx")
        assert len(f.stored.name.encode()) <= MAX_NAME_BYTES
    _archive_matches_ledger(root)


# 6. a file that cannot leave the inbox ----------------------------------------------------------
def test_a_file_that_cannot_be_removed_is_named_with_the_reason(tmp_path, forms):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP", "SNV.xlsx": "SNV"})

    def open_in_excel(subject: Path | None) -> None:
        if subject is not None and subject.name == "STP.xlsx":
            raise PermissionError(13, "The process cannot access the file")

    with faults.on("before-release", open_in_excel):
        first = api.run(root, AS_OF)
        second = api.run(root, AS_OF)
    stp = _by_name(first)["STP.xlsx"]
    assert stp.status == "accepted" and "đang mở trong chương trình khác" in stp.reason
    assert (root / "inbox" / "STP.xlsx").exists() and not (root / "inbox" / "SNV.xlsx").exists()
    [still] = second.files
    assert still.status == "waiting" and second.recovered == 0
    assert still.reason.startswith("đã xử lý ở lần chạy trước nhưng chưa chuyển được")
    log = (root / LOG_FILE).read_text(encoding="utf-8-sig")
    assert "STP.xlsx" in log.split("===")[-1] and "The process" not in log
    third = api.run(root, AS_OF)  # Excel closed: the release is finished
    assert third.recovered == 1 and third.files == []
    assert not (root / "inbox" / "STP.xlsx").exists()


# 7. one file's fault never fails the run --------------------------------------------------------
@pytest.fixture
def read_checkpoint(monkeypatch):
    """A checkpoint at the start of reading each file (the reader has none of its own)."""
    from aggregator.pipeline import workers

    real = workers.read_file

    def read_file(path, *args, **kwargs):
        faults.checkpoint("read", path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(workers, "read_file", read_file)


FAULTS = {  # stage → (status, reason or issue code) of the file the fault hits
    "hash": ("waiting", scan.UNREADABLE_NOW),
    "read": ("rejected", "file-internal-error"),
    "validate": ("rejected", "file-internal-error"),
    "before-copy": ("waiting", "không lưu được bản sao tệp"),
    "note": ("waiting", "không ghi được tệp giải thích"),
    "feedback": ("rejected", "feedback-copy-failed"),
    "mid-ledger": ("waiting", "không ghi được vào sổ theo dõi"),
    "before-release": ("rejected", "chưa chuyển được khỏi inbox (lỗi hệ thống)"),
}


@pytest.mark.parametrize("stage", list(FAULTS))
def test_a_fault_in_one_file_leaves_the_others_untouched(tmp_path, forms, read_checkpoint, stage):
    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP", "SNV.xlsx": "SNV", "SYT.xlsx": "SYT"},
                      wrong_sum=("SNV",))

    def fail_on_snv(subject: Path | None) -> None:
        # the inbox file "SNV.xlsx", its copy "SNV (<hash>).xlsx" or its feedback copy
        if subject is not None and subject.name.startswith("SNV"):
            raise RuntimeError("injected fault")

    with faults.on(stage, fail_on_snv):
        result = api.run(root, AS_OF)
    files = _by_name(result)
    assert (files["STP.xlsx"].status, files["SYT.xlsx"].status) == ("accepted", "accepted")
    status, mark = FAULTS[stage]
    hit = files["SNV.xlsx"]
    assert hit.status == status
    codes = [i.code for i in hit.errors + hit.warnings]
    assert mark in codes or mark in (hit.reason or ""), (codes, hit.reason)
    if status == "waiting":
        assert (root / "inbox" / "SNV.xlsx").exists()
    log = (root / LOG_FILE).read_text(encoding="utf-8-sig")
    assert "injected fault" not in log and "Traceback" not in log
    assert "SNV.xlsx" in log
    [round_] = [r for r in result.rounds if r.period == "2024-H1"]
    assert round_.submitted == 2
    _archive_matches_ledger(root)


def test_a_copy_of_a_waiting_file_waits_with_it(tmp_path, forms):
    """Two identical files, the first left waiting: its copy must not be recorded as a duplicate
    of a version the ledger never took in (the content would then never count)."""
    root = _workspace(tmp_path, forms, {"SNV.xlsx": "SNV"})
    first = root / "inbox" / "SNV.xlsx"
    (root / "inbox" / "thư mục").mkdir()
    (root / "inbox" / "thư mục" / "SNV.xlsx").write_bytes(first.read_bytes())

    def disk_full(subject: Path | None) -> None:
        if subject == first:
            raise OSError(28, "No space left on device")

    with faults.on("before-copy", disk_full):
        held = api.run(root, AS_OF)
    assert {f.name: f.status for f in held.files} == {"SNV.xlsx": "waiting",
                                                      "thư mục/SNV.xlsx": "waiting"}
    again = api.run(root, AS_OF)
    assert sorted(f.status for f in again.files) == ["accepted", "duplicate"]
    [round_] = [r for r in again.rounds if r.period == "2024-H1"]
    assert round_.submitted == 1
    _archive_matches_ledger(root)


def test_an_unknown_time_zone_is_a_vietnamese_configuration_error(tmp_path, forms):
    from aggregator.workspace.config import ConfigError

    root = _workspace(tmp_path, forms, {"STP.xlsx": "STP"},
                      config=FAST + 'timezone = "Asia/Hanoi_City"\n')
    with pytest.raises(ConfigError, match="Múi giờ “Asia/Hanoi_City” trong cấu hình không hợp lệ"):
        api.run(root, AS_OF)
    assert (root / "inbox" / "STP.xlsx").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows stores every name as Unicode")
def test_names_in_a_legacy_code_page_or_with_control_characters_are_taken_in(tmp_path):
    """A zip unpacked on Linux keeps a Windows name's legacy bytes ('B\\xe1o c\\xe1o'); a name may
    hold a new line. Both used to stop every run (the log could not be written)."""
    root = tmp_path / "ws"
    templates = [t for t in api.make_templates(root, form="KTCV", period="2024-H1")
                 if "theo-don-vi" in t.parts][:3]
    inbox = os.fsencode(root / "inbox")
    names = [b"B\xe1o c\xe1o S\xf4 Y t\xea.xlsx", b"hai\ndong\x1b[31m.xlsx", "thường.xlsx".encode()]
    for template, raw in zip(templates, names):
        code = template.stem.rsplit("-", 1)[-1]
        target = Path(os.fsdecode(inbox + b"/" + raw))
        fill_by_contract(template, target, sample_values(code, "H1", size=0))
        set_mtime(target, datetime(2024, 6, 10))
    first = api.run(root, date(2024, 7, 1))
    assert sorted(f.name for f in first.files) == [
        "Báo cáo Sô Y tê.xlsx", "hai\ufffddong\ufffd[31m.xlsx", "thường.xlsx"]
    assert {f.status for f in first.files} == {"accepted"}
    assert api.run(root, date(2024, 7, 1)).files == []  # and the run after it
    log = (root / "nhat-ky-tong-hop.txt").read_text(encoding="utf-8-sig")
    assert "3 tệp mới: 3 tiếp nhận" in log and "\x1b" not in log
    assert not os.listdir(inbox)
    history = api.history(root, templates[0].stem.rsplit("-", 1)[-1])
    assert [h.file for h in history] == ["Báo cáo Sô Y tê.xlsx"]
    archived = [p.name for p in (root / "archive").rglob("*.xlsx")]
    assert any(n.startswith("Báo cáo Sô Y tê (") and n.endswith(").xlsx") for n in archived)
