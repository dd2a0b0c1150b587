"""Operating-system failures (disk full, read-only folder, name too long…) as one Vietnamese line
that names the path and what to do — never the English errno text. SQLite reports the same
conditions on the ledger in its own words; they are mapped here too."""

from __future__ import annotations

import errno
import sqlite3

# What went wrong and what to do, by errno; "{path}" is the file or folder concerned.
_BY_ERRNO = {
    errno.ENOSPC: "Ổ đĩa đã đầy, không ghi được {path}. Hãy giải phóng dung lượng ổ đĩa "
                  "(xóa bớt tệp không cần) rồi chạy lại.",
    errno.EROFS: "Ổ đĩa chỉ cho phép đọc, không ghi được {path}. Hãy chép thư mục làm việc sang "
                 "ổ đĩa ghi được (ví dụ ổ D: của máy) rồi chạy lại.",
    errno.EACCES: "Không có quyền ghi hoặc đọc {path}. Hãy đóng tệp nếu đang mở (trong Excel, "
                  "Word), bỏ thuộc tính chỉ đọc (Read-only) hoặc xin quyền với thư mục này, "
                  "rồi chạy lại.",
    errno.ENAMETOOLONG: "Đường dẫn quá dài: {path}. Hãy dùng thư mục làm việc có đường dẫn ngắn "
                        "hơn (ví dụ D:\\TongHop) hoặc đặt tên tệp ngắn lại.",
    errno.ENOENT: "Không tìm thấy {path}. Hãy kiểm tra lại đường dẫn (thư mục hoặc tệp có thể "
                  "đã bị đổi tên, di chuyển hoặc xóa).",
    errno.EBUSY: "{path} đang được chương trình khác sử dụng. Hãy đóng chương trình đó (ví dụ "
                 "Excel, Word) rồi chạy lại.",
    errno.EEXIST: "{path} đã có sẵn. Hãy đổi tên hoặc chuyển nó đi rồi chạy lại.",
    errno.ENOTDIR: "{path} không phải là thư mục. Hãy kiểm tra lại đường dẫn.",
    errno.EISDIR: "{path} là thư mục, không phải tệp. Hãy kiểm tra lại đường dẫn.",
    errno.EMFILE: "Máy đang mở quá nhiều tệp cùng lúc nên không mở được {path}. Hãy đóng bớt "
                  "chương trình rồi chạy lại.",
    errno.EIO: "Lỗi đọc/ghi ổ đĩa tại {path}. Hãy kiểm tra ổ đĩa (hoặc USB, ổ mạng) rồi chạy lại.",
}
_BY_ERRNO[errno.EPERM] = _BY_ERRNO[errno.EACCES]
_BY_ERRNO[errno.ETXTBSY] = _BY_ERRNO[errno.EBUSY]
if hasattr(errno, "EDQUOT"):
    _BY_ERRNO[errno.EDQUOT] = _BY_ERRNO[errno.ENOSPC]

# Windows reports some conditions by its own code; Python maps several of them to a vaguer errno.
_BY_WINERROR = {
    32: errno.EBUSY,  # ERROR_SHARING_VIOLATION: the file is open in Excel
    33: errno.EBUSY,  # ERROR_LOCK_VIOLATION
    19: errno.EROFS,  # ERROR_WRITE_PROTECT
    39: errno.ENOSPC,  # ERROR_HANDLE_DISK_FULL
    112: errno.ENOSPC,  # ERROR_DISK_FULL
    206: errno.ENAMETOOLONG,  # ERROR_FILENAME_EXCED_RANGE
}


def _path_of(exc: OSError) -> str:
    paths = [str(p) for p in (exc.filename, exc.filename2) if p not in (None, "")]
    return " → ".join(f"“{p}”" for p in paths) or "tệp hoặc thư mục"


def os_error_message(exc: OSError) -> str:
    """One Vietnamese line for an OSError: what happened to which path, and what to do."""
    if exc.errno is None and len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]  # raised by us with its Vietnamese message (e.g. an output left open)
    code = _BY_WINERROR.get(getattr(exc, "winerror", None) or 0, exc.errno)
    template = _BY_ERRNO.get(code)
    path = _path_of(exc)
    if template is not None:
        return template.format(path=path)
    name = errno.errorcode.get(code, str(code)) if code is not None else "không rõ"
    return (f"Lỗi hệ thống khi truy cập {path} (mã lỗi {name}). Hãy kiểm tra ổ đĩa, thư mục "
            "và quyền truy cập rồi chạy lại.")


LEDGER = "sổ cái ledger.sqlite3 trong thư mục làm việc"
# SQLite's primary result codes (the name's first part) → the errno of the same condition.
_BY_SQLITE = {"SQLITE_FULL": errno.ENOSPC, "SQLITE_READONLY": errno.EROFS,
              "SQLITE_PERM": errno.EACCES, "SQLITE_CANTOPEN": errno.EACCES,
              "SQLITE_IOERR": errno.EIO, "SQLITE_BUSY": errno.EBUSY, "SQLITE_LOCKED": errno.EBUSY}


def sqlite_error_message(exc: sqlite3.Error) -> str:
    """One Vietnamese line for an SQLite failure on the ledger (disk full, read-only, damaged…)."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    primary = "_".join(name.split("_")[:2])
    if primary in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return (f"Tệp {LEDGER} bị hỏng hoặc không phải sổ cái. Hãy chép tệp đó ra chỗ khác để "
                "lưu lại và chép bản sao lưu gần nhất vào (các tệp báo cáo gốc vẫn còn trong "
                "thư mục archive).")
    code = _BY_SQLITE.get(primary)
    if code is not None:
        return _BY_ERRNO[code].format(path=LEDGER)
    return (f"Lỗi khi ghi hoặc đọc {LEDGER} (mã lỗi {name or 'không rõ'}). Hãy kiểm tra ổ đĩa "
            "và quyền ghi của thư mục làm việc rồi chạy lại.")


class Interrupted(BaseException):
    """Ctrl+C, raised by the command line's own handler: not a KeyboardInterrupt, which the CLI
    framework would turn into an English "Aborted!", and not an Exception, which the per-file
    isolation would take for one file's fault."""


INTERRUPTED = ("Đã dừng theo yêu cầu (Ctrl+C). Không tệp nào bị mất: tệp đã xử lý xong đã được lưu, "
               "tệp chưa xử lý vẫn ở inbox; lần chạy sau sẽ làm tiếp phần còn dở.")


def user_message(exc: BaseException) -> tuple[str, bool]:
    """One Vietnamese line for any failure of a verb, and whether it is one we foresaw (our own
    errors carry Vietnamese messages; an OSError or SQLite error is mapped above). Anything else
    is a bug: the line says so, and the caller keeps the technical detail for support."""
    if isinstance(exc, (KeyboardInterrupt, Interrupted)):
        return INTERRUPTED, True
    if isinstance(exc, OSError):
        return os_error_message(exc), True
    if isinstance(exc, sqlite3.Error):
        return sqlite_error_message(exc), True
    if type(exc).__module__.startswith("aggregator.") and str(exc):
        return str(exc), True
    return (f"Chương trình gặp lỗi ngoài dự kiến ({type(exc).__name__}). Không tệp nào bị mất: tệp "
            "đã xử lý xong đã được lưu, tệp chưa xử lý vẫn ở inbox. Hãy chạy lại; nếu vẫn lỗi thì "
            "gửi tệp nhật ký nhat-ky-tong-hop.txt cho người hỗ trợ kỹ thuật."), False
