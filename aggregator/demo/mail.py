"""The demo's e-mails and zips, built the way units send them and the clerk saves them.

An e-mail is written with Python's `email` package as a mail program saves it (.eml, CRLF), with
the department's mail server's `Received:` header on top: its time is when the form counts as
received. The clerk saves the e-mails long after (the .eml's own file time), which must not count.
Some e-mails carry a signature image or the covering letter as a PDF, which the run lists as
ignored. Boundaries and Message-IDs are derived from the content, not drawn at random.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from aggregator.units import Unit, reporting_name

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DOMAIN = "thainguyen.gov.vn"
DEPARTMENT = Address("Sở Nội vụ tỉnh Thái Nguyên", "sonoivu", DOMAIN)
MAIL_SERVER = "mx.sonoivu.thainguyen.gov.vn"
PUBLIC_MAIL = "mail.thainguyen.gov.vn"  # the province's public-service mail
TYPES = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".zip": ("application", "zip"),
    ".png": ("image", "png"),
    ".pdf": ("application", "pdf"),
}
_PREFIXES = ("Thành phố ", "Thị xã ", "Huyện ", "Quận ")


def mailbox(unit: Unit) -> Address:
    """The unit's clerical office: 'Văn thư Sở Y tế <vanthu.syt@thainguyen.gov.vn>',
    'Văn thư UBND huyện Đồng Hỷ <vanthu.donghy@thainguyen.gov.vn>'."""
    name = unit.name
    if unit.level == "district":
        for prefix in _PREFIXES:
            name = name.removeprefix(prefix)
        plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
        local = "".join(ch for ch in plain if ch.isascii() and ch.isalnum()).lower()
    else:
        local = unit.code.lower()
    return Address(f"Văn thư {reporting_name(unit)}", f"vanthu.{local}", DOMAIN)


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=ZONE)


def zipped(members: dict[str, bytes], when: datetime) -> bytes:
    """A .zip of `members` (Vietnamese names, flagged UTF-8), dated `when`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def email_bytes(unit: Unit, subject: str, attachments: dict[str, bytes], received: datetime,
                body: str) -> bytes:
    """The e-mail as saved from the mail program: `received` (wall-clock time of the plan's zone
    when naive) is the department's mail server's time on the topmost `Received:` header; the
    unit sent it a few minutes earlier (`Date:`, and the public mail server's `Received:`)."""
    received = _aware(received)
    sent = received - timedelta(minutes=3, seconds=12)
    sender = mailbox(unit)
    key = hashlib.sha256(f"{sender.addr_spec}|{subject}|{received.isoformat()}".encode())
    tag = key.hexdigest()[:16]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = DEPARTMENT
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<{tag}.{received:%Y%m%d%H%M%S}@{DOMAIN}>"
    message.set_content(body)
    for name, data in attachments.items():
        maintype, subtype = TYPES[PurePosixPath(name).suffix.lower()]
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    message.set_boundary(f"----=_Part_{tag}")
    hops = (
        f"Received: from {PUBLIC_MAIL} ({PUBLIC_MAIL} [10.32.1.10])\r\n"
        f"\tby {MAIL_SERVER} with ESMTPS id {tag[:10].upper()}\r\n"
        f"\tfor <{DEPARTMENT.addr_spec}>; {format_datetime(received)}\r\n"
        f"Received: from [10.32.8.{int(tag[:2], 16) % 200 + 20}] by {PUBLIC_MAIL}\r\n"
        f"\twith ESMTPSA id {tag[6:16].upper()}; {format_datetime(sent + timedelta(seconds=4))}\r\n"
    )
    return hops.encode("ascii") + message.as_bytes(policy=SMTP)


def body_text(unit: Unit, what: str, extra: str = "") -> str:
    """The few lines a clerk writes above the attachment."""
    return (f"Kính gửi: Sở Nội vụ tỉnh Thái Nguyên.\n\n"
            f"{reporting_name(unit)} gửi {what} (tệp đính kèm){extra}.\n\n"
            f"Trân trọng./.\n\n--\nBộ phận Văn thư – {reporting_name(unit)}\n"
            f"Thư điện tử: {mailbox(unit).addr_spec}\n")


def _figure_bytes(draw, size: tuple[float, float], fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no screen
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=size, dpi=100)
    try:
        draw(fig)
        buffer = io.BytesIO()
        metadata = {"CreationDate": None} if fmt == "pdf" else {"Software": None}
        fig.savefig(buffer, format=fmt, metadata=metadata)
    finally:
        plt.close(fig)
    return buffer.getvalue()


def signature_png(unit: Unit) -> bytes:
    """The image a mail program puts under the clerk's signature (ignored by the run)."""
    import math

    def draw(fig) -> None:
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        xs = [i / 60 for i in range(61)]
        ax.plot([0.05 + 0.5 * x for x in xs],
                [0.62 + 0.12 * math.sin(9 * x) * (1 - x) for x in xs], color="#1F3A93", lw=2)
        ax.text(0.05, 0.18, f"Văn thư – {reporting_name(unit)}", fontsize=9, color="#333333",
                family="DejaVu Sans")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)

    return _figure_bytes(draw, (3.2, 0.9), "png")


def covering_letter_pdf(unit: Unit, number: int, what: str, day: datetime) -> bytes:
    """The unit's covering letter (công văn) as a one-page A4 PDF (ignored by the run)."""
    district = unit.level == "district"
    lines = [
        ("ỦY BAN NHÂN DÂN" if district else "UBND TỈNH THÁI NGUYÊN", 0.08, 0.95, "left", True),
        (unit.name.upper(), 0.08, 0.93, "left", True),
        (f"Số: {number}/{'UBND' if district else unit.code}-VP", 0.08, 0.90, "left", False),
        (f"V/v gửi {what}", 0.08, 0.88, "left", False),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 0.93, 0.95, "right", True),
        ("Độc lập - Tự do - Hạnh phúc", 0.86, 0.93, "right", True),
        (f"Thái Nguyên, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}", 0.93, 0.90,
         "right", False),
        ("Kính gửi: Sở Nội vụ tỉnh Thái Nguyên.", 0.5, 0.83, "center", False),
        (f"Thực hiện kế hoạch kiểm tra năm {day.year} của UBND tỉnh, {reporting_name(unit)}",
         0.12, 0.78, "left", False),
        (f"gửi {what} theo biểu mẫu của Sở Nội vụ (tệp đính kèm).", 0.08, 0.76, "left", False),
        ("Trân trọng./.", 0.12, 0.73, "left", False),
        ("Nơi nhận:", 0.08, 0.68, "left", True),
        ("- Như trên;", 0.08, 0.66, "left", False),
        ("- Lưu: VT.", 0.08, 0.645, "left", False),
        ("THỦ TRƯỞNG ĐƠN VỊ", 0.80, 0.68, "center", True),
    ]

    def draw(fig) -> None:
        for text, x, y, align, bold in lines:
            fig.text(x, y, text, ha=align, fontsize=10, family="DejaVu Serif",
                     fontweight="bold" if bold else "normal")

    return _figure_bytes(draw, (8.27, 11.69), "pdf")
