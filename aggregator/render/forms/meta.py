"""The hidden sheets of a form: `_meta` (which form, version, period, the unit it is issued to) and
`_danh_muc` (the units behind the "Mã đơn vị" dropdown).

Both carry whole unit identities (aggregator/units/carried.py) and `_meta` the fingerprint of them,
so that `check` away from the office's workspace knows a unit the office added to its own list.
Both sheets are hidden and protected (without a password: they keep out slips, not forgers).
"""

from __future__ import annotations

import xlsxwriter

from aggregator.forms import FormSpec
from aggregator.periods import Period
from aggregator.read import LISTS_SHEET, META_SHEET
from aggregator.units import Unit
from aggregator.units.carried import fingerprint, identity_row


def write_hidden_sheets(wb: xlsxwriter.Workbook, form: FormSpec, period: Period | None,
                        unit: Unit | None, choices: list[Unit],
                        round_json: str | None = None) -> str | None:
    """Add `_meta` and, with `choices`, `_danh_muc`; return the dropdown's source range, if any.
    `round_json`: the round the form is issued for (period, deadline, who submits), so that
    `check` away from the workspace knows a round the office added (a new year)."""
    meta = wb.add_worksheet(META_SHEET)
    pairs: list[tuple[str, object]] = [("form", form.code), ("version", form.version),
                                       ("period", period.code if period else ""),
                                       ("unit", unit.code if unit else "")]
    if round_json:
        pairs.append(("round", round_json))
    carried = ([unit] if unit else []) + choices
    if carried:
        pairs.append(("units_version", fingerprint(carried)))
    for r, (key, value) in enumerate(pairs):
        meta.write_string(r, 0, key)
        meta.write(r, 1, value)
    if unit:  # the identity the form is issued to: code, name, level, parent, group, …
        meta.write_string(len(pairs), 0, "unit_identity")
        for c, text in enumerate(identity_row(unit), start=1):
            meta.write_string(len(pairs), c, text)
    meta.protect()
    meta.hide()
    if not choices:
        return None
    lists = wb.add_worksheet(LISTS_SHEET)
    for r, u in enumerate(choices):
        for c, text in enumerate(identity_row(u)):  # A: code (the dropdown), B: name, C…: the rest
            lists.write_string(r, c, text)
    lists.hide()
    lists.protect()
    return f"='{LISTS_SHEET}'!$A$1:$A${len(choices)}"
