"""Line-list checks: each item row is complete, its choices and dates valid; tallies are counted."""

from __future__ import annotations

from aggregator.forms import Column, FormSpec, Indicator
from aggregator.issues import Issue, make_issue
from aggregator.periods import Period
from aggregator.read.layout import Item
from aggregator.validate.cells import Value, check_value

ItemValues = dict[str, Value]


def _as_indicator(col: Column) -> Indicator:
    return Indicator(code=col.key, label=col.label, unit=col.unit, type=col.type,
                     choices=col.choices, required=False)


def _numbering_only(item: Item, form: FormSpec) -> bool:
    """A row holding only its pre-typed number (STT) is a blank row."""
    optional_counts = {c.key for c in form.line_list.columns if c.type == "count" and not c.required}
    return set(item.filled) <= optional_counts


def check_items(form: FormSpec, items: list[Item], period: Period | None
                ) -> tuple[list[ItemValues], dict[str, float], list[Issue]]:
    ll = form.line_list
    rows: list[ItemValues] = []
    issues: list[Issue] = []
    for item in items:
        if _numbering_only(item, form):
            continue
        values: ItemValues = {}
        for col in ll.columns:
            cell = item.cells.get(col.key)
            if cell is None:
                continue
            value, found = check_value(_as_indicator(col), cell, indicator=col.key)
            issues.extend(found)
            values[col.key] = value
            blank_cell = value is None and not found
            where = dict(sheet=cell.sheet, cell=cell.cell, indicator=col.key, indicator_label=col.label)
            if blank_cell and col.required:
                issues.append(make_issue("item-incomplete", row=item.row, column=col.label, **where))
            if col.within_year and value and period and not str(value).startswith(str(period.year)):
                day = str(value)
                issues.append(make_issue("date-outside-year", value=f"{day[8:10]}/{day[5:7]}/{day[:4]}",
                                         year=period.year, **where))
        for col in ll.columns:
            cell = item.cells.get(col.key)
            if col.required_when and cell is not None and values.get(col.key) is None:
                other, expected = col.required_when
                if values.get(other) == expected:
                    issues.append(make_issue("item-date-required", row=item.row, column=col.label,
                                             when=expected, sheet=cell.sheet, cell=cell.cell,
                                             indicator=col.key, indicator_label=col.label))
        rows.append(values)
    tallies = {
        t.code: float(sum(1 for r in rows if t.column is None or r.get(t.column) == t.equals))
        for t in ll.tallies
    }
    return rows, tallies, issues
