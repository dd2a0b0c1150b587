"""The form's own checks: the rules of the form spec compiled into worksheet formulas, so a unit
sees in Excel (or LibreOffice Calc) what the Sở Nội vụ would reject, before sending.

One `Check` is one thing that can be wrong: a blank required cell, a value of the wrong kind, a sum
or comparison rule, a line-list row left incomplete. Each carries its condition and message twice,
as an Excel 2010 formula (evaluated live in the unit's spreadsheet program) and as a Python function
(the cached result written into the template, which LibreOffice shows until a value is edited: it
does not recalculate an .xlsx on opening). Both are built from the same spec as the validator, and
tests recalculate real forms in LibreOffice and compare them with the validator, rule by rule.

The messages of one row are joined in the row's "Kiểm tra" cell, errors first. Their prefixes are
the contract of the status cell: "Sai:" (must be fixed), "Chưa nhập" (a required cell is blank,
also rejected), "Lưu ý:" (a warning, never rejected).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from aggregator.forms import Column, FormSpec, Indicator, Rule

CHECK_HEADER = "Kiểm tra"
ERROR, BLANK, WARNING = "Sai:", "Chưa nhập", "Lưu ý:"
OK_TEXT = "Biểu đã khớp, có thể gửi"
Severity = Literal["error", "blank", "warning"]
PREFIX: dict[Severity, str] = {"error": ERROR, "blank": BLANK, "warning": WARNING}
Values = dict[str, object]  # a cell's code (or "row:KEY" in a line list) → what the cell holds
_EXCEL_EPOCH = date(1899, 12, 30)


# --- what a cell holds, as Excel sees it (for the cached results) -----------------------------
def _is_number(v: object) -> bool:
    return isinstance(v, int | float | date) and not isinstance(v, bool)


def _number(v: object) -> float:
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return float((v - _EXCEL_EPOCH).days)
    return float(v)  # type: ignore[arg-type]


def _blank(v: object) -> bool:
    """LEN(TRIM(x))=0: empty, or spaces only."""
    return v is None or (isinstance(v, str) and not v.strip(" "))


def _text(v: float) -> str:
    """A number as Excel's `&` writes it (general format)."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _str(text: str) -> str:
    """A string literal of an Excel formula."""
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class Slot:
    """A value cell the checks read: its code, what it holds, and where it is (0-based)."""

    code: str
    kind: str
    required: bool
    row: int
    col: int
    label: str = ""  # shown before the message where a row holds several cells ("cột HT: …")
    sheet: str = ""  # set for a cell on another sheet (the info sheet's unit and period)
    choices: tuple[str, ...] = ()  # a choice cell's list (its drop-down; pasting bypasses it)

    @property
    def ref(self) -> str:
        """Column absolute, row relative: one conditional format serves a whole line-list column."""
        from xlsxwriter.utility import xl_col_to_name

        own = f"${xl_col_to_name(self.col)}{self.row + 1}"
        return f"'{self.sheet}'!${xl_col_to_name(self.col)}${self.row + 1}" if self.sheet else own


@dataclass(frozen=True)
class Check:
    severity: Severity
    row: int  # the data-sheet row whose check cell shows it
    condition: str  # Excel boolean expression
    text: str  # Excel string expression (the message, prefix included)
    cells: tuple[Slot, ...]  # coloured while the check fails
    holds: Callable[[Values], bool] = field(compare=False)
    message: Callable[[Values], str] = field(compare=False)
    # what its message holds that tells it apart in its row's check cell (the colours look for
    # it there: short formulas, not the condition again); "" for a row's own "Sai:"
    mark: str = ""


def _valid(slot: Slot) -> tuple[str, Callable[[Values], bool]]:
    """The cell holds a value the validator accepts as a number of its kind."""
    c = slot.ref
    if slot.kind == "count":
        return (f"IF(ISNUMBER({c}),AND({c}>=0,{c}=INT({c})),FALSE)",
                lambda v: _is_number(v.get(slot.code)) and _number(v[slot.code]) >= 0
                and _number(v[slot.code]).is_integer())
    return (f"IF(ISNUMBER({c}),AND({c}>=0,{c}<=100),FALSE)",
            lambda v: _is_number(v.get(slot.code)) and 0 <= _number(v[slot.code]) <= 100)


def _check(severity: Severity, row: int, condition: str, text: str, cells: tuple[Slot, ...],
           holds: Callable[[Values], bool], message: Callable[[Values], str] | str,
           mark: str | None = None) -> Check:
    prefix = PREFIX[severity] + " "
    said = message if callable(message) else (lambda _v, m=message: m)
    if mark is None:  # a cell's own check: its column's name in the message ("cột HT:", "“Kết quả”")
        mark = cells[0].label.strip().rstrip(":") if len(cells) == 1 else ""
    return Check(severity, row, condition, f"{_str(prefix)}&{text}", cells, holds,
                 lambda v: prefix + said(v), mark)


def cell_checks(slot: Slot, active: tuple[str, Callable[[Values], bool]] | None = None,
                year: tuple[str, Callable[[Values], int | None]] | None = None,
                required: bool | None = None) -> list[Check]:
    """What the validator checks of one cell on its own (issues.py "số liệu"): blank, not a number,
    negative, not whole, outside 0–100, a date outside the report's year. `active` gates every check
    (a line-list row that holds something); `required` overrides the slot's own."""
    c, code, where = slot.ref, slot.code, slot.label
    gate, gate_py = active if active else ("TRUE", lambda _v: True)
    out: list[Check] = []

    def add(severity: Severity, condition: str, holds: Callable[[Values], bool], text: str) -> None:
        if severity == "blank":  # "Chưa nhập số liệu (cột HT), …"
            what, _, tail = text.partition(",")
            text = what + (f" ({where.rstrip(': ')})" if where else "") + (f",{tail}" if tail else "")
        else:
            text = where + text
        out.append(_check(severity, slot.row, f"AND({gate},{condition})", _str(text),
                          (slot,), lambda v: gate_py(v) and holds(v), text))

    value = lambda v: v.get(code)  # noqa: E731
    if slot.required if required is None else required:
        add("blank", f"LEN(TRIM({c}))=0", lambda v: _blank(value(v)),
            "số liệu, không phát sinh thì nhập 0" if slot.kind == "count"
            else "số liệu" if slot.kind in ("percent", "score") else "nội dung")
    numeric = lambda v: _is_number(value(v))  # noqa: E731
    if slot.kind in ("count", "percent", "score", "date"):
        add("error", f"AND(LEN(TRIM({c}))>0,NOT(ISNUMBER({c})))",
            lambda v: not _blank(value(v)) and not numeric(v),
            "phải nhập ngày (ngày/tháng/năm)" if slot.kind == "date" else "phải nhập số")
    if slot.kind == "count":
        add("error", f"IF(ISNUMBER({c}),{c}<0,FALSE)",
            lambda v: numeric(v) and _number(value(v)) < 0, "không được là số âm")
        add("error", f"IF(ISNUMBER({c}),AND({c}>=0,{c}<>INT({c})),FALSE)",
            lambda v: numeric(v) and _number(value(v)) >= 0 and not _number(value(v)).is_integer(),
            "phải là số nguyên")
    if slot.kind == "choice" and slot.choices:
        listed = ",".join(_str(k) for k in slot.choices)
        folded = {k.casefold() for k in slot.choices}  # MATCH ignores case, as Excel's "=" does
        add("error", f"AND(LEN(TRIM({c}))>0,ISNA(MATCH(TRIM({c}),{{{listed}}},0)))",
            lambda v: not _blank(value(v)) and str(value(v)).strip(" ").casefold() not in folded,
            "phải chọn một giá trị trong danh sách")
    if slot.kind in ("percent", "score"):
        add("error", f"IF(ISNUMBER({c}),OR({c}<0,{c}>100),FALSE)",
            lambda v: numeric(v) and not 0 <= _number(value(v)) <= 100, "phải từ 0 đến 100")
    if slot.kind == "date" and year:
        expr, year_py = year

        def outside(v: Values) -> bool:
            y = year_py(v)
            return numeric(v) and y is not None and _date(value(v)).year != y

        out.append(_check(
            "error", slot.row, f"AND({gate},IFERROR(AND(ISNUMBER({c}),YEAR({c})<>{expr}),FALSE))",
            f'{_str(where + "ngày không thuộc năm ")}&{expr}', (slot,),
            lambda v: gate_py(v) and outside(v),
            lambda v: f"{where}ngày không thuộc năm {year_py(v)}"))
    return out


def _date(v: object) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromordinal(_EXCEL_EPOCH.toordinal() + int(_number(v)))


_FAILS = {"==": "<>", "<=": ">", ">=": "<"}
_VERB = {("error", "=="): "phải bằng", ("error", "<="): "không được lớn hơn",
         ("error", ">="): "không được nhỏ hơn", ("warning", "=="): "thường bằng",
         ("warning", "<="): "thường không lớn hơn", ("warning", ">="): "thường không nhỏ hơn"}
_FAIL_SYMBOL = {"==": "≠", "<=": ">", ">=": "<"}


def _codes(codes: tuple[str, ...]) -> str:
    """'1.1 + 1.2'; a long run of parts as 'tổng 5.1 đến 5.8' (they are consecutive in the form)."""
    return " + ".join(codes) if len(codes) <= 3 else f"tổng {codes[0]} đến {codes[-1]}"


def rule_words(rule: Rule) -> str:
    """'1 phải bằng 1.1 + 1.2', '12 thường không nhỏ hơn 9.3 + 10.2'."""
    severity = "warning" if rule.severity == "warning" else "error"
    return f"{_codes(rule.left)} {_VERB[severity, rule.op]} {_codes(rule.right)}"


def rule_check(rule: Rule, slots: dict[str, Slot]) -> Check | None:
    """A sum or comparison rule, evaluated like the validator: only where every cell it names holds
    a valid number. Shown on the row of its first left-hand cell (where the validator puts it);
    every cell it names is coloured. None when a code is not on the sheet (e.g. a line-list tally:
    that rule stays with the Sở Nội vụ)."""
    if not all(c in slots for c in rule.codes):
        return None
    named = tuple(slots[c] for c in rule.codes)
    left = "+".join(slots[c].ref for c in rule.left)
    right = "+".join(slots[c].ref for c in rule.right)
    valid = [_valid(s) for s in named]
    # IF, not AND: AND evaluates every argument, and a part holding text would make the sum an
    # error value; the rule is judged only where every cell holds a valid number
    condition = f"IF(AND({','.join(e for e, _ in valid)}),({left}){_FAILS[rule.op]}({right}),FALSE)"
    severity: Severity = "warning" if rule.severity == "warning" else "error"
    words = rule_words(rule)
    symbol = _FAIL_SYMBOL[rule.op]
    text = f'{_str(words + " (đang là ")}&({left})&{_str(f" {symbol} ")}&({right})&")"'

    def sides(v: Values) -> tuple[float, float]:
        return (sum(_number(v[c]) for c in rule.left), sum(_number(v[c]) for c in rule.right))

    def holds(v: Values) -> bool:
        if not all(ok(v) for _, ok in valid):
            return False
        a, b = sides(v)
        return {"==": a != b, "<=": a > b, ">=": a < b}[rule.op]

    def message(v: Values) -> str:
        a, b = sides(v)
        return f"{words} (đang là {_text(a)} {symbol} {_text(b)})"

    return _check(severity, slots[rule.left[0]].row, condition, text, named, holds, message,
                  mark=words)


def line_checks(columns: tuple[Column, ...], slots: dict[str, Slot],
                year: tuple[str, Callable[[Values], int | None]] | None) -> list[Check]:
    """One line-list row: nothing is checked until it holds more than its pre-typed number (STT);
    then each required column must be filled, each cell valid, and a column required when another
    holds a value (a completion date for "Đã khắc phục") filled."""
    numbering = {c.key for c in columns if c.type == "count" and not c.required}
    filled = [slots[c.key] for c in columns if c.key not in numbering]
    active = (f"OR({','.join(f'LEN(TRIM({s.ref}))>0' for s in filled)})",
              lambda v: any(not _blank(v.get(s.code)) for s in filled))
    out: list[Check] = []
    for col in columns:
        slot = slots[col.key]
        out += cell_checks(slot, active, year if col.within_year else None, required=False)
        if col.required:
            out.append(_check("error", slot.row,
                              f"AND({active[0]},LEN(TRIM({slot.ref}))=0)",
                              _str(f"thiếu “{col.label}”"), (slot,),
                              lambda v, s=slot: active[1](v) and _blank(v.get(s.code)),
                              f"thiếu “{col.label}”"))
        if col.required_when:
            other, expected = col.required_when
            o = slots[other]
            out.append(_check(
                "error", slot.row, f"AND(TRIM({o.ref})={_str(expected)},LEN(TRIM({slot.ref}))=0)",
                _str(f"“{expected}” thì phải ghi “{col.label}”"), (slot,),
                lambda v, s=slot, o=o, e=expected: isinstance(v.get(o.code), str)
                and v[o.code].strip(" ").casefold() == e.casefold() and _blank(v.get(s.code)),
                f"“{expected}” thì phải ghi “{col.label}”"))
    return out


def form_checks(form: FormSpec, slots: dict[str, Slot]) -> list[Check]:
    """Every check of the data tables (scalars and matrices): each cell, then each rule."""
    by_code: dict[str, Indicator] = {i.code: i for i in form.cells}
    out = [c for code, slot in slots.items() if code in by_code for c in cell_checks(slot)]
    return out + [c for rule in form.all_rules if (c := rule_check(rule, slots))]


def row_formula(checks: list[Check]) -> str:
    """The messages of one row's failing checks, joined by "; ", errors first."""
    ordered = sorted(checks, key=lambda c: list(PREFIX).index(c.severity))
    joined = "&".join(f'IF({c.condition},"; "&{c.text},"")' for c in ordered)
    return f'=IFERROR(MID({joined},3,2000),"{ERROR} ô có giá trị lỗi")'


def row_text(checks: list[Check], values: Values) -> str:
    ordered = sorted(checks, key=lambda c: list(PREFIX).index(c.severity))
    return "; ".join(c.message(values) for c in ordered if c.holds(values))


def status_formula(ranges: list[str]) -> str:
    """The sheet's verdict from the check cells of `ranges` (sheet-qualified)."""
    def count(test: str) -> str:
        return "+".join(f"SUMPRODUCT(--({test.format(r=r)}))" for r in ranges)

    errors = count(f'LEFT({{r}},{len(ERROR)})="{ERROR}"')
    blanks = count(f'LEFT({{r}},{len(BLANK)})="{BLANK}"')
    warnings = count(f'ISNUMBER(FIND("{WARNING}",{{r}}))')
    return (f'=IF(({errors})>0,"Còn "&(({errors})+({blanks}))&" chỗ cần sửa (xem cột {CHECK_HEADER})",'
            f'IF(({blanks})>0,"Còn "&({blanks})&" ô chưa nhập (xem cột {CHECK_HEADER})",'
            f'IF(({warnings})>0,"{OK_TEXT}; có "&({warnings})&" lưu ý cần xem lại","{OK_TEXT}")))')


def status_text(texts: list[str]) -> str:
    errors = sum(t.startswith(ERROR) for t in texts)
    blanks = sum(t.startswith(BLANK) for t in texts)
    warnings = sum(WARNING in t for t in texts)
    if errors:
        return f"Còn {errors + blanks} chỗ cần sửa (xem cột {CHECK_HEADER})"
    if blanks:
        return f"Còn {blanks} ô chưa nhập (xem cột {CHECK_HEADER})"
    return f"{OK_TEXT}; có {warnings} lưu ý cần xem lại" if warnings else OK_TEXT


def info_checks(unit: Slot, period: Slot, periods: list[str], units: list[str] | None,
                list_range: str | None, issued_to: str | None = None) -> list[Check]:
    """The info sheet: a unit code (from the office's list when the form carries it) and one of the
    plan's periods. Shown together in one cell beside the sheet's title (see `INFO_CHECK_CELL`)."""
    u, p = unit.ref, period.ref
    out = [_check("error", 1, f"LEN(TRIM({u}))=0",
                  _str(f"chưa ghi Mã đơn vị (ô {u.split('!')[-1].replace('$', '')})"), (unit,),
                  lambda v: _blank(v.get(unit.code)),
                  f"chưa ghi Mã đơn vị (ô {u.split('!')[-1].replace('$', '')})", mark="Mã đơn vị")]
    if list_range and units is not None:
        known = {c.casefold() for c in units}
        out.append(_check(
            "error", 1, f"AND(LEN(TRIM({u}))>0,COUNTIF({list_range},TRIM({u}))=0)",
            f'{_str("Mã đơn vị “")}&TRIM({u})&{_str("” không có trong danh mục")}', (unit,),
            lambda v: not _blank(v.get(unit.code))
            and str(v[unit.code]).strip(" ").casefold() not in known,
            lambda v: f"Mã đơn vị “{str(v[unit.code]).strip(' ')}” không có trong danh mục",
            mark="Mã đơn vị"))
    if issued_to:  # the validator accepts the typed code, and warns (unit-identity-mismatch)
        out.append(_check(
            "warning", 1, f"AND(LEN(TRIM({u}))>0,TRIM({u})<>{_str(issued_to)})",
            f'{_str(f"biểu này phát cho {issued_to} nhưng Mã đơn vị ghi “")}&TRIM({u})&"”"',
            (unit,),
            lambda v: not _blank(v.get(unit.code))
            and str(v[unit.code]).strip(" ").casefold() != issued_to.casefold(),
            lambda v: f"biểu này phát cho {issued_to} nhưng Mã đơn vị ghi "
                      f"“{str(v[unit.code]).strip(' ')}”", mark="phát cho"))
    where = p.split("!")[-1].replace("$", "")
    choices = " hoặc ".join(periods)
    out.append(_check(
        "error", 1, "AND(" + ",".join(f"TRIM({p})<>{_str(k)}" for k in periods) + ")",
        _str(f"Kỳ báo cáo (ô {where}) phải là {choices}"), (period,),
        lambda v: str(v.get(period.code) or "").strip(" ").casefold()
        not in {k.casefold() for k in periods},
        f"Kỳ báo cáo (ô {where}) phải là {choices}", mark="Kỳ báo cáo"))
    return out


def flag_conditions(checks: list[Check], check_cell: Callable[[int], str]
                    ) -> dict[Severity, str]:
    """The conditional-format formulas that colour a cell while one of `checks` (those naming it)
    fails: each looks for its mark in the check cell of its row (`check_cell(row)` → reference)."""
    out: dict[Severity, str] = {}
    for severity in ("error", "warning"):
        found = []
        for c in checks:
            if c.severity != severity:
                continue
            ref = check_cell(c.row)
            found.append(f"ISNUMBER(FIND({_str(c.mark)},{ref}))" if c.mark
                         else f'LEFT({ref},{len(ERROR)})="{ERROR}"')
        if found:
            out[severity] = "OR(" + ",".join(dict.fromkeys(found)) + ")"
    return out
