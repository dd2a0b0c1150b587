"""E-mails (.eml) and zips (.zip) in the inbox: each is a container whose spreadsheet members are
taken in like files dropped in the inbox.

Every member is checked before a byte of it is written (count, sizes, compression ratio, path
traversal, encryption, duplicate names, nesting depth, MIME parts), then written to a staging
folder inside the workspace, from which it is archived byte for byte like any file. The members'
received time is the container's: the mail server's topmost `Received:` header, else `Date:`,
else the file's modification time. A container that breaks a guard is refused whole, with a
Vietnamese reason; the others go on.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from aggregator.intake.archive import fit_name, safe_part
from aggregator.intake.scan import Incoming, Scan, Skipped, stamp

CONTAINER_SUFFIXES = {".zip", ".eml", ".msg"}
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
SEPARATOR = " › "

MAX_MEMBERS = 200  # zip members or MIME parts in one container
MAX_DEPTH = 2  # a .zip inside an e-mail, never a .zip inside a .zip inside an e-mail
MAX_MIME_NESTING = 8
MAX_RATIO = 100  # uncompressed / compressed, for members above 1 MB
MAX_HEADER_CHARS = 300

# Why a container or a member is not taken in (Vietnamese, one line).
NOT_SPREADSHEET = "tệp đính kèm không phải bảng tính biểu mẫu, không cần tổng hợp"
MAC_METADATA = ("tệp thông tin phụ do máy Mac ghi thêm khi nén (__MACOSX, ._…), không phải biểu "
                "mẫu")
NO_FORMS = "không có tệp biểu mẫu đính kèm"
MSG_UNSUPPORTED = ("thư lưu từ Outlook (.msg) chưa đọc được; hãy lưu thư dạng .eml (Lưu thành → "
                   ".eml) hoặc lưu riêng tệp biểu mẫu đính kèm vào inbox")
DAMAGED_ZIP = "tệp nén .zip bị hỏng, không mở được; đề nghị đơn vị gửi lại"
DAMAGED_MAIL = "tệp thư điện tử bị hỏng, không đọc được; hãy lưu lại thư từ chương trình thư"
ENCRYPTED = ("tệp nén có mật khẩu, không mở được; đề nghị đơn vị gửi chính tệp biểu mẫu "
             "(không nén, không đặt mật khẩu)")
TOO_MANY = "tệp nén hoặc thư có quá nhiều tệp bên trong (quá {limit}), không được mở"
TOO_BIG = "tệp bên trong tệp nén hoặc thư quá lớn khi giải nén (quá {limit} MB), không được mở"
TOO_BIG_TOTAL = "tổng dung lượng các tệp bên trong khi giải nén quá lớn, không được mở"
TOO_COMPRESSED = "tệp bên trong bị nén bất thường (có thể là bom nén), không được mở"
TRAVERSAL = "tệp nén chứa tên tệp trỏ ra ngoài thư mục (../, đường dẫn tuyệt đối), không được mở"
DUPLICATE_NAMES = "tệp nén chứa hai tệp trùng tên, không biết tệp nào đúng; đề nghị gửi lại"
TOO_DEEP = "tệp nén lồng nhau quá nhiều lớp (tối đa {limit} lớp), không được mở"
MIME_BOMB = "thư có cấu trúc bất thường (quá nhiều phần hoặc lồng nhau quá sâu), không được mở"


class Refused(Exception):
    """A container that breaks a guard: refused whole, with its Vietnamese reason."""


@dataclass
class Member:
    name: str  # as people read it
    data: bytes


@dataclass
class Container:
    """A container in the inbox and what it yielded."""

    item: Incoming
    kind: str  # "zip" | "eml" | "msg"
    received_from: str = "file-time"  # mail-server | mail-date | file-time
    sender: str | None = None
    subject: str | None = None
    message_id: str | None = None
    members: list[Incoming] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    refused: str | None = None  # why the whole container is refused


def clean(text: str | None, limit: int = MAX_HEADER_CHARS) -> str | None:
    """A name or header as shown in outputs: NFC, control characters (a new line injecting a
    header or a log line, an escape sequence) shown as '�', cut to `limit` characters."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", str(text))
    return "".join("\ufffd" if unicodedata.category(ch) == "Cc" else ch for ch in text)[:limit]


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name read right whether or not the archive flags it UTF-8: without the
    flag, Python reads it in cp437; older Vietnamese Windows tools wrote UTF-8 or cp1258."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = None
        if raw is not None:
            try:
                name = raw.decode("utf-8")
            except UnicodeDecodeError:
                name = raw.decode("cp1258", "replace")
    return clean(name.replace("\\", "/")) or "_"


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_path(name: str) -> bool:
    if name.startswith("/") or _DRIVE.match(name):
        return True
    return ".." in PurePosixPath(name).parts


def _mac_metadata(name: str) -> bool:
    """What macOS's Finder adds to every zip it makes: '__MACOSX/…' and '._<name>' files."""
    parts = PurePosixPath(name.split(SEPARATOR)[-1]).parts
    return "__MACOSX" in parts or (bool(parts) and parts[-1].startswith("._"))


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _zip_members(data: bytes, max_member: int, budget: list[int]) -> list[Member]:
    """The files of a zip, every guard checked on the directory before anything is extracted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise Refused(DAMAGED_ZIP) from exc
    if len(infos) > MAX_MEMBERS:
        raise Refused(TOO_MANY.format(limit=MAX_MEMBERS))
    names = set()
    for info in infos:
        name = member_name(info)
        if _unsafe_path(name):
            raise Refused(TRAVERSAL)
        if name.casefold() in names:
            raise Refused(DUPLICATE_NAMES)
        names.add(name.casefold())
        if info.flag_bits & 0x1:
            raise Refused(ENCRYPTED)
        if info.file_size > max_member:
            raise Refused(TOO_BIG.format(limit=max_member // (1024 * 1024)))
        if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(TOO_COMPRESSED)
        budget[0] -= info.file_size
        if budget[0] < 0:
            raise Refused(TOO_BIG_TOTAL)
    members = []
    for info in infos:
        try:
            with archive.open(info) as f:
                content = f.read(info.file_size + 1)  # the directory may lie: never read more
        except RuntimeError as exc:  # encrypted without the flag we checked
            raise Refused(ENCRYPTED) from exc
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
            raise Refused(DAMAGED_ZIP) from exc
        if len(content) > info.file_size:
            raise Refused(TOO_COMPRESSED)
        members.append(Member(member_name(info), content))
    return members


def _mail_time(message, zone: ZoneInfo | None) -> tuple[datetime | None, str]:
    """Received time from the topmost `Received:` header (the department's own mail server),
    else `Date:`, as a naive wall-clock time of `zone`."""
    candidates = []
    received = message.get_all("Received") or []
    if received:
        text = str(received[0])
        if ";" in text:
            candidates.append((text.rsplit(";", 1)[1].strip(), "mail-server"))
    if message.get("Date"):
        candidates.append((str(message.get("Date")), "mail-date"))
    for text, source in candidates:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            continue
        if moment is None or moment.tzinfo is None:
            continue
        return moment.astimezone(zone).replace(tzinfo=None, microsecond=0), source
    return None, "file-time"


MAX_DELIMITER_LINES = 2000  # lines starting with '--' (MIME boundaries) before any parsing


def _mail_members(data: bytes) -> tuple[object, list[Member]]:
    # The parser's time grows with the number of parts (100,000 parts in 4 MB: 18 s): count the
    # boundary lines first, cheaply.
    if data.count(b"\n--") > MAX_DELIMITER_LINES:
        raise Refused(MIME_BOMB)
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except RecursionError as exc:  # multiparts nested thousands deep
        raise Refused(MIME_BOMB) from exc
    except Exception as exc:  # the parser is lenient; anything it raises means a damaged file
        raise Refused(DAMAGED_MAIL) from exc
    count = 0
    members = []

    def walk(part, depth: int) -> None:
        nonlocal count
        count += 1
        if count > MAX_MEMBERS or depth > MAX_MIME_NESTING:
            raise Refused(MIME_BOMB)
        if part.is_multipart():
            payload = part.get_payload()
            if not isinstance(payload, list):
                return
            for sub in payload:
                walk(sub, depth + 1)
            return
        filename = part.get_filename()
        if not filename:
            return
        content = part.get_payload(decode=True) or b""
        members.append(Member(clean(filename.replace("\\", "/").rsplit("/", 1)[-1]) or "_",
                              content))

    try:
        walk(message, 0)
    except Refused:
        raise
    except Exception as exc:
        raise Refused(DAMAGED_MAIL) from exc
    return message, members


def _sender(message) -> str | None:
    name, address = email.utils.parseaddr(str(message.get("From", "")))
    if not address:
        return None
    return clean(f"{name} <{address}>" if name else address)


def _stage(container: Container, name: str, data: bytes, staging: Path, zone_time: datetime,
           zone: ZoneInfo | None) -> Incoming:
    """A member written to the staging folder, dated with its container's received time: the
    archived copy keeps that date as its modification time, as a file dropped in the inbox keeps
    its own, so the archive alone still tells when each form was received."""
    sha = hashlib.sha256(data).hexdigest()
    folder = staging / container.item.sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / fit_name(f"{sha[:12]}-{safe_part(PurePosixPath(name).name)}")
    if not (path.exists() and path.stat().st_size == len(data)):
        path.write_bytes(data)
    stamp(path, zone_time, zone)
    return Incoming(path, f"{container.item.relative}{SEPARATOR}{name}", sha, len(data),
                    zone_time, path.stat().st_mtime_ns, container=container.item.sha256)


def _unique(name: str, seen: set[str]) -> str:
    """`name`, or 'name (2).xlsx', 'name (3).xlsx'… when an earlier member already has it."""
    candidate, n = name, 1
    path = PurePosixPath(name)
    while candidate.casefold() in seen:
        n += 1
        candidate = str(path.with_name(f"{path.stem} ({n}){path.suffix}"))
    seen.add(candidate.casefold())
    return candidate


def open_container(item: Incoming, staging: Path, zone: ZoneInfo | None, max_member: int,
                   max_total: int) -> Container:
    """The container's members staged as files, its provenance, or why it is refused."""
    kind = _suffix(item.relative)[1:]
    container = Container(item, kind)
    try:
        # The container itself is read whole (the e-mail parser needs it): no larger than a file
        # may be (max_file_mb), which keeps the memory of one container bounded.
        if item.size > max_member:
            raise Refused(TOO_BIG.format(limit=max_member // (1024 * 1024)))
        data = item.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != item.sha256:
            raise OSError("changed")  # rewritten since it was hashed: the next run takes it
        budget = [max_total]
        if kind == "eml":
            message, members = _mail_members(data)
            when, source = _mail_time(message, zone)
            if when is not None:
                container.item = item = replace(item, received_at=when)
                container.received_from = source
            container.sender = _sender(message)
            container.subject = clean(message.get("Subject"))
            container.message_id = clean(message.get("Message-ID"))
            depth = 1
        else:
            members = _zip_members(data, max_member, budget)
            depth = 1
        found: list[tuple[str, bytes]] = []
        for member in members:
            if _suffix(member.name) == ".zip":
                if depth + 1 > MAX_DEPTH:
                    raise Refused(TOO_DEEP.format(limit=MAX_DEPTH))
                for inner in _zip_members(member.data, max_member, budget):
                    if _suffix(inner.name) == ".zip":
                        raise Refused(TOO_DEEP.format(limit=MAX_DEPTH))
                    found.append((f"{member.name}{SEPARATOR}{inner.name}", inner.data))
            else:
                if len(member.data) > max_member:
                    raise Refused(TOO_BIG.format(limit=max_member // (1024 * 1024)))
                found.append((member.name, member.data))
        seen: set[str] = set()
        for name, content in found:
            name = _unique(name, seen)  # an e-mail may carry two attachments of one name
            if _mac_metadata(name):
                container.skipped.append(Skipped(f"{item.relative}{SEPARATOR}{name}", "ignored",
                                                 MAC_METADATA))
            elif _suffix(name) in SPREADSHEET_SUFFIXES:
                container.members.append(_stage(container, name, content, staging,
                                                item.received_at, zone))
            else:
                container.skipped.append(Skipped(f"{item.relative}{SEPARATOR}{name}", "ignored",
                                                 NOT_SPREADSHEET))
    except Refused as exc:
        container.members, container.skipped = [], []
        container.refused = str(exc)
    return container


def expand(scan: Scan, staging: Path, zone: ZoneInfo | None, max_member: int, max_total: int,
           settled: set[str] = frozenset()) -> tuple[Scan, list[Container]]:
    """The scan with each container replaced by its spreadsheet members. Containers whose hash is
    in `settled` (archived and recorded by a run killed before releasing them) are returned with
    no members: only their release is left to do."""
    files, containers, skipped = [], [], list(scan.skipped)
    for item in scan.files:
        if _suffix(item.relative) not in CONTAINER_SUFFIXES:
            files.append(item)
            continue
        if _suffix(item.relative) == ".msg":  # never taken in: stays in the inbox, with advice
            skipped.append(Skipped(item.relative, "ignored", MSG_UNSUPPORTED))
            continue
        if item.sha256 in settled:
            containers.append(Container(item, _suffix(item.relative)[1:]))
            continue
        try:
            container = open_container(item, staging, zone, max_member, max_total)
        except OSError:
            from aggregator.intake.scan import UNREADABLE_NOW
            skipped.append(Skipped(item.relative, "waiting", UNREADABLE_NOW))
            continue
        containers.append(container)
        files += container.members
        skipped += container.skipped
    return Scan(files, sorted(skipped, key=lambda s: s.relative)), containers
