"""Bring a new administrative structure into the unit list, keeping the old one for past rounds.

Districts and communes below the province that the new structure no longer has end the day before
it takes effect; new ones start that day; a code the new structure keeps is updated in place (GSO
gives a merged commune the code of one of its parts). Provincial agencies are not touched.

A code is one unit, so an updated commune shows its new name and parent for past rounds too: a
district workspace that still consolidates the old structure should not import the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from aggregator.units.gso import Division
from aggregator.units.registry import Unit, UnitRegistry, UnitsError
from aggregator.vn_format import short_date

GROUP_OF_LEVEL = {"district": "ubnd-huyen", "commune": "ubnd-xa"}


@dataclass(frozen=True)
class Restructured:
    units: list[Unit]
    added: list[Unit]
    ended: list[Unit]
    updated: list[Unit]


def restructure(registry: UnitRegistry, province: str, divisions: list[Division],
                valid_from: date) -> Restructured:
    """The unit list with `divisions` (one province's districts and communes) in force from
    `valid_from`."""
    top = registry.get(province)
    if top is None or top.level != "province":
        raise UnitsError(f"Danh mục đơn vị không có đơn vị cấp tỉnh mã {province}: hãy thêm dòng "
                         "của tỉnh (Cấp: tỉnh) trước khi nhập danh mục hành chính.")
    new = {d.code: d for d in divisions}
    clash = [u.code for u in registry.units if u.code in new and u.level not in GROUP_OF_LEVEL]
    if clash:
        raise UnitsError("Mã trong danh mục hành chính trùng với mã sở, ban, ngành hoặc tỉnh: "
                         + ", ".join(clash))
    below = registry.descendants(top.code)
    last_day = valid_from - timedelta(days=1)
    units, added, ended, updated = [], [], [], []
    for unit in registry.units:
        division = new.get(unit.code)
        if division is not None:
            changed = replace(unit, name=division.name, level=division.level,
                              parent=division.parent or top.code, valid_to=None)
            if changed != unit:
                updated.append(changed)
            units.append(changed)
        elif (unit.code in below and unit.level in GROUP_OF_LEVEL
              and (unit.valid_to is None or unit.valid_to > last_day)):
            if unit.valid_from is not None and unit.valid_from > last_day:
                raise UnitsError(f"Đơn vị {unit.code} – {unit.name} bắt đầu hiệu lực từ "
                                 f"{short_date(unit.valid_from)}, sau ngày cơ cấu mới có hiệu lực.")
            closed = replace(unit, valid_to=last_day)
            ended.append(closed)
            units.append(closed)
        else:
            units.append(unit)
    known = {u.code for u in registry.units}
    for division in divisions:
        if division.code not in known:
            unit = Unit(division.code, division.name, division.level, division.parent or top.code,
                        GROUP_OF_LEVEL[division.level], valid_from=valid_from)
            added.append(unit)
            units.append(unit)
    UnitRegistry(units)  # the same checks as when `run` reads the list (parents, cycles)
    return Restructured(units, added, ended, updated)
