"""What a clerk reads at the end of a run, on a narrow console: paths whole on their own lines,
long unit lists collapsed, the rejected files' explanations last (what stays on screen when the
double-clicked .bat pauses)."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace

from rich.console import Console

from aggregator.cli.output import print_run, unit_list


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
    import aggregator.cli  # noqa: F401  registers the commands
    from typer.testing import CliRunner

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


# (arguments, what the one Vietnamese line must say)
MISTAKES = [
    (["history"], "Thiếu tùy chọn bắt buộc --unit (-u): Mã đơn vị"),
    (["run", "--bogus"], "Không có tùy chọn “--bogus”."),
    (["run", "--jso"], "Có phải ý là: --as-of, --json?"),
    (["run", "--json=3"], "Tùy chọn --json không nhận giá trị: chỉ cần viết --json."),
    (["history", "--unit"], "Tùy chọn --unit cần một giá trị (MÃ) viết ngay sau nó."),
    (["status", "--form", "KTCV", "thừa"], "Thừa “thừa”: lệnh status không nhận thêm"),
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
        assert lines[0].endswith(f"--help"), (args, lines[0])


def test_the_bare_program_shows_its_vietnamese_help():
    result = _in_process()
    assert result.exit_code == 2
    assert "Cách dùng: aggregator [TÙY CHỌN] LỆNH [...]" in result.output
    assert _english(result.output) == []
