"""The Windows launchers (.bat) a clerk double-clicks, for a workspace (written by
`aggregator init`) and for the offline Windows bundle (written by scripts/windows/build_bundle.py).

The same texts serve both; they differ only in how they name the interpreter and the workspace:
- in a workspace, the interpreter that ran `init` by its absolute path (the bundle's python.exe when
  `init` runs from the bundle) and the workspace as the .bat's own folder;
- in the bundle, the bundled interpreter relative to the .bat (`%~dp0python\\python.exe`) and the
  workspace as the folder the bundle was unzipped into (its parent: `D:\\TongHop\\chuong-trinh` →
  `D:\\TongHop`).

cmd.exe details the texts rely on:
- `chcp 65001` comes before any non-ASCII line: cmd.exe decodes each line of a batch file with the
  code page in force when it reads that line, so the Vietnamese lines after it are read as UTF-8.
  No BOM (it would break `@echo off`); CRLF line endings.
- `PYTHONUTF8=1`: Python reads and writes text files and pipes as UTF-8 whatever the ANSI code page.
- A folder is passed as `"%~dp0."`, never `"%~dp0"`: `%~dp0` ends in a backslash, and `\\"` would
  be read by Python's argument parser as an escaped quote. `%%~fI` then makes it a full path
  (`..` resolved), and a drive root (`D:\\`) gets a `.` after its backslash for the same reason.
- No parenthesised blocks around lines that print text (a `)` in the text would end the block):
  jumps to labels instead.
- `chay-tong-hop.bat /tu-dong` is the form for Task Scheduler: no pause at the end, `--quiet`.
"""

from __future__ import annotations

import sys

AUTO_FLAG = "/tu-dong"  # the argument Task Scheduler passes: no pause, quiet run
RUN_BAT = "chay-tong-hop.bat"
CHECK_BAT = "kiem-tra.bat"
OPEN_BAT = "mo-thu-muc.bat"
INIT_BAT = "khoi-tao.bat"  # in the bundle only: creates the workspace in the parent folder
CLI_BAT = "aggregator.bat"  # in the bundle only: the whole command line, for advanced use

# The line by which init recognises a launcher it wrote itself (and may rewrite on a later init,
# e.g. after the bundle moved); a launcher without it is the user's and is never touched.
GENERATED_MARK = ("rem Tệp do chương trình tổng hợp báo cáo tạo ra và ghi lại mỗi lần khởi tạo: "
                  "đừng sửa tệp này")

# What init wrote before the launchers called the interpreter by path: rewritten like our own.
LEGACY_RUN_BAT = (
    "@echo off\r\n"
    "chcp 65001 >nul\r\n"
    "rem Tổng hợp báo cáo hằng tháng trong thư mục này\r\n"
    'cd /d "%~dp0"\r\n'
    "aggregator run --workspace .\r\n"
    "echo.\r\n"
    "echo Xem báo cáo trong thư mục outbox. Nhật ký các lần chạy: nhat-ky-tong-hop.txt\r\n"
    "pause\r\n"
)

BUNDLE_PYTHON = r"%~dp0python\python.exe"
BUNDLE_WORKSPACE = r"%~dp0.."
WORKSPACE_SELF = r"%~dp0."


def _crlf(lines: list[str]) -> str:
    return "".join(line + "\r\n" for line in lines)


def _bat_literal(value: str) -> str:
    """A value for `set "NAME=value"`: percent signs doubled so cmd.exe keeps them."""
    return value.replace("%", "%%")


def _head(python: str, workspace: str, purpose: str) -> list[str]:
    return [
        "@echo off",
        "chcp 65001 >nul",
        "setlocal",
        GENERATED_MARK,
        f"rem {purpose}",
        'set "PYTHONUTF8=1"',
        f'set "PY={python}"',
        f'set "WS={workspace}"',
        # the full path, `..` resolved (messages show D:\TongHop, not ...\chuong-trinh\..)
        'for %%I in ("%WS%") do set "WS=%%~fI"',
        # a drive root keeps its backslash (D:\): "D:\" would end in \" for Python
        'if "%WS:~-1%"=="\\" set "WS=%WS%."',
    ]


_CHECK_PYTHON = 'if not exist "%PY%" goto khong_co_python'


def _missing_python(pause: str) -> list[str]:
    return [
        ":khong_co_python",
        "echo Không tìm thấy chương trình Python: %PY%",
        "echo Thư mục chương trình đã bị chuyển hoặc xóa? Chạy lại khoi-tao.bat trong thư mục "
        "chương trình để tạo lại các tệp chạy.",
        "set MA=9009",
        "goto het",
        ":het",
        *([pause] if pause else []),
        "exit /b %MA%",
    ]


def run_bat(python: str, workspace: str) -> str:
    """chay-tong-hop.bat: the monthly run; pauses only when run by hand (not with /tu-dong)."""
    return _crlf([
        *_head(python, workspace,
               f"Tổng hợp báo cáo: bấm đúp tệp này; Task Scheduler chạy: {RUN_BAT} {AUTO_FLAG}"),
        'set "TU_DONG="',
        'set "THEM="',
        ":doc_tham_so",
        'if "%~1"=="" goto chay',
        f'if /i "%~1"=="{AUTO_FLAG}" (set "TU_DONG=1") else set THEM=%THEM% %1',
        "shift",
        "goto doc_tham_so",
        ":chay",
        _CHECK_PYTHON,
        "if defined TU_DONG set THEM=%THEM% --quiet",
        '"%PY%" -m aggregator run --workspace "%WS%"%THEM%',
        "set MA=%ERRORLEVEL%",
        'if "%MA%"=="0" goto xong',
        "echo.",
        "echo CHƯA TỔNG HỢP XONG: có lỗi, mã lỗi %MA%. Đọc thông báo ở trên và nhật ký "
        "nhat-ky-tong-hop.txt trong thư mục làm việc; sửa xong thì chạy lại.",
        "goto het",
        ":xong",
        "if defined TU_DONG goto het",
        "echo.",
        "echo Đã tổng hợp xong. Xem báo cáo trong thư mục outbox. Nhật ký các lần chạy: "
        "nhat-ky-tong-hop.txt",
        "goto het",
        *_missing_python("if not defined TU_DONG pause"),
    ])


def check_bat(python: str, workspace: str) -> str:
    """kiem-tra.bat: drop report files on it to check them without taking them in."""
    return _crlf([
        *_head(python, workspace,
               "Kiểm tra tệp báo cáo: kéo tệp thả vào biểu tượng của tệp này"),
        _CHECK_PYTHON,
        'if "%~1"=="" goto huong_dan',
        '"%PY%" -m aggregator check --workspace "%WS%" %*',
        "set MA=%ERRORLEVEL%",
        'if "%MA%"=="0" goto xong',
        "echo.",
        "echo CHƯA KIỂM TRA ĐƯỢC: có lỗi, mã lỗi %MA%. Đọc thông báo ở trên.",
        "goto het",
        ":xong",
        "echo.",
        "echo Đã kiểm tra xong: kết quả từng tệp ở trên. Tệp có lỗi thì sửa đúng ô được chỉ ra rồi "
        "kiểm tra lại; tệp không bị sửa và chưa được tiếp nhận.",
        "goto het",
        ":huong_dan",
        "echo Kéo tệp báo cáo .xlsx, .xls, .ods thả vào biểu tượng kiem-tra.bat để kiểm tra trước "
        "khi tiếp nhận.",
        "set MA=0",
        "goto het",
        *_missing_python("pause"),
    ])


def open_bat(python: str, workspace: str) -> str:
    """mo-thu-muc.bat: opens the workspace in Explorer."""
    return _crlf([
        *_head(python, workspace, "Mở thư mục làm việc: inbox, outbox, nhật ký"),
        'start "" "%WS%"',
        "set MA=0",
        "goto het",
        *_missing_python("pause"),
    ])


def init_bat(python: str, workspace: str) -> str:
    """khoi-tao.bat (bundle only): creates the workspace and its launchers."""
    return _crlf([
        *_head(python, workspace,
               "Tạo thư mục làm việc ở thư mục chứa thư mục chương trình"),
        _CHECK_PYTHON,
        '"%PY%" -m aggregator init --workspace "%WS%" %*',
        "set MA=%ERRORLEVEL%",
        'if "%MA%"=="0" goto xong',
        "echo.",
        "echo CHƯA TẠO ĐƯỢC THƯ MỤC LÀM VIỆC: có lỗi, mã lỗi %MA%. Đọc thông báo ở trên.",
        "goto het",
        ":xong",
        "echo.",
        "echo Xong. Từ nay bấm đúp chay-tong-hop.bat trong thư mục làm việc để tổng hợp.",
        "goto het",
        *_missing_python("pause"),
    ])


def cli_bat(python: str) -> str:
    """aggregator.bat (bundle only): the command line, e.g. `aggregator.bat status`."""
    return _crlf([
        "@echo off",
        "chcp 65001 >nul",
        "setlocal",
        GENERATED_MARK,
        "rem Dòng lệnh đầy đủ, ví dụ: aggregator.bat status --workspace D:\\TongHop",
        'set "PYTHONUTF8=1"',
        f'"{python}" -m aggregator %*',
        "exit /b %ERRORLEVEL%",
    ])


def workspace_launchers(python: str | None = None) -> dict[str, str]:
    """The launchers `init` writes into a workspace, calling `python` (default: this interpreter,
    by its absolute path: the bundle's python.exe when init runs from the bundle)."""
    py = _bat_literal(python if python is not None else sys.executable)
    return {
        RUN_BAT: run_bat(py, WORKSPACE_SELF),
        CHECK_BAT: check_bat(py, WORKSPACE_SELF),
        OPEN_BAT: open_bat(py, WORKSPACE_SELF),
    }


def bundle_launchers() -> dict[str, str]:
    """The launchers at the top of the Windows bundle: the bundled interpreter relative to the .bat,
    the workspace the folder the bundle was unzipped into."""
    return {
        INIT_BAT: init_bat(BUNDLE_PYTHON, BUNDLE_WORKSPACE),
        RUN_BAT: run_bat(BUNDLE_PYTHON, BUNDLE_WORKSPACE),
        CHECK_BAT: check_bat(BUNDLE_PYTHON, BUNDLE_WORKSPACE),
        OPEN_BAT: open_bat(BUNDLE_PYTHON, BUNDLE_WORKSPACE),
        CLI_BAT: cli_bat(BUNDLE_PYTHON),
    }


def is_ours(text: str) -> bool:
    """A launcher init may rewrite: one it wrote (now or in an earlier version)."""
    return GENERATED_MARK in text or text == LEGACY_RUN_BAT
