"""Read one unit's file: identify its form, unit and period, and locate every indicator's cell.

Reading never raises for content: problems are returned as issues next to what could be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aggregator.forms import FormRegistry, FormSpec
from aggregator.issues import Issue, make_issue
from aggregator.periods import Period, parse_period
from aggregator.read.guard import Limits, inspect
from aggregator.read.layout import (
    Item,
    Located,
    blank,
    find_labelled,
    find_tables,
    form_matrix_keys,
    locate_cells,
    read_line_list,
)
from aggregator.read.package import blank_formulas
from aggregator.read.workbook import (
    SPREADSHEET_SUFFIXES,
    RawWorkbook,
    SheetTooLarge,
    WorkbookUnreadable,
    open_workbook,
)
from aggregator.text import fold
from aggregator.units import Unit, UnitRegistry, normalize_code
from aggregator.units.carried import fingerprint, unit_of_row
from aggregator.vn_format import number

META_SHEET = "_meta"
LISTS_SHEET = "_danh_muc"  # the units of the "Mã đơn vị" dropdown, with their identities
UNIT_LABEL = "Mã đơn vị"
UNIT_NAME_LABEL = "Tên đơn vị"
PERIOD_LABEL = "Kỳ báo cáo"
# What a period looks like, for messages made without the plan (the validator names the plan's)
PERIOD_SHAPES = "NĂM-H1 là 6 tháng đầu năm, NĂM-Y là cả năm, ví dụ 2024-H1"


@dataclass
class ReadResult:
    path: Path
    form: FormSpec | None = None
    form_version: int | None = None
    unit: Unit | None = None
    period: Period | None = None
    cells: dict[str, Located] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # (sheet, cell) of indicator cells holding a formula that was never calculated: read as blank
    uncalculated: frozenset[tuple[str, str]] = frozenset()
    # (sheet, cell) → the error a formula's result is (#DIV/0!…): read as blank, told as such
    formula_errors: dict[tuple[str, str], str] = field(default_factory=dict)
    # (sheet, cell) where the period was read, and what it held: wrong-period messages point there
    period_at: tuple[str, str] | None = None
    period_value: object = None
    # A unit code the registry does not know but the form carries (its hidden sheets, written by
    # the office's generator, fingerprint intact): that identity, then its carried ancestors.
    # Only `check` away from a workspace may trust it (validate.validator.trust_carried); `run`
    # never does.
    carried: tuple[Unit, ...] = ()
    # The round the form was issued for, as its `_meta` carries it (JSON of the office's round
    # settings); like `carried`, only `check` away from a workspace may use it.
    carried_round: str | None = None

    @property
    def identified(self) -> bool:
        return self.form is not None and self.unit is not None and self.period is not None


def _meta(book: RawWorkbook) -> dict[str, object]:
    sheet = book.sheet(META_SHEET)
    if sheet is None:
        return {}
    return {str(row[0]).strip(): row[1] for row in sheet.rows if len(row) >= 2 and row[0] != ""}


def _identify_form(book: RawWorkbook, meta: dict[str, object], forms: FormRegistry
                   ) -> tuple[FormSpec | None, int | None]:
    if meta.get("form"):
        spec = forms.get(str(meta["form"]).strip())
        version = meta.get("version")
        try:
            return spec, int(float(version)) if version not in (None, "") else None
        except (TypeError, ValueError):
            return spec, None
    # Fallback: a visible title holding a form's title (a unit may have copied the sheets over).
    titles = sorted(((fold(spec.title), spec) for spec in forms), key=lambda p: -len(p[0]))
    for sheet in book.sheets:
        if not sheet.visible:
            continue
        for row in sheet.rows[:10]:
            for value in row:
                if isinstance(value, str):
                    folded = fold(value)
                    for title, spec in titles:
                        if title in folded:
                            return spec, None
    return None, None


def _carried_units(book: RawWorkbook) -> dict[str, Unit]:
    """The unit identities the form's hidden sheets carry (the unit it is issued to, the units of
    its dropdown), by code; none when they no longer match the version (`units_version`) `_meta`
    records (edited by hand, or not written by the generator)."""
    meta_sheet, lists = book.sheet(META_SHEET), book.sheet(LISTS_SHEET)
    rows = [row[1:] for row in (meta_sheet.rows if meta_sheet else [])
            if row and str(row[0]).strip() == "unit_identity"]
    rows += list(lists.rows) if lists else []
    found = [u for u in map(unit_of_row, rows) if u is not None]
    version = str(_meta(book).get("units_version") or "").strip() or None
    if not found or version is None or fingerprint(found) != version:
        return {}
    return {u.code: u for u in found}


def _carried_chain(data: bytes, book: RawWorkbook, limits: Limits) -> tuple[Unit, ...]:
    """For a unit code the registry does not know: its identity as the form carries it and the
    carried identities above it, nearest first. The dropdown's hidden list is read only here (a
    broken one costs this, never the file)."""
    found = find_labelled(book, UNIT_LABEL)
    code = normalize_code(found.value) if found and found.value not in ("", None) else ""
    try:
        with_lists = open_workbook(data, hidden=frozenset({META_SHEET, LISTS_SHEET}),
                                   max_rows=limits.max_rows, max_cols=limits.max_cols)
    except (SheetTooLarge, WorkbookUnreadable):
        return ()
    carried = _carried_units(with_lists)
    chain: list[Unit] = []
    unit = carried.get(code)
    while unit is not None and unit not in chain:
        chain.append(unit)
        unit = carried.get(unit.parent) if unit.parent else None
    return tuple(chain)


def _identify_unit(book: RawWorkbook, units: UnitRegistry, issues: list[Issue]) -> Unit | None:
    found = find_labelled(book, UNIT_LABEL)
    code = normalize_code(found.value) if found and found.value not in ("", None) else ""
    unit = units.get(code) if code else None
    if unit is None and code.isdigit():
        unit = _without_leading_zeros(code, units)
        if unit is not None:
            issues.append(make_issue("unit-code-leading-zero", sheet=found.sheet, cell=found.cell,
                                     value=code, unit=_label(unit)))
    named = find_labelled(book, UNIT_NAME_LABEL)
    name = str(named.value).strip() if named and named.value not in ("", None) else ""
    if unit is not None:
        conflicts = _identity_conflicts(unit, name, _meta(book), units)
        if conflicts:
            issues.append(make_issue("unit-identity-mismatch", sheet=found.sheet, cell=found.cell,
                                     conflicts="; ".join(conflicts), unit=_label(unit)))
        return unit
    # Fallback: the unit's name, written any way (case, diacritics, "UBND" prefix).
    candidates = units.named(name) if name else []
    if len(candidates) == 1:
        [by_name] = candidates
        issues.append(make_issue("unit-identified-by-name", sheet=named.sheet, cell=named.cell,
                                 name=named.value, unit=_label(by_name)))
        return by_name
    where = {"sheet": found.sheet, "cell": found.cell} if found else {}
    if candidates:
        issues.append(make_issue("unit-name-ambiguous", **where, name=name, count=len(candidates),
                                 candidates="; ".join(_placed(u, units) for u in candidates)))
    elif code:
        issues.append(make_issue("unit-unknown", value=code, **where))
    else:
        issues.append(make_issue("unit-missing", **where))
    return None


def _without_leading_zeros(code: str, units: UnitRegistry) -> Unit | None:
    """A GSO code typed into a number cell loses its leading zeros (05476 → 5476): the one unit
    whose code it is once padded back to a GSO width (district 3, commune 5 digits)."""
    found = {units.get(code.zfill(width)) for width in (3, 5) if width > len(code)} - {None}
    return found.pop() if len(found) == 1 else None


def _label(unit: Unit) -> str:
    return f"{unit.code} – {unit.name}"


def _placed(unit: Unit, units: UnitRegistry) -> str:
    """'05476 – Phường Trung Thành (thuộc Thành phố Thái Nguyên)': tells namesakes apart."""
    parent = units.get(unit.parent) if unit.parent else None
    return f"mã {_label(unit)}" + (f" (thuộc {parent.name})" if parent else "")


def _identity_conflicts(unit: Unit, name: str, meta: dict[str, object],
                        units: UnitRegistry) -> list[str]:
    """What else in the file names another unit than the code cell does: the unit name cell, or
    the unit the form was issued for (the hidden _meta sheet of a pre-filled form)."""
    conflicts = []
    named = units.named(name) if name else []
    if named and unit not in named:
        conflicts.append(f"tên đơn vị ghi “{name}” là tên của "
                         + ", ".join(_label(u) for u in named))
    issued = normalize_code(meta.get("unit") or "")
    if issued and issued != unit.code:
        other = units.get(issued)
        conflicts.append("biểu này được phát hành cho đơn vị "
                         + (_label(other) if other else issued))
    if conflicts:
        conflicts[0] = f"Mã đơn vị ghi {unit.code} nhưng " + conflicts[0]
    return conflicts


def _identify_period(book: RawWorkbook, result: ReadResult) -> Period | None:
    issues = result.issues
    found = find_labelled(book, PERIOD_LABEL)
    if found is not None:
        result.period_at, result.period_value = (found.sheet, found.cell), found.value
    if found is None or found.value in ("", None):
        where = {"sheet": found.sheet, "cell": found.cell} if found else {}
        issues.append(make_issue("period-missing", **where, plan=PERIOD_SHAPES))
        return None
    period = parse_period(found.value)
    if period is None:
        issues.append(make_issue("period-unknown", sheet=found.sheet, cell=found.cell,
                                 value=found.value, plan=PERIOD_SHAPES))
    return period


def read_book(book: RawWorkbook, path: Path, forms: FormRegistry, units: UnitRegistry) -> ReadResult:
    result = ReadResult(path=path)
    meta = _meta(book)
    result.carried_round = str(meta.get("round") or "").strip() or None
    result.form, result.form_version = _identify_form(book, meta, forms)
    form = result.form
    if form is None:
        result.issues.append(make_issue("form-unknown"))
        return result
    if result.form_version is not None and result.form_version < form.compatible_from:
        result.issues.append(make_issue("form-version-incompatible", form=form.code,
                                        found=result.form_version, version=form.version))
        return result
    result.unit = _identify_unit(book, units, result.issues)
    result.period = _identify_period(book, result)

    if form.line_list:
        result.items, sheet = read_line_list(book, form.line_list)
        if sheet is None:
            result.issues.append(make_issue("line-list-header-missing",
                                            columns=", ".join(c.label for c in form.line_list.columns)))
    if form.cells:
        tables = find_tables(book, form_matrix_keys(form))
        if not tables:
            result.issues.append(make_issue("data-header-missing"))
            return result
        result.cells = locate_cells(tables)
        sheet = tables[0].sheet.name
        for ind in form.cells:
            if ind.code not in result.cells:
                result.issues.append(make_issue("indicator-missing", sheet=sheet, indicator=ind.code,
                                                indicator_label=ind.label))
    return result


def read_file(path: Path, forms: FormRegistry, units: UnitRegistry,
              limits: Limits = Limits()) -> ReadResult:
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return ReadResult(path=path, issues=[
            make_issue("file-format-unsupported", suffix=path.suffix or "(không có)")])
    data = inspect(path, limits)
    if not isinstance(data, bytes):
        return ReadResult(path=path, issues=[data])
    try:
        book = open_workbook(data, hidden=frozenset({META_SHEET}), max_rows=limits.max_rows,
                             max_cols=limits.max_cols)
    except SheetTooLarge as exc:
        return ReadResult(path=path, issues=[make_issue(
            "file-range-too-large", sheet=exc.sheet, cell=exc.cell,
            rows=number(limits.max_rows), cols=limits.max_cols)])
    except WorkbookUnreadable as exc:
        if exc.encrypted:
            return ReadResult(path=path, issues=[make_issue("file-encrypted")])
        return ReadResult(path=path, issues=[make_issue("file-unreadable", reason=str(exc))])
    result = read_book(book, path, forms, units)
    if result.unit is None and any(i.code == "unit-unknown" for i in result.issues):
        result.carried = _carried_chain(data, book, limits)
    blanks = {(c.sheet, c.cell) for c in result.cells.values() if blank(c.value)}
    if blanks and path.suffix.lower() in (".xlsx", ".xlsm"):
        found = blank_formulas(data, blanks)
        result.uncalculated = frozenset(where for where, error in found.items() if error is None)
        result.formula_errors = {where: error for where, error in found.items() if error}
    return result
