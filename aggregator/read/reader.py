"""Read one unit's file: identify its form, unit and period, and locate every indicator's cell.

Reading never raises for content: problems are returned as issues next to what could be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aggregator.forms import FormRegistry, FormSpec
from aggregator.periods import Period, parse_period
from aggregator.read.layout import Located, find_data_table, find_labelled
from aggregator.read.workbook import (
    SPREADSHEET_SUFFIXES,
    RawWorkbook,
    WorkbookUnreadable,
    open_workbook,
)
from aggregator.text import fold
from aggregator.units import Unit, UnitRegistry, normalize_code
from aggregator.validate.catalog import Issue, make_issue

META_SHEET = "_meta"
UNIT_LABEL = "Mã đơn vị"
PERIOD_LABEL = "Kỳ báo cáo"


@dataclass
class ReadResult:
    path: Path
    form: FormSpec | None = None
    form_version: int | None = None
    unit: Unit | None = None
    period: Period | None = None
    cells: dict[str, Located] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def identified(self) -> bool:
        return self.form is not None and self.unit is not None and self.period is not None


def _meta(book: RawWorkbook) -> dict[str, object]:
    sheet = book.sheet(META_SHEET)
    if sheet is None:
        return {}
    return {str(row[0]).strip(): row[1] for row in sheet.rows if len(row) >= 2 and row[0] != ""}


def _identify_form(book: RawWorkbook, forms: FormRegistry) -> tuple[FormSpec | None, int | None]:
    meta = _meta(book)
    if meta.get("form"):
        spec = forms.get(str(meta["form"]).strip())
        version = meta.get("version")
        return spec, int(version) if isinstance(version, int | float) else None
    # Fallback: a visible cell holding a form's title (a unit may have copied the sheets over).
    titles = {fold(spec.title): spec for spec in forms}
    for sheet in book.sheets:
        for row in sheet.rows[:10]:
            for value in row:
                if isinstance(value, str):
                    folded = fold(value)
                    for title, spec in titles.items():
                        if title in folded:
                            return spec, None
    return None, None


def _identify_unit(book: RawWorkbook, units: UnitRegistry, issues: list[Issue]) -> Unit | None:
    found = find_labelled(book, UNIT_LABEL)
    if found is None or found.value in ("", None):
        where = {"sheet": found.sheet, "cell": found.cell} if found else {}
        issues.append(make_issue("unit-missing", **where))
        return None
    unit = units.get(found.value)
    if unit is None:
        issues.append(
            make_issue("unit-unknown", sheet=found.sheet, cell=found.cell,
                       value=normalize_code(found.value))
        )
    return unit


def _identify_period(book: RawWorkbook, issues: list[Issue]) -> Period | None:
    found = find_labelled(book, PERIOD_LABEL)
    if found is None or found.value in ("", None):
        where = {"sheet": found.sheet, "cell": found.cell} if found else {}
        issues.append(make_issue("period-missing", **where))
        return None
    period = parse_period(found.value)
    if period is None:
        issues.append(
            make_issue("period-unknown", sheet=found.sheet, cell=found.cell, value=found.value)
        )
    return period


def read_file(path: Path, forms: FormRegistry, units: UnitRegistry) -> ReadResult:
    result = ReadResult(path=path)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        result.issues.append(make_issue("file-format-unsupported", suffix=path.suffix or "(không có)"))
        return result
    try:
        book = open_workbook(path)
    except WorkbookUnreadable as exc:
        result.issues.append(make_issue("file-unreadable", reason=str(exc)))
        return result

    result.form, result.form_version = _identify_form(book, forms)
    if result.form is None:
        result.issues.append(make_issue("form-unknown"))
        return result
    result.unit = _identify_unit(book, units, result.issues)
    result.period = _identify_period(book, result.issues)

    table = find_data_table(book)
    if table is None:
        result.issues.append(make_issue("data-header-missing"))
        return result
    result.cells = table.cells()
    for indicator in result.form.indicators:
        if indicator.code not in result.cells:
            result.issues.append(
                make_issue("indicator-missing", sheet=table.sheet.name, indicator=indicator.code,
                           indicator_label=indicator.label)
            )
    return result
