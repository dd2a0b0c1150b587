"""A unit's identity as a form carries it: one row of text cells (code, name, level, parent, group,
forms, valid from, valid to), and a fingerprint of the rows a form carries.

The office's generator writes these rows into the hidden sheets of a form (`_meta` for the unit a
form is issued to, `_danh_muc` for the units of the "Mã đơn vị" dropdown); `check` outside a
workspace reads them back to know a unit the built-in list does not have. The fingerprint is
stored next to the rows: a list edited by hand no longer matches it and is not used. It keeps out
accidents, not forgers (anyone can unprotect a sheet and recompute it) — `run` never trusts a form.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from aggregator.text import nfc
from aggregator.units.registry import LEVELS, Unit, UnitRegistry, normalize_code

FIELDS = ("code", "name", "level", "parent", "group", "forms", "valid_from", "valid_to")


def identity_row(unit: Unit) -> list[str]:
    """The unit as text cells, in FIELDS order (dates ISO, forms comma-separated)."""
    return [unit.code, unit.name, unit.level, unit.parent or "", unit.group, ",".join(unit.forms),
            unit.valid_from.isoformat() if unit.valid_from else "",
            unit.valid_to.isoformat() if unit.valid_to else ""]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):  # a spreadsheet program that took the text for a date
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value)).strip()


def unit_of_row(cells: list[object] | tuple[object, ...]) -> Unit | None:
    """The unit a row describes; None when the row is not a whole, valid identity."""
    text = [_text(c) for c in cells[:len(FIELDS)]] + [""] * (len(FIELDS) - len(cells))
    code, name, level, parent, group, forms, start, end = text
    if not code or not name or level not in LEVELS:
        return None
    try:
        valid_from = date.fromisoformat(start) if start else None
        valid_to = date.fromisoformat(end) if end else None
    except ValueError:
        return None
    return Unit(code=normalize_code(code), name=name, level=level,
                parent=normalize_code(parent) if parent else None, group=group,
                valid_from=valid_from, valid_to=valid_to,
                forms=tuple(f for f in forms.split(",") if f))


def fingerprint(units: list[Unit]) -> str:
    """The version of a carried list: 16 hex digits over its identities, in any order."""
    rows = sorted({"\t".join(identity_row(u)) for u in units})
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]


def with_carried(registry: UnitRegistry, carried: list[Unit]) -> UnitRegistry:
    """`registry` and the carried units it does not have — those whose parent is in it or among
    them (a unit that cannot be placed under the consolidating unit is left out)."""
    extra = {u.code: u for u in carried if registry.get(u.code) is None}
    while True:
        placeable = {c: u for c, u in extra.items()
                     if not u.parent or registry.get(u.parent) is not None or u.parent in extra}
        if placeable.keys() == extra.keys():
            break
        extra = placeable
    return UnitRegistry(registry.units + list(extra.values())) if extra else registry
