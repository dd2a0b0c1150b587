"""What a clerk reads, at a glance: at the end of a run on a narrow console, paths whole on their
own lines, long unit lists collapsed, the rejected files' explanations last (what stays on screen
when the double-clicked .bat pauses); help and mistyped commands in Vietnamese; progress while
reports are written and converted; duplicates naming the file they repeat; rejected files under
the unit's own name."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from rich.console import Console

from aggregator import api
from aggregator.cli.output import print_run, unit_list
from aggregator.intake.archive import store
from aggregator.intake.scan import Incoming
from tests.conftest import fill_by_contract, needs_libreoffice, sample_values, set_mtime
from tests.test_pipeline import ON_TIME


def _screen(result, width: int = 60) -> str:
    buffer = io.StringIO()
    print_run(Console(file=buffer, width=width, highlight=False), result, "Tệp đã xử lý")
    return buffer.getvalue()


def test_every_path_is_printed_whole_on_its_own_line(demo_run):
    lines = _screen(demo_run).splitlines()
    paths = [str(p) for r in demo_run.rounds for p in r.outputs] + [str(demo_run.reminder)]
    rejected = [f for f in demo_run.files if f.status == "rejected"]
    paths += [str(f.note) for f in rejected] + [str(f.feedback) for f in rejected]
    assert len(paths) > 5 and all(len(p) > 60 for p in paths)  # wider than the console
    for path in paths:
        assert f"  {path}" in lines, path


def test_rejected_files_are_explained_after_the_round_table(demo_run):
    screen = _screen(demo_run)
    assert demo_run.rounds and any(f.status == "rejected" for f in demo_run.files)
    assert screen.index("Tình hình báo cáo") < screen.index("Kết quả đã ghi") \
        < screen.index("Giải thích:")


def test_a_long_list_of_missing_units_is_collapsed_with_the_command_that_lists_them(demo_run):
    codes = [f"U{i:02d}" for i in range(12)]
    assert unit_list(codes[:5], "KTCV", "2024-Y") == "U00, U01, U02, U03, U04"
    collapsed = unit_list(codes, "KTCV", "2024-Y")
    assert collapsed.startswith("U00, U01, U02, U03, U04, … và 7 đơn vị khác")
    assert "status --form KTCV --period 2024-Y" in collapsed
    many = replace(demo_run, rounds=[replace(demo_run.rounds[0], missing=codes)])
    screen = _screen(many, width=200)
    assert "U11" not in screen and "và 7 đơn vị khác" in screen


# --- Help and usage errors: every screen in Vietnamese ------------------------------------------

# What typer and click print in English on their own; none of it may reach a clerk's screen.
ENGLISH = ("Usage", "Options", "Commands", "Arguments", "Show this message", "Missing", "No such",
           "Invalid value", "Got unexpected", "extra argument", "Error", "Try '", "for help",
           "<bool>", "<path>", "<str>", "list[", "TEXT", "PATH", "INTEGER", "[default",
           "[required]", "does not take", "requires", "Possible options", "Aborted",
           "completion", "OPTIONS", "COMMAND", "ARGS")


def _english(screen: str) -> list[str]:
    return [word for word in ENGLISH if word in screen]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def _in_process(*args: str):
    from typer.testing import CliRunner

    import aggregator.cli  # noqa: F401  registers the commands
    from aggregator.cli.app import app

    return CliRunner().invoke(app, list(args), prog_name="aggregator")


def _commands() -> list[list[str]]:
    import aggregator.cli  # noqa: F401
    from aggregator.cli.app import app

    names = [[c.name] for c in app.registered_commands]
    names += [[g.name] for g in app.registered_groups]
    names += [[g.name, c.name] for g in app.registered_groups
              for c in g.typer_instance.registered_commands]
    return names


def test_help_of_the_program_is_vietnamese_in_a_real_process():
    proc = _cli("--help")
    assert proc.returncode == 0, proc.stderr
    assert _english(proc.stdout + proc.stderr) == []
    assert "Cách dùng: " in proc.stdout and "Tùy chọn" in proc.stdout and "Lệnh" in proc.stdout
    assert "Xem hướng dẫn này rồi thoát." in proc.stdout
    for command in ("run", "status", "history", "export", "units"):
        assert f" {command} " in proc.stdout


def test_help_of_every_command_is_vietnamese():
    commands = _commands()
    assert len(commands) >= 11 and ["units", "import"] in commands
    for command in commands:
        result = _in_process(*command, "--help")
        assert result.exit_code == 0, (command, result.output)
        assert _english(result.output) == [], (command, result.output)
        assert f"Cách dùng: aggregator {' '.join(command)} [TÙY CHỌN]" in result.output, command
        assert "Xem hướng dẫn này rồi thoát." in result.output, command
    run = _in_process("run", "--help").output
    assert "--workspace, -w THƯ-MỤC" in run and "--as-of NGÀY" in run
    check = _in_process("check", "--help").output
    assert "Cách dùng: aggregator check [TÙY CHỌN] TỆP..." in check and "Tham số" in check
    demo = _in_process("demo", "--help").output
    assert "demo-workspace" in demo  # its own default, not "the current folder"
    assert _in_process("run", "-h").output == run  # the short form a clerk tries first


# (arguments, what the one Vietnamese line must say)
MISTAKES = [
    (["history"], "Thiếu tùy chọn bắt buộc --unit (-u): Mã đơn vị"),
    (["run", "--bogus"], "Không có tùy chọn “--bogus”."),
    (["run", "--jso"], "Có phải ý là: --as-of, --json?"),
    (["run", "--json=3"], "Tùy chọn --json không nhận giá trị: chỉ cần viết --json."),
    (["history", "--unit"], "Tùy chọn --unit cần một giá trị (MÃ) viết ngay sau nó."),
    (["demo", "--as-of", "2024-12-20", "thừa"], "Thừa “thừa”: lệnh demo không nhận thêm"),
    (["chay"], "Không có lệnh “chay”. Các lệnh: check, demo"),
    (["check"], "Thiếu tham số bắt buộc TỆP: Các tệp cần kiểm tra."),
    (["units", "import", "vietnam-provinces"], "Thiếu tùy chọn bắt buộc --valid-from"),
    (["units", "xoa"], "Không có lệnh “xoa”. Các lệnh: import."),
]


def test_a_mistyped_command_ends_in_one_vietnamese_line_in_a_real_process():
    proc = _cli("history")
    assert proc.returncode == 2
    assert proc.stdout == "" and _english(proc.stderr) == []
    assert proc.stderr.splitlines() == [
        "Lỗi: Thiếu tùy chọn bắt buộc --unit (-u): Mã đơn vị, ví dụ SNV hoặc 164. "
        "Xem hướng dẫn: python -m aggregator history --help"]


def test_every_kind_of_usage_mistake_is_one_vietnamese_line():
    for args, said in MISTAKES:
        result = _in_process(*args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Lỗi: "), (args, result.output)
        assert said in lines[0], (args, lines[0])
        assert _english(lines[0]) == [], (args, lines[0])
        assert lines[0].endswith("--help"), (args, lines[0])


def test_the_bare_program_shows_its_vietnamese_help():
    result = _in_process()
    assert result.exit_code == 2
    assert "Cách dùng: aggregator [TÙY CHỌN] LỆNH [...]" in result.output
    assert _english(result.output) == []


# --- rejected/ named for the clerk ---------------------------------------------------------------

def test_a_rejected_file_keeps_the_units_name_first_and_its_note_beside_it(demo_run):
    [rejected] = [f for f in demo_run.files if f.status == "rejected"]
    original = rejected.name.rsplit("/", 1)[-1]  # "Báo cáo KTCV năm 2024 - Sở Xây dựng.xlsx"
    stem = original.removesuffix(".xlsx")
    assert rejected.stored.parent.name == "rejected"
    assert rejected.stored.name == f"{stem} ({rejected.sha256[:12]}).xlsx"
    assert rejected.note == rejected.stored.with_name(rejected.stored.name + ".loi.txt")
    assert rejected.stored.is_file() and rejected.note.is_file()
    assert sorted(p.name for p in rejected.stored.parent.iterdir()) == sorted(
        [rejected.stored.name, rejected.note.name])


def test_two_rejected_files_of_one_name_are_both_kept(tmp_path):
    folder, stored = tmp_path / "inbox", []
    for unit, text in (("a", b"one"), ("b", b"two")):
        source = folder / unit / "Báo cáo.xlsx"
        source.parent.mkdir(parents=True)
        source.write_bytes(text)
        stat = source.stat()
        incoming = Incoming(source, f"{unit}/Báo cáo.xlsx", hashlib.sha256(text).hexdigest(),
                            stat.st_size, datetime.now(), stat.st_mtime_ns)
        stored.append(store(incoming, tmp_path / "rejected"))
    assert stored[0] != stored[1]
    assert all(p.name.startswith("Báo cáo (") and p.suffix == ".xlsx" for p in stored)
    assert [p.read_bytes() for p in stored] == [b"one", b"two"]


# --- duplicates name the file they repeat --------------------------------------------------------

def test_a_duplicate_shows_the_unit_form_period_and_time_of_the_file_it_repeats(blank_ktcv):
    root = blank_ktcv.parents[3]
    first = fill_by_contract(blank_ktcv, root / "inbox/STP.xlsx", sample_values("STP"), "STP",
                             "2024-H1")
    set_mtime(first, ON_TIME)
    (root / "inbox/bản sao").mkdir()
    twin = root / "inbox/bản sao/Báo cáo STP.xlsx"  # the same bytes twice in one run
    twin.write_bytes(first.read_bytes())
    set_mtime(twin, ON_TIME)
    one = api.run(root, date(2024, 7, 1))
    assert sorted(f.status for f in one.files) == ["accepted", "duplicate"]
    [kept] = [f for f in one.files if f.status == "accepted"]
    [copy] = [f for f in one.files if f.status == "duplicate"]
    assert (copy.unit, copy.form, copy.period) == ("STP", "KTCV", "2024-H1")
    assert copy.duplicate_of.name == kept.name and copy.duplicate_of.status == "accepted"

    again = root / "inbox/gửi lại.xlsx"  # and once more, a month later
    again.write_bytes(kept.stored.read_bytes())
    two = api.run(root, date(2024, 8, 1))
    [copy] = two.files
    assert (copy.status, copy.unit, copy.form, copy.period) == (
        "duplicate", "STP", "KTCV", "2024-H1")
    assert copy.duplicate_of.to_dict() == {
        "name": kept.name, "status": "accepted", "unit": "STP", "form": "KTCV",
        "period": "2024-H1", "received": "2024-06-14T23:59:00"}
    assert copy.to_dict()["duplicate_of"]["name"] == kept.name  # --json
    said = (f"Trùng lặp: gửi lại.xlsx giống hệt tệp {kept.name} (STP, KTCV 2024-H1) nhận lúc "
            "14/6/2024 23:59, đã tiếp nhận.")
    screen = _screen(two, width=200)
    assert said in screen
    assert "│ STP " in screen and "KTCV 2024-H1" in screen  # the table row, not "—"
    log = (root / "nhat-ky-tong-hop.txt").read_text(encoding="utf-8-sig")
    assert said in log
    history = api.history(root, "STP")
    assert [(h.status, h.form, h.period) for h in history] == [
        ("accepted", "KTCV", "2024-H1"), ("duplicate", "KTCV", "2024-H1"),
        ("duplicate", "KTCV", "2024-H1")]


# --- progress while reports are written and converted --------------------------------------------

@pytest.fixture(scope="module")
def demo_copy(demo_run, tmp_path_factory) -> Path:
    """The demo workspace copied, for the tests that write its reports again."""
    root = tmp_path_factory.mktemp("demo-copy") / "ws"
    shutil.copytree(demo_run.workspace, root)
    return root


def test_the_library_reports_each_output_before_writing_it(demo_copy):
    steps = []
    result = api.report(demo_copy, date(2024, 12, 20),
                        rendering=lambda path, done, total: steps.append((path, done, total)))
    written = [p for r in result.rounds for p in r.outputs] + [result.reminder]
    *before, end = steps
    total = len(before)
    assert end == (demo_copy / "outbox", total, total)
    assert [(done, all_) for _, done, all_ in before] == [(i, total) for i in range(total)]
    assert [path for path, _, _ in before if path.name != "bieu-do"] == written
    assert len(written) >= 9


def _in_a_terminal(*args: str) -> str:
    """What `aggregator …` draws on a terminal (a pseudo-terminal, as a console window is)."""
    import pty

    master, slave = pty.openpty()
    env = dict(os.environ, COLUMNS="100", LINES="40", TERM="xterm")
    proc = subprocess.Popen([sys.executable, "-m", "aggregator", *args], stdin=slave,
                            stdout=slave, stderr=slave, env=env)
    os.close(slave)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # the program has ended and closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    assert proc.wait(timeout=300) == 0, screen.decode("utf-8", "replace")
    return screen.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_each_report_as_it_is_written(demo_copy):
    screen = _in_a_terminal("report", "--workspace", str(demo_copy), "--as-of", "2024-12-20")
    for name in ("tong-hop-KTCV-2024-H1.xlsx", "bao-cao-KTCV-2024-Y.docx",
                 "bao-cao-CCHC-2024-Y.docx", "cong-van-don-doc-2024-12-20.docx"):
        assert f"Đang lập {name}" in screen, name
    assert "Kết quả đã ghi:" in screen


def test_captured_output_has_no_progress_and_no_control_characters(demo_copy):
    proc = _cli("report", "--workspace", str(demo_copy), "--as-of", "2024-12-20")
    assert proc.returncode == 0, proc.stderr
    assert "Kết quả đã ghi:" in proc.stdout
    assert "Đang lập" not in proc.stdout + proc.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", proc.stdout + proc.stderr)


@needs_libreoffice
def test_pdf_conversion_reports_each_folder(demo_copy, tmp_path):
    from aggregator.render.word.pdf import to_pdf

    reports = sorted((demo_copy / "outbox").rglob("bao-cao-*.docx"))[:2]
    copies = []
    for i, report in enumerate(reports):
        (tmp_path / f"d{i}").mkdir()
        copies.append(shutil.copy(report, tmp_path / f"d{i}" / report.name))
    steps = []
    pdfs = to_pdf(copies, progress=lambda folder, done, total: steps.append((folder, done, total)))
    assert [p.suffix for p in pdfs] == [".pdf", ".pdf"]
    assert steps == [(tmp_path / "d0", 0, 2), (tmp_path / "d1", 1, 2), (tmp_path, 2, 2)]
