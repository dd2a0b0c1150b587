"""The synthetic province of `make demo`, dropped into the inbox as units would send their files.

KTCV: every unit reports both rounds; a few late; two missing in the annual round; Sở Xây dựng's
annual file has a wrong total and is rejected. CCHC and KPKN: the annual reports, with one unit
missing and one late. DKT: the provincial team's records of eight direct inspections (one unit twice).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
        spec = self.forms[form]
        blank = write_form_template(self.tmp / f"{form}-{unit.code}.xlsx", spec, self.config, round_,
                                    unit if prefilled else None)
        labels = {c.key: c.label for c in spec.line_list.columns} if spec.line_list else None
        target = fill_form(blank, values or {}, self.ws.inbox / name,
                           unit=None if prefilled else unit.code,
                           period=None if prefilled else round_.parsed_period.code,
                           items=items, item_labels=labels)
        _stamp(target, when)
        return target


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
        for i, unit in enumerate(expected):
            size = 1 if unit.level == "district" else 0
            folder = FOLDERS[i % 3]
            h1, year = ktcv_year(f"demo-{unit.code}", size)
            d.drop("KTCV", rounds["KTCV", "H1"], unit,
                   f"{folder}/Báo cáo KTCV 6 tháng - {unit.name}.xlsx",
                   _sent(rounds["KTCV", "H1"], unit.code in plan.late_h1, i), h1)
            if unit.code not in plan.missing_y:
                if unit.code == plan.wrong_sum_y:
                    year = year | {"1.1": int(year["1.1"]) + 2}  # "1" no longer matches its parts
                d.drop("KTCV", rounds["KTCV", "Y"], unit,
                       f"{folder}/Báo cáo KTCV năm 2024 - {unit.name}.xlsx",
                       _sent(rounds["KTCV", "Y"], unit.code in plan.late_y, i), year)
                d.drop("KPKN", rounds["KPKN", "Y"], unit,
                       f"{folder}/Kết quả khắc phục - {unit.name}.xlsx",
                       _sent(rounds["KPKN", "Y"], unit.code in plan.late_y, i),
                       items=kpkn_items(f"demo-kpkn-{unit.code}"))
            if unit.code not in plan.missing_cchc:
                d.drop("CCHC", rounds["CCHC", "Y"], unit,
                       f"{folder}/Tự kiểm tra CCHC 2024 - {unit.name}.xlsx",
                       _sent(rounds["CCHC", "Y"], unit.code in plan.late_cchc, i),
                       cchc_year(f"demo-cchc-{unit.code}", size))
        for n, (code, day) in enumerate(plan.inspected, start=1):
            unit = units[code]
            d.drop("DKT", rounds["DKT", "Y"], unit,
                   f"doan-kiem-tra/Phiếu kiểm tra {n:02d} - {unit.name}.xlsx",
                   datetime.combine(day + timedelta(days=2), time(16, 30)),
                   dkt_visit(f"demo-dkt-{n}", day), prefilled=False)
    return ws
