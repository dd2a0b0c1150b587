"""E-mails (.eml) and zips (.zip) dropped in the inbox (issue 17): every spreadsheet inside is taken
in, the container is archived byte for byte and linked in the ledger, the received time comes from
the mail server, the sender is on record, and every hostile container is refused by itself."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import warnings
import zipfile
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aggregator import api
from aggregator.intake import containers as C
from aggregator.ledger import Ledger
from tests.conftest import fill_by_contract, sample_values, set_mtime

AS_OF = date(2024, 7, 1)
ON_TIME = datetime(2024, 6, 10, 9)
FAST = "settle_seconds = 0\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Issue codes these tests produce (the corpus test checks every code is produced somewhere).
COVERED = {"container-refused"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("forms") / "ws"
    return {p.stem.rsplit("-", 1)[-1]: p for p in
            api.make_templates(root, form="KTCV", period="2024-H1") if "theo-don-vi" in p.parts}


@pytest.fixture(scope="module")
def filled(forms, tmp_path_factory) -> dict[str, bytes]:
    """Filled KTCV 2024-H1 forms of STP and SNV, as bytes."""
    folder = tmp_path_factory.mktemp("filled")
    return {code: fill_by_contract(forms[code], folder / f"{code}.xlsx",
                                   sample_values(code)).read_bytes() for code in ("STP", "SNV")}


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
    (root / "aggregator.toml").write_text(FAST, encoding="utf-8")
    return root


def _zip(members: dict[str, bytes], utf8: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _mail(attachments: dict[str, bytes], received: str | None, date_: datetime | None,
          sender: str = "Phòng Nội vụ <noivu@thainguyen.gov.vn>") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "sonoivu@thainguyen.gov.vn"
    message["Subject"] = "Báo cáo KTCV 6 tháng"
    message["Message-ID"] = "<abc123@thainguyen.gov.vn>"
    if date_ is not None:
        message["Date"] = format_datetime(date_)
    message.set_content("Kính gửi Sở Nội vụ, đơn vị gửi báo cáo đính kèm.")
    for name, data in attachments.items():
        if name.endswith(".zip"):
            message.add_attachment(data, maintype="application", subtype="zip", filename=name)
        elif name.endswith(".png"):
            message.add_attachment(data, maintype="image", subtype="png", filename=name)
        else:
            maintype, subtype = XLSX.split("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    raw = message.as_bytes()
    if received is not None:  # the department's mail server puts its header on top
        raw = f"Received: from mail.thainguyen.gov.vn by mx.sonoivu; {received}\r\n".encode() + raw
    return raw


def _by_name(result) -> dict:
    return {f.name: f for f in result.files}


def _ledger_rows(root: Path, sql: str) -> list:
    with Ledger(root / "ledger.sqlite3") as ledger:
        return [dict(r) for r in ledger.conn.execute(sql).fetchall()]


# 1. a zip, end to end ---------------------------------------------------------------------------
def test_a_zip_of_forms_is_taken_in_archived_and_linked(tmp_path, filled):
    root = _workspace(tmp_path)
    data = _zip({"Báo cáo STP.xlsx": filled["STP"], "xã/Báo cáo SNV.xlsx": filled["SNV"],
                 "công văn.pdf": b"%PDF-1.4"})
    container = root / "inbox" / "huyện gửi.zip"
    container.write_bytes(data)
    set_mtime(container, ON_TIME)
    result = api.run(root, AS_OF)
    files = _by_name(result)
    stp = files["huyện gửi.zip › Báo cáo STP.xlsx"]
    assert (stp.status, stp.unit) == ("accepted", "STP")
    assert files["huyện gửi.zip › xã/Báo cáo SNV.xlsx"].status == "accepted"
    assert (files["huyện gửi.zip › công văn.pdf"].status,
            files["huyện gửi.zip › công văn.pdf"].reason) == ("ignored", C.NOT_SPREADSHEET)
    assert stp.received == ON_TIME.isoformat() and stp.received_from == "file-time"
    assert not container.exists()  # released once archived and recorded
    assert not any((root / "inbox").iterdir())
    [box] = _ledger_rows(root, "SELECT * FROM containers")
    assert box["sha256"] == _sha(data) and box["released_at"] is not None
    assert Path(box["stored_path"]).read_bytes() == data  # byte for byte
    subs = _ledger_rows(root, "SELECT sha256, stored_path, container_sha256 FROM submissions")
    assert {s["container_sha256"] for s in subs} == {_sha(data)}
    assert {s["sha256"] for s in subs} == {_sha(filled["STP"]), _sha(filled["SNV"])}
    for s in subs:
        assert _sha(Path(s["stored_path"]).read_bytes()) == s["sha256"]
    assert not any((root / "archive" / ".hop-thu").rglob("*.xlsx"))  # staging emptied


def test_what_a_mac_adds_to_a_zip_is_ignored_not_rejected(tmp_path, filled):
    """Finder puts '__MACOSX/…/._<name>' beside every file it zips: metadata, never a form."""
    root = _workspace(tmp_path)
    (root / "inbox" / "gửi từ Mac.zip").write_bytes(_zip({
        "Báo cáo/STP.xlsx": filled["STP"],
        "__MACOSX/Báo cáo/._STP.xlsx": b"\x00\x05\x16\x07" + b"\x00" * 60,
        "Báo cáo/._SNV.xlsx": b"\x00\x05\x16\x07" + b"\x00" * 60}))
    set_mtime(root / "inbox" / "gửi từ Mac.zip", ON_TIME)
    files = _by_name(api.run(root, AS_OF))
    assert files["gửi từ Mac.zip › Báo cáo/STP.xlsx"].status == "accepted"
    for junk in ("__MACOSX/Báo cáo/._STP.xlsx", "Báo cáo/._SNV.xlsx"):
        outcome = files[f"gửi từ Mac.zip › {junk}"]
        assert (outcome.status, outcome.reason) == ("ignored", C.MAC_METADATA)
    assert not any((root / "rejected").rglob("*.xlsx"))


def test_a_second_run_on_the_same_zip_reports_duplicates_not_new_files(tmp_path, filled):
    root = _workspace(tmp_path)
    data = _zip({"STP.xlsx": filled["STP"]})
    (root / "inbox" / "a.zip").write_bytes(data)
    api.run(root, AS_OF)
    (root / "inbox" / "b.zip").write_bytes(data)
    files = _by_name(api.run(root, AS_OF))
    assert files["b.zip › STP.xlsx"].status == "duplicate"
    assert not (root / "inbox" / "b.zip").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "cp1258"])
def test_legacy_member_names_without_the_utf8_flag_read_right(tmp_path, filled, encoding):
    root = _workspace(tmp_path)
    name = "Báo cáo.xlsx".encode(encoding)  # as an old Windows tool wrote it, flag not set
    placeholder = ("a" * (len(name) - 5) + ".xlsx").encode()
    raw = _zip({placeholder.decode(): filled["STP"]}).replace(placeholder, name)
    assert not zipfile.ZipFile(io.BytesIO(raw)).infolist()[0].flag_bits & 0x800
    (root / "inbox" / "cũ.zip").write_bytes(raw)
    files = _by_name(api.run(root, AS_OF))
    assert files["cũ.zip › Báo cáo.xlsx"].status == "accepted"


# 2. e-mails -------------------------------------------------------------------------------------
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_an_email_is_taken_in_with_the_mail_servers_time_and_the_sender(tmp_path, filled):
    root = _workspace(tmp_path)
    # Sent on 14/6 at 23:50 Hanoi time (16:50 UTC), received by the server at 17:05 UTC; the
    # clerk saves it three weeks later: the file time must not count.
    data = _mail({"Báo cáo STP.xlsx": filled["STP"], "chữ ký.png": b"\x89PNG"},
                 received="Fri, 14 Jun 2024 17:05:00 +0000",
                 date_=datetime(2024, 6, 14, 23, 50, tzinfo=VN))
    mail = root / "inbox" / "thư STP.eml"
    mail.write_bytes(data)
    set_mtime(mail, datetime(2024, 7, 5, 8))
    result = api.run(root, AS_OF)
    files = _by_name(result)
    stp = files["thư STP.eml › Báo cáo STP.xlsx"]
    assert (stp.status, stp.unit) == ("accepted", "STP")
    assert (stp.received, stp.received_from) == ("2024-06-15T00:05:00", "mail-server")
    assert stp.sender == "Phòng Nội vụ <noivu@thainguyen.gov.vn>"
    assert files["thư STP.eml › chữ ký.png"].reason == C.NOT_SPREADSHEET
    document = result.to_dict()
    [entry] = [f for f in document["files"] if f["name"] == stp.name]
    assert entry["received_from"] == "mail-server"
    assert not mail.exists()
    [box] = _ledger_rows(root, "SELECT * FROM containers")
    assert (box["sender"], box["subject"], box["message_id"], box["received_from"]) == (
        stp.sender, "Báo cáo KTCV 6 tháng", "<abc123@thainguyen.gov.vn>", "mail-server")
    assert Path(box["stored_path"]).read_bytes() == data
    [row] = _ledger_rows(root, "SELECT received_at FROM submissions")
    assert row["received_at"] == "2024-06-15T00:05:00"
    [entry] = api.history(root, "STP")
    assert entry.sender == stp.sender and entry.file == stp.name


def test_without_received_the_date_header_counts(tmp_path, filled):
    root = _workspace(tmp_path)
    data = _mail({"STP.xlsx": filled["STP"]}, received=None,
                 date_=datetime(2024, 6, 10, 3, 0, tzinfo=ZoneInfo("UTC")))
    (root / "inbox" / "thư.eml").write_bytes(data)
    stp = _by_name(api.run(root, AS_OF))["thư.eml › STP.xlsx"]
    assert (stp.received, stp.received_from) == ("2024-06-10T10:00:00", "mail-date")


@pytest.mark.parametrize("source", ["mail-server", "mail-date", "file-time"])
def test_an_archived_member_is_dated_with_its_containers_received_time(tmp_path, filled, source):
    """The archive alone tells when each form arrived: a member's copy has the container's
    received time as its modification time, as a file dropped in the inbox keeps its own."""
    root = _workspace(tmp_path)
    expected = datetime(2024, 6, 14, 16, 30, tzinfo=VN)  # what each source says
    if source == "file-time":
        container = root / "inbox" / "huyện.zip"
        container.write_bytes(_zip({"Báo cáo STP.xlsx": filled["STP"]}))
        set_mtime(container, expected)
    else:
        container = root / "inbox" / "thư.eml"
        container.write_bytes(_mail(
            {"Báo cáo STP.xlsx": filled["STP"], "kèm.zip": _zip({"SNV.xlsx": filled["SNV"]})},
            received="Fri, 14 Jun 2024 09:30:00 +0000" if source == "mail-server" else None,
            date_=expected if source == "mail-date" else datetime(2024, 6, 1, 8, tzinfo=VN)))
        set_mtime(container, datetime(2024, 6, 28, 8))  # saved by the clerk two weeks later
    result = api.run(root, AS_OF)
    members = [f for f in result.files if f.status == "accepted"]
    assert members and {f.received_from for f in members} == {source}
    assert {f.received for f in members} == {"2024-06-14T16:30:00"}
    rows = _ledger_rows(root, "SELECT stored_path, received_at FROM submissions")
    assert len(rows) == len(members)
    for row in rows:
        stored = Path(row["stored_path"])
        assert stored.stat().st_mtime == expected.timestamp(), stored.name
        assert row["received_at"] == "2024-06-14T16:30:00"


def test_a_rejected_form_in_an_email_says_whom_to_answer(tmp_path, filled, forms):
    root = _workspace(tmp_path)
    values = sample_values("SNV")
    values["1"] = int(values["1"]) + 1  # a total that does not add up
    wrong = fill_by_contract(forms["SNV"], tmp_path / "sai.xlsx", values).read_bytes()
    (root / "inbox" / "thư SNV.eml").write_bytes(_mail(
        {"SNV.xlsx": wrong, "kèm.zip": _zip({"STP.xlsx": filled["STP"]})},
        received="Mon, 10 Jun 2024 02:00:00 +0000", date_=None,
        sender="Văn phòng <vanphong@snv.gov.vn>"))
    files = _by_name(api.run(root, AS_OF))
    snv = files["thư SNV.eml › SNV.xlsx"]
    assert snv.status == "rejected"
    note = snv.note.read_text(encoding="utf-8-sig")
    assert "trả lời về địa chỉ Văn phòng <vanphong@snv.gov.vn>" in note
    # a zip attached to the e-mail: its members are taken in too (two levels)
    assert files["thư SNV.eml › kèm.zip › STP.xlsx"].status == "accepted"


def test_an_email_without_a_form_is_ignored_with_its_reason_and_archived(tmp_path):
    root = _workspace(tmp_path)
    data = _mail({"ảnh.png": b"\x89PNG"}, received=None, date_=None)
    (root / "inbox" / "hỏi thăm.eml").write_bytes(data)
    files = _by_name(api.run(root, AS_OF))
    mail = files["hỏi thăm.eml"]
    assert (mail.status, mail.reason) == ("ignored", C.NO_FORMS)
    assert mail.stored.read_bytes() == data
    assert not (root / "inbox" / "hỏi thăm.eml").exists()


# 3. made by real programs -----------------------------------------------------------------------
@pytest.mark.parametrize("tool", ["zip", "7z"])
def test_zips_made_by_real_programs_with_vietnamese_names(tmp_path, filled, tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (Debian: zip, p7zip-full)")
    root = _workspace(tmp_path)
    source = tmp_path / "gửi"
    source.mkdir()
    (source / "Báo cáo Sở Tư pháp.xlsx").write_bytes(filled["STP"])
    (source / "Báo cáo Sở Nội vụ.xlsx").write_bytes(filled["SNV"])
    target = root / "inbox" / "tổng hợp huyện.zip"
    command = ([tool, "-q", "-r", str(target), "."] if tool == "zip"
               else [tool, "a", "-tzip", "-bd", str(target), "."])
    subprocess.run(command, cwd=source, check=True, capture_output=True)
    data = target.read_bytes()
    files = _by_name(api.run(root, AS_OF))
    assert files["tổng hợp huyện.zip › Báo cáo Sở Tư pháp.xlsx"].status == "accepted"
    assert files["tổng hợp huyện.zip › Báo cáo Sở Nội vụ.xlsx"].status == "accepted"
    [box] = _ledger_rows(root, "SELECT stored_path FROM containers")
    assert Path(box["stored_path"]).read_bytes() == data


def test_an_encrypted_zip_made_by_zip_asks_for_the_file_itself(tmp_path, filled):
    if shutil.which("zip") is None:
        pytest.skip("zip is not installed (Debian: zip)")
    root = _workspace(tmp_path)
    (tmp_path / "STP.xlsx").write_bytes(filled["STP"])
    target = root / "inbox" / "mật.zip"
    subprocess.run(["zip", "-q", "-P", "bimat", str(target), "STP.xlsx"], cwd=tmp_path,
                   check=True, capture_output=True)
    files = _by_name(api.run(root, AS_OF))
    assert files["mật.zip"].status == "rejected"
    assert C.ENCRYPTED in files["mật.zip"].errors[0].message


# 4. hostile containers, each failing itself only ------------------------------------------------
def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bom.xlsx", b"\0" * (20 << 20))  # 20 MB of zeros: ratio ≈ 1000
    return buffer.getvalue()


def _duplicate_names(filled: bytes) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns, and writes both
        archive.writestr("STP.xlsx", filled)
        archive.writestr("STP.xlsx", filled + b"x")
    return buffer.getvalue()


def _too_many() -> bytes:
    return _zip({f"t{i}.txt": b"x" for i in range(C.MAX_MEMBERS + 1)})


def _mime_bomb(levels: int = C.MAX_MIME_NESTING + 3) -> bytes:
    text = "Content-Type: text/plain\r\n\r\nx\r\n"
    for level in range(levels):
        text = (f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'
                f"{text}--b{level}--\r\n")
    return ("From: a@b.vn\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + text).encode()


def _many_parts(count: int = C.MAX_MEMBERS + 5) -> bytes:
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\n{i}\r\n"
                    for i in range(count))
    return ("From: a@b.vn\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\""
            f"\r\n\r\n{parts}--b--\r\n").encode()


@pytest.mark.parametrize("name, make, reason", [
    ("bom.zip", lambda f: _bomb(), C.TOO_COMPRESSED),
    ("leo.zip", lambda f: _zip({"../../ngoài.xlsx": f}), C.TRAVERSAL),
    ("tuyệt đối.zip", lambda f: _zip({"/etc/STP.xlsx": f}), C.TRAVERSAL),
    ("ổ đĩa.zip", lambda f: _zip({"C:\\Windows\\STP.xlsx": f}), C.TRAVERSAL),
    ("trùng.zip", _duplicate_names, C.DUPLICATE_NAMES),
    ("nhiều.zip", lambda f: _too_many(), C.TOO_MANY.format(limit=C.MAX_MEMBERS)),
    ("ba lớp.zip", lambda f: _zip({"a.zip": _zip({"b.zip": _zip({"STP.xlsx": f})})}),
     C.TOO_DEEP.format(limit=C.MAX_DEPTH)),
    ("hỏng.zip", lambda f: b"PK\x03\x04 not a zip", C.DAMAGED_ZIP),
    ("lồng sâu.eml", lambda f: _mime_bomb(), C.MIME_BOMB),
    ("nhiều phần.eml", lambda f: _many_parts(), C.MIME_BOMB),
    ("trăm nghìn phần.eml", lambda f: _many_parts(100_000), C.MIME_BOMB),  # refused unparsed
    ("lồng nghìn lớp.eml", lambda f: _mime_bomb(3000), C.MIME_BOMB),
])
def test_a_hostile_container_is_refused_and_the_others_go_on(tmp_path, filled, name, make, reason):
    root = _workspace(tmp_path)
    data = make(filled["STP"])
    (root / "inbox" / name).write_bytes(data)
    (root / "inbox" / "SNV.zip").write_bytes(_zip({"SNV.xlsx": filled["SNV"]}))
    files = _by_name(api.run(root, AS_OF))
    refused = files[name]
    assert refused.status == "rejected" and refused.reason is None
    assert [(e.code, e.message) for e in refused.errors] == [
        ("container-refused", f"Không lấy được tệp nào từ thư/tệp nén này: {reason}.")]
    assert refused.stored.read_bytes() == data  # kept byte for byte in rejected/
    assert reason in refused.note.read_text(encoding="utf-8-sig")
    assert not [n for n in files if n.startswith(name + C.SEPARATOR)]  # nothing extracted
    assert files["SNV.zip › SNV.xlsx"].status == "accepted"
    assert not (root / "inbox" / name).exists()
    assert not list(tmp_path.rglob("ngoài.xlsx"))


def test_control_characters_in_names_and_headers_never_reach_outputs(tmp_path, filled):
    root = _workspace(tmp_path)
    data = _mail({"STP\x1b[31m.xlsx": filled["STP"]}, received=None, date_=None,
                 sender="Kẻ xấu <a@b.vn>")
    data = data.replace(b"Subject: ", b"Subject: =?utf-8?q?x=0ABcc:_c@d.vn?= ", 1)
    (root / "inbox" / "thư.eml").write_bytes(data)
    files = _by_name(api.run(root, AS_OF))
    [name] = [n for n in files if n.startswith("thư.eml › STP")]
    assert "\x1b" not in name and "\ufffd" in name
    assert files[name].status == "accepted"
    [box] = _ledger_rows(root, "SELECT subject FROM containers")
    assert "\n" not in box["subject"] and "\ufffd" in box["subject"]


# 5. a run that could not release the container ----------------------------------------------------
def test_a_container_that_could_not_leave_the_inbox_is_only_released_next_run(tmp_path, filled):
    from aggregator.pipeline import faults

    root = _workspace(tmp_path)
    mail = root / "inbox" / "thư.eml"
    mail.write_bytes(_mail({"STP.xlsx": filled["STP"]}, received=None, date_=None))

    def open_in_outlook(subject: Path | None) -> None:
        if subject == mail:
            raise PermissionError("locked")

    with faults.on("before-release", open_in_outlook):
        first = _by_name(api.run(root, AS_OF))
    assert first["thư.eml › STP.xlsx"].status == "accepted"
    assert first["thư.eml"].status == "waiting" and mail.exists()
    second = _by_name(api.run(root, AS_OF))
    assert "thư.eml › STP.xlsx" not in second or second["thư.eml › STP.xlsx"].status != "duplicate"
    assert not mail.exists()
    assert len(_ledger_rows(root, "SELECT id FROM submissions")) == 1  # never twice
    [box] = _ledger_rows(root, "SELECT released_at FROM containers")
    assert box["released_at"] is not None


def test_a_container_whose_copy_failed_is_finished_next_run_without_duplicates(tmp_path, filled):
    from aggregator.pipeline import faults

    root = _workspace(tmp_path)
    box_path = root / "inbox" / "huyện.zip"
    data = _zip({"STP.xlsx": filled["STP"]})
    box_path.write_bytes(data)

    def disk_error(subject: Path | None) -> None:
        if subject == box_path:
            raise OSError("disk")

    with faults.on("before-copy", disk_error):
        first = _by_name(api.run(root, AS_OF))
    assert first["huyện.zip › STP.xlsx"].status == "accepted"
    assert first["huyện.zip"].status == "waiting" and box_path.read_bytes() == data
    assert not _ledger_rows(root, "SELECT id FROM containers")
    second = _by_name(api.run(root, AS_OF))
    assert "huyện.zip" not in second and not box_path.exists()
    assert [r["status"] for r in _ledger_rows(root, "SELECT status FROM submissions")] == [
        "accepted"]
    [box] = _ledger_rows(root, "SELECT stored_path FROM containers")
    assert Path(box["stored_path"]).read_bytes() == data


def test_sizes_are_bounded_before_anything_is_extracted(tmp_path, filled):
    root = _workspace(tmp_path)
    (root / "aggregator.toml").write_text(FAST + "max_file_mb = 1\nmax_unzipped_mb = 1\n",
                                          encoding="utf-8")
    big = bytes(range(256)) * 5000  # 1.2 MB
    part = bytes(range(256)) * 1600  # 400 KB each, well compressed: three make 1.2 MB unpacked
    (root / "inbox" / "lớn.zip").write_bytes(big)  # the container itself is too big
    (root / "inbox" / "tổng lớn.zip").write_bytes(_zip({f"{n}.xlsx": part for n in "abc"}))
    files = _by_name(api.run(root, AS_OF))
    assert C.TOO_BIG.format(limit=1) in files["lớn.zip"].errors[0].message
    assert C.TOO_BIG_TOTAL in files["tổng lớn.zip"].errors[0].message


# 6. e-mails written by real mail programs -------------------------------------------------------
def test_an_email_written_by_mutt_is_taken_in(tmp_path, filled):
    if shutil.which("mutt") is None:
        pytest.skip("mutt is not installed (Debian: mutt)")
    root = _workspace(tmp_path)
    attachment = tmp_path / "Báo cáo Sở Tư pháp.xlsx"
    attachment.write_bytes(filled["STP"])
    out = tmp_path / "sent.eml"
    save = tmp_path / "save.sh"  # mutt "sends" by handing the message to this program
    save.write_text(f'#!/bin/sh\ncat > "{out}"\n', encoding="utf-8")
    save.chmod(0o755)
    rc = tmp_path / "muttrc"
    rc.write_text(f'set sendmail="{save}"\nset from="Sở Tư pháp <stp@thainguyen.gov.vn>"\n'
                  'set use_from=yes\nset send_charset="utf-8"\nset record=""\n', encoding="utf-8")
    subprocess.run(["mutt", "-n", "-F", str(rc), "-s", "Báo cáo KTCV 6 tháng", "-a",
                    str(attachment), "--", "sonoivu@thainguyen.gov.vn"],
                   input="Kính gửi Sở Nội vụ".encode(), check=True, capture_output=True,
                   timeout=60, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    # What the department's server adds on top when the message arrives.
    data = b"Received: from mx.stp by mail.sonoivu; Mon, 10 Jun 2024 08:00:00 +0700\n" + \
        out.read_bytes()
    mail = root / "inbox" / "thư STP.eml"
    mail.write_bytes(data)
    set_mtime(mail, datetime(2024, 6, 28, 8))  # saved by the clerk after the deadline
    result = api.run(root, AS_OF)
    stp = _by_name(result)["thư STP.eml › Báo cáo Sở Tư pháp.xlsx"]
    assert (stp.status, stp.unit, stp.late) == ("accepted", "STP", False)
    assert (stp.received, stp.received_from) == ("2024-06-10T08:00:00", "mail-server")
    assert stp.sender == "Sở Tư pháp <stp@thainguyen.gov.vn>"
    [row] = [r for r in result.to_dict()["rounds"]
             if (r["form"], r["period"]) == ("KTCV", "2024-H1")]
    assert (row["on_time"], row["late"]) == (1, 0)
    [entry] = api.history(root, "STP")
    assert entry.sender == stp.sender


def test_an_email_written_by_mpack_is_taken_in(tmp_path, filled):
    if shutil.which("mpack") is None:
        pytest.skip("mpack is not installed (Debian: mpack)")
    root = _workspace(tmp_path)
    attachment = tmp_path / "Báo cáo.xlsx"
    attachment.write_bytes(filled["STP"])
    target = root / "inbox" / "thư.eml"
    subprocess.run(["mpack", "-s", "Báo cáo", "-o", str(target), str(attachment)],
                   cwd=tmp_path, check=True, capture_output=True, timeout=60)
    set_mtime(target, ON_TIME)  # mpack writes neither Date: nor Received:
    stp = _by_name(api.run(root, AS_OF))["thư.eml › Báo cáo.xlsx"]
    assert (stp.status, stp.unit) == ("accepted", "STP")
    assert (stp.received, stp.received_from) == (ON_TIME.isoformat(), "file-time")


def test_two_attachments_of_one_name_are_both_taken_in(tmp_path, filled):
    root = _workspace(tmp_path)
    message = EmailMessage()
    message["From"] = "huyen@thainguyen.gov.vn"
    message.set_content("Chuyển tiếp báo cáo của hai đơn vị.")
    for code in ("STP", "SNV"):
        message.add_attachment(filled[code], maintype="application", subtype="octet-stream",
                               filename="Báo cáo.xlsx")
    (root / "inbox" / "chuyển tiếp.eml").write_bytes(message.as_bytes())
    files = _by_name(api.run(root, AS_OF))
    assert files["chuyển tiếp.eml › Báo cáo.xlsx"].unit == "STP"
    assert files["chuyển tiếp.eml › Báo cáo (2).xlsx"].unit == "SNV"
    assert {f.status for n, f in files.items() if "›" in n} == {"accepted"}


def test_the_same_email_dropped_again_shows_its_forms_as_duplicates(tmp_path, filled):
    root = _workspace(tmp_path)
    data = _mail({"STP.xlsx": filled["STP"]}, received=None, date_=None)
    (root / "inbox" / "thư.eml").write_bytes(data)
    api.run(root, AS_OF)
    (root / "inbox" / "thư.eml").write_bytes(data)  # the clerk drags it in once more
    files = _by_name(api.run(root, AS_OF))
    assert files["thư.eml › STP.xlsx"].status == "duplicate"
    assert not (root / "inbox" / "thư.eml").exists()
    assert [r["status"] for r in _ledger_rows(root, "SELECT status FROM submissions")] == [
        "accepted", "duplicate"]


def test_an_outlook_msg_is_ignored_with_advice_and_left_in_the_inbox(tmp_path, filled):
    root = _workspace(tmp_path)
    msg = root / "inbox" / "thư Outlook.msg"
    msg.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 outlook")
    (root / "inbox" / "STP.zip").write_bytes(_zip({"STP.xlsx": filled["STP"]}))
    files = _by_name(api.run(root, AS_OF))
    assert (files["thư Outlook.msg"].status, files["thư Outlook.msg"].reason) == (
        "ignored", C.MSG_UNSUPPORTED)
    assert "lưu thư dạng .eml" in C.MSG_UNSUPPORTED
    assert msg.exists()  # untouched: the clerk saves it as .eml
    assert files["STP.zip › STP.xlsx"].status == "accepted"


def test_a_member_left_waiting_keeps_its_container_in_the_inbox(tmp_path, filled):
    from aggregator.pipeline import faults

    root = _workspace(tmp_path)
    box_path = root / "inbox" / "huyện.zip"
    data = _zip({"STP.xlsx": filled["STP"], "SNV.xlsx": filled["SNV"]})
    box_path.write_bytes(data)

    def disk_error(subject: Path | None) -> None:
        if subject is not None and subject.name.endswith("-SNV.xlsx"):
            raise OSError("disk")

    with faults.on("before-copy", disk_error):
        first = _by_name(api.run(root, AS_OF))
    assert first["huyện.zip › STP.xlsx"].status == "accepted"
    assert first["huyện.zip › SNV.xlsx"].status == "waiting"
    assert box_path.read_bytes() == data  # untouched while a member is not recorded
    assert not _ledger_rows(root, "SELECT id FROM containers")
    second = _by_name(api.run(root, AS_OF))
    assert second["huyện.zip › SNV.xlsx"].status == "accepted"
    assert "huyện.zip › STP.xlsx" not in second  # recorded once, only released
    assert not box_path.exists()
    assert sorted(r["status"] for r in _ledger_rows(root, "SELECT status FROM submissions")) == [
        "accepted", "accepted"]


# 5. the demo province ---------------------------------------------------------------------------
def test_the_demo_province_sends_a_third_of_its_forms_by_email_and_one_zip(demo_run):
    """The demo's e-mails were saved into the inbox on the day of the run (their file time,
    20/12/2024, would make every form late): the mail server's time decides, as planned."""
    root = demo_run.workspace
    mailed = [f for f in demo_run.files if f.name.startswith("email/")]
    forms = [f for f in mailed if f.status != "ignored"]
    assert len(forms) > 30 and {f.status for f in forms} == {"accepted"}
    assert {f.received_from for f in forms} == {"mail-server"}
    assert all(f.sender.startswith("Văn thư ") and f.sender.endswith("@thainguyen.gov.vn>")
               for f in forms)
    assert {f.unit for f in forms if f.late} == {"SYT", "BDT"}  # the plan's late H1 units
    assert all(f.received < "2024-12-20" for f in forms)
    zipped = [f.name for f in forms if ".zip › " in f.name]
    box = "email/Báo cáo năm 2024 - Huyện Đồng Hỷ.eml › Báo cáo năm 2024 - Huyện Đồng Hỷ.zip › "
    assert sorted(zipped) == [box + "Báo cáo KTCV năm 2024 - Huyện Đồng Hỷ.xlsx",
                              box + "Kết quả khắc phục - Huyện Đồng Hỷ.xlsx"]
    ignored = [f for f in demo_run.files if f.status == "ignored"]
    assert ignored and all(f in mailed and f.reason == C.NOT_SPREADSHEET for f in ignored)
    assert {Path(f.name).suffix for f in ignored} == {".png", ".pdf"}
    boxes = _ledger_rows(root, "SELECT kind, stored_path, received_from, sender, released_at, "
                               "status FROM containers")
    assert len(boxes) == len({f.name.split(" › ")[0] for f in forms})
    assert {(b["kind"], b["received_from"], b["status"]) for b in boxes} == {
        ("eml", "mail-server", "archived")}
    assert all(b["released_at"] and Path(b["stored_path"]).stat().st_mtime
               == datetime(2024, 12, 20, 8, 5, tzinfo=VN).timestamp() for b in boxes)
    for row in _ledger_rows(root, "SELECT stored_path, received_at FROM submissions "
                                  "WHERE container_sha256 IS NOT NULL"):
        received = datetime.fromisoformat(row["received_at"]).replace(tzinfo=VN)
        assert Path(row["stored_path"]).stat().st_mtime == received.timestamp()
    assert not any((root / "inbox").rglob("*.*"))
