"""The synthetic province of `make demo`: every expected unit reports, a few late, two missing in
the annual round, one file rejected for a wrong sum — dropped into the inbox as units would send them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from aggregator.config import load_config
from aggregator.demo.fill import fill_form
from aggregator.demo.numbers import ktcv_year
from aggregator.forms import FormRegistry
from aggregator.render.form_template import write_form_template
from aggregator.units import DEFAULT_UNITS_FILE, Unit, UnitRegistry
from aggregator.workspace import Workspace

MARKER = ".aggregator-demo"
DEMO_AS_OF = date(2024, 12, 20)


class NotADemoWorkspace(RuntimeError):
    """Refuse to wipe a folder that the demo did not create."""


@dataclass(frozen=True)
class DemoPlan:
    late_h1: tuple[str, ...] = ("SYT", "170", "BDT")
    late_y: tuple[str, ...] = ("SGTVT", "173")
    missing_y: tuple[str, ...] = ("SNGV", "171")
    wrong_sum_y: str = "SXD"


def _stamp(path: Path, when: datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def _drop_name(unit: Unit, period: str, i: int) -> str:
    label = "6 tháng" if period.endswith("H1") else "năm 2024"
    folders = ["email", "usb", "thu-muc-chung"]
    return f"{folders[i % 3]}/Báo cáo KTCV {label} - {unit.name}.xlsx"


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
    units = UnitRegistry.from_csv(config.units_file or DEFAULT_UNITS_FILE)
    form = FormRegistry.default()["KTCV"]
    rounds = {r.parsed_period.kind: r for r in config.rounds if r.form == "KTCV"}
    expected = units.expected(rounds["Y"].submitters, rounds["Y"].deadline)
    with tempfile.TemporaryDirectory() as tmp:
        for i, unit in enumerate(expected):
            size = 1 if unit.level == "district" else 0
            h1, year = ktcv_year(f"demo-{unit.code}", size)
            for kind, values in (("H1", h1), ("Y", year)):
                round_ = rounds[kind]
                if kind == "Y" and unit.code in plan.missing_y:
                    continue
                values = dict(values)
                if kind == "Y" and unit.code == plan.wrong_sum_y:
                    values["1.1"] = int(values["1.1"]) + 2  # the total in "1" no longer matches
                blank = write_form_template(Path(tmp) / f"{unit.code}-{kind}.xlsx", form, config,
                                            round_, unit)
                target = ws.inbox / _drop_name(unit, round_.period, i)
                fill_form(blank, values, target)
                late = unit.code in (plan.late_h1 if kind == "H1" else plan.late_y)
                sent = round_.late_from + timedelta(days=3) if late else round_.late_from - timedelta(
                    days=2 + i % 10)
                _stamp(target, datetime.combine(sent, time(9 + i % 8, 15)))
    return ws
