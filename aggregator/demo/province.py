"""The synthetic province of `make demo`, dropped into the inbox as units would send their files.

KTCV: every unit reports both rounds; a few late; two missing in the annual round; Sở Xây dựng's
annual file has a wrong total and is rejected. CCHC and KPKN: the annual reports, with one unit
missing and one late. DKT: the provincial team's records of eight direct inspections (one unit twice).

A third of the units send their forms by e-mail: the clerk saved each e-mail (.eml) into
`inbox/email/` on the day of the run, so only the mail server's time can tell when it came. One
district forwards its two annual forms in one .zip; a few e-mails carry a signature image or the
covering letter as a PDF. The others' files come from a USB stick or the shared folder.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from aggregator.demo import mail
from aggregator.demo.numbers import cchc_year, dkt_visit, kpkn_items, ktcv_year
from aggregator.forms import FormRegistry
from aggregator.intake.scan import stamp
from aggregator.render.forms.filled import fill_form
from aggregator.render.forms.template import write_form_template
from aggregator.units import DEFAULT_UNITS_FILE, Unit, UnitRegistry
from aggregator.workspace import Workspace
from aggregator.workspace.config import RoundConfig, load_config

MARKER = ".aggregator-demo"
DEMO_AS_OF = date(2024, 12, 20)
FOLDERS = ["email", "usb", "thu-muc-chung"]
BY_MAIL = "email"  # the folder of the saved e-mails
SAVED_AT = datetime.combine(DEMO_AS_OF, time(8, 5))  # when the clerk saved the e-mails


class NotADemoWorkspace(RuntimeError):
    """Refuse to wipe a folder that the demo did not create."""


@dataclass(frozen=True)
class DemoPlan:
    late_h1: tuple[str, ...] = ("SYT", "170", "BDT")
    late_y: tuple[str, ...] = ("SGTVT", "173")
    missing_y: tuple[str, ...] = ("SNGV", "171")
    wrong_sum_y: str = "SXD"
    late_cchc: tuple[str, ...] = ("SCT",)
    missing_cchc: tuple[str, ...] = ("SNGV",)
    zipped: str = "169"  # a district forwarding its annual KTCV and KPKN in one .zip
    signature: tuple[str, ...] = ("SKHDT", "172")  # their first e-mail has a signature image
    covering_letter: tuple[str, ...] = ("VPUBND",)  # its annual KTCV e-mail carries a PDF letter
    inspected: tuple[tuple[str, date], ...] = (
        ("STP", date(2024, 5, 14)), ("SYT", date(2024, 6, 4)), ("164", date(2024, 7, 9)),
        ("167", date(2024, 8, 13)), ("SGDDT", date(2024, 9, 10)), ("172", date(2024, 9, 24)),
        ("169", date(2024, 10, 15)), ("164", date(2024, 11, 5)),
    )


def _stamp(path: Path, when: datetime) -> None:
    stamp(path, when, ZoneInfo("Asia/Ho_Chi_Minh"))  # the plan's time zone, as units save


def _sent(round_: RoundConfig, late: bool, i: int) -> datetime:
    day = round_.late_from + timedelta(days=3) if late else round_.late_from - timedelta(days=2 + i % 10)
    return datetime.combine(day, time(9 + i % 8, 15))


class _Dropper:
    def __init__(self, ws: Workspace, tmp: Path, config, forms: FormRegistry):
        self.ws, self.tmp, self.config, self.forms = ws, tmp, config, forms

    def drop(self, form: str, round_: RoundConfig, unit: Unit, name: str, when: datetime,
             values: dict[str, object] | None = None, items=None, prefilled: bool = True) -> Path:
        """The filled form in the inbox as `name`, dated `when`."""
        target = self.fill(form, round_, unit, self.ws.inbox / name, values, items, prefilled)
        _stamp(target, when)
        return target

    def fill(self, form: str, round_: RoundConfig, unit: Unit, target: Path,
             values: dict[str, object] | None = None, items=None, prefilled: bool = True) -> Path:
        spec = self.forms[form]
        blank = write_form_template(self.tmp / f"{form}-{unit.code}.xlsx", spec, self.config, round_,
                                    unit if prefilled else None)
        labels = {c.key: c.label for c in spec.line_list.columns} if spec.line_list else None
        return fill_form(blank, values or {}, target, unit=None if prefilled else unit.code,
                         period=None if prefilled else round_.parsed_period.code,
                         items=items, item_labels=labels)


@dataclass
class _Sent:
    """A form a unit sends: its title, the file the unit fills, when it arrives."""

    title: str  # "Báo cáo KTCV 6 tháng"
    what: str  # how the covering text names it
    form: str
    round_: RoundConfig
    when: datetime
    values: dict[str, object] | None = None
    items: object = None


class _Mailer:
    """A unit's forms as e-mails saved into `inbox/email/`: one e-mail per form, but for the
    district that forwards a .zip: its annual KTCV and KPKN in one .zip attached to one e-mail."""

    def __init__(self, d: _Dropper, plan: DemoPlan):
        self.d, self.plan, self.letters = d, plan, 0
        self.work = d.tmp / "thu"
        self.work.mkdir()

    def _attachment(self, unit: Unit, s: _Sent) -> tuple[str, bytes]:
        # a unit sends back the pre-filled file it was given, under its name
        name = f"{s.form}-{s.round_.parsed_period.code}-{unit.code}.xlsx"
        path = self.d.fill(s.form, s.round_, unit, self.work / name, s.values, s.items)
        return name, path.read_bytes()

    def _save(self, subject: str, data: bytes) -> None:
        target = self.d.ws.inbox / BY_MAIL / f"{subject}.eml"  # as a mail program names it
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        _stamp(target, SAVED_AT)  # saved on the day of the run: its file time must not count

    def send(self, unit: Unit, forms: list[_Sent]) -> None:
        if unit.code == self.plan.zipped:  # the annual KTCV and KPKN: one deadline, one day
            def annual(s: _Sent) -> bool:
                return s.form in ("KTCV", "KPKN") and s.round_.parsed_period.kind == "Y"

            bundle, forms = [s for s in forms if annual(s)], [s for s in forms if not annual(s)]
            members = {f"{s.title} - {unit.name}.xlsx": self._attachment(unit, s)[1]
                       for s in bundle}
            self._forward_zip(unit, bundle, members)
        for n, s in enumerate(forms):
            attachments = dict([self._attachment(unit, s)])
            extra = ""
            if unit.code in self.plan.signature and n == 0:
                attachments["Chữ ký.png"] = mail.signature_png(unit)
            if unit.code in self.plan.covering_letter and s.form == "KTCV" and \
                    s.round_.parsed_period.kind == "Y":
                self.letters += 1
                attachments[f"Công văn gửi {s.what}.pdf"] = mail.covering_letter_pdf(
                    unit, 100 + self.letters, s.what, s.when)
                extra = " và công văn gửi kèm"
            subject = f"{s.title} - {unit.name}"
            self._save(subject, mail.email_bytes(unit, subject, attachments, s.when,
                                                 mail.body_text(unit, s.what, extra)))

    def _forward_zip(self, unit: Unit, forms: list[_Sent], members: dict[str, bytes]) -> None:
        when = forms[0].when
        if any(s.when != when for s in forms):
            raise ValueError("the forms of one .zip share its received time")
        what = " và ".join(s.what for s in forms)
        subject = f"Báo cáo năm {when.year} - {unit.name}"
        attachments = {
            f"Báo cáo năm {when.year} - {unit.name}.zip": mail.zipped(members, when),
            f"Công văn gửi báo cáo năm {when.year}.pdf": mail.covering_letter_pdf(
                unit, 200, what, when),
        }
        body = mail.body_text(unit, what, ", nén chung trong một tệp .zip, kèm theo công văn")
        self._save(subject, mail.email_bytes(unit, subject, attachments, when, body))


def prepare_demo(root: Path, plan: DemoPlan = DemoPlan()) -> Workspace:
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).exists():
            raise NotADemoWorkspace(
                f"Thư mục {root} đã có dữ liệu và không phải thư mục demo; hãy chọn thư mục khác."
            )
        shutil.rmtree(root)
    ws = Workspace(root).ensure()
    (root / MARKER).write_text("demo workspace: safe to delete\n", encoding="utf-8")
    config = load_config(root)
    units = UnitRegistry.from_file(config.units_file or DEFAULT_UNITS_FILE)
    rounds = {(r.form, r.parsed_period.kind): r for r in config.rounds}
    expected = units.expected("KTCV", rounds["KTCV", "Y"].submitters, rounds["KTCV", "Y"].deadline)
    with tempfile.TemporaryDirectory() as tmp:
        d = _Dropper(ws, Path(tmp), config, FormRegistry.default())
        mailer = _Mailer(d, plan)
        for i, unit in enumerate(expected):
            size = 1 if unit.level == "district" else 0
            folder = FOLDERS[i % 3]
            h1, year = ktcv_year(f"demo-{unit.code}", size)
            sent = [_Sent("Báo cáo KTCV 6 tháng", "báo cáo kết quả kiểm tra công vụ 6 tháng đầu "
                          "năm 2024", "KTCV", rounds["KTCV", "H1"],
                          _sent(rounds["KTCV", "H1"], unit.code in plan.late_h1, i), h1)]
            if unit.code not in plan.missing_y:
                if unit.code == plan.wrong_sum_y:
                    year = year | {"1.1": int(year["1.1"]) + 2}  # "1" no longer matches its parts
                sent.append(_Sent("Báo cáo KTCV năm 2024", "báo cáo kết quả kiểm tra công vụ năm "
                                  "2024", "KTCV", rounds["KTCV", "Y"],
                                  _sent(rounds["KTCV", "Y"], unit.code in plan.late_y, i), year))
                sent.append(_Sent("Kết quả khắc phục", "báo cáo kết quả khắc phục sau kiểm tra",
                                  "KPKN", rounds["KPKN", "Y"],
                                  _sent(rounds["KPKN", "Y"], unit.code in plan.late_y, i),
                                  items=kpkn_items(f"demo-kpkn-{unit.code}")))
            if unit.code not in plan.missing_cchc:
                sent.append(_Sent("Tự kiểm tra CCHC 2024", "báo cáo kết quả tự kiểm tra công tác "
                                  "cải cách hành chính năm 2024", "CCHC", rounds["CCHC", "Y"],
                                  _sent(rounds["CCHC", "Y"], unit.code in plan.late_cchc, i),
                                  cchc_year(f"demo-cchc-{unit.code}", size)))
            if folder == BY_MAIL:
                mailer.send(unit, sent)
                continue
            for s in sent:
                d.drop(s.form, s.round_, unit, f"{folder}/{s.title} - {unit.name}.xlsx", s.when,
                       s.values, s.items)
        for n, (code, day) in enumerate(plan.inspected, start=1):
            unit = units[code]
            d.drop("DKT", rounds["DKT", "Y"], unit,
                   f"doan-kiem-tra/Phiếu kiểm tra {n:02d} - {unit.name}.xlsx",
                   datetime.combine(day + timedelta(days=2), time(16, 30)),
                   dkt_visit(f"demo-dkt-{n}", day), prefilled=False)
    return ws
