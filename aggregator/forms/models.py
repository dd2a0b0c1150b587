"""Typed form specifications, checked when built; author mistakes raise FormSpecError.

A form is a list of sections, laid out in order on its data sheet:
- `indicators`: a table of scalar indicators, one row each, value under "Số liệu";
- `matrix`: rows × option columns (cells addressed "2.3.HT"), value under each option key;
- `line_list`: any number of item rows under a header of column labels.
Matrix cells are flattened into indicators, so rules, validation and consolidation see one flat
namespace of codes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class FormSpecError(ValueError):
    """A form definition is wrong (our breakage, not a unit's)."""


CellType = Literal["count", "percent", "score", "text", "date", "choice"]
NUMERIC_TYPES = ("count", "percent", "score")
BOUNDS: dict[str, tuple[float, float | None]] = {
    "count": (0, None),
    "percent": (0, 100),
    "score": (0, 100),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Indicator(_Frozen):
    code: str
    label: str
    unit: str = ""
    type: CellType = "count"
    choices: tuple[str, ...] = ()
    required: bool = True
    stock: bool = False  # a level at the period's end (not cumulative): exempt from the Y ≥ H1 check

    @model_validator(mode="after")
    def _choices_match_type(self) -> Indicator:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError(f"{self.code}: 'choices' is needed for, and only for, type 'choice'")
        return self

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def aggregation(self) -> str:
        """How the province total is formed: counts add up, rates and scores average."""
        return "sum" if self.type == "count" else "mean" if self.is_numeric else "none"


class Column(_Frozen):
    key: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    label: str
    type: CellType = "count"
    unit: str = ""
    choices: tuple[str, ...] = ()
    required: bool = True
    # line lists only: required when another column of the row holds a value
    required_when: tuple[str, str] | None = None
    within_year: bool = False  # dates must fall inside the report's year


class MatrixRow(_Frozen):
    code: str
    label: str


class RowSum(_Frozen):
    total: str
    parts: tuple[str, ...]


class Matrix(_Frozen):
    code: str
    title: str
    rows: tuple[MatrixRow, ...]
    columns: tuple[Column, ...]
    total_row: str | None = None  # a row that is, per column, the sum of every other row
    row_sum: RowSum | None = None  # per row: total column = sum of part columns

    def cells(self) -> list[Indicator]:
        return [
            Indicator(code=f"{row.code}.{col.key}", label=f"{row.label} – {col.label}",
                      unit=col.unit, type=col.type, choices=col.choices, required=col.required)
            for row in self.rows
            for col in self.columns
        ]

    def rules(self) -> list[Rule]:
        out = []
        if self.row_sum:
            for row in self.rows:
                out.append(Rule(kind="sum", left=(f"{row.code}.{self.row_sum.total}",),
                                right=tuple(f"{row.code}.{k}" for k in self.row_sum.parts)))
        if self.total_row:
            parts = [r.code for r in self.rows if r.code != self.total_row]
            for col in self.columns:
                if col.type in NUMERIC_TYPES:
                    out.append(Rule(kind="sum", left=(f"{self.total_row}.{col.key}",),
                                    right=tuple(f"{p}.{col.key}" for p in parts)))
        return out


class Tally(_Frozen):
    """A count computed from a line list (never entered): rows, or rows whose column equals a value."""

    code: str
    label: str
    column: str | None = None
    equals: str | None = None


class LineList(_Frozen):
    title: str
    columns: tuple[Column, ...]
    tallies: tuple[Tally, ...] = ()
    rows: int = Field(default=100, ge=1, le=5000)  # input rows prepared in the template

    @property
    def by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}


class Section(_Frozen):
    title: str = ""
    indicators: tuple[Indicator, ...] = ()
    matrix: Matrix | None = None
    line_list: LineList | None = None

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> Section:
        kinds = [bool(self.indicators), self.matrix is not None, self.line_list is not None]
        if sum(kinds) != 1:
            raise ValueError("a section holds exactly one of: indicators, matrix, line_list")
        return self


class Rule(_Frozen):
    """`sum(left) op sum(right)`; kind "sum" means left is the total of the parts on the right."""

    kind: Literal["sum", "compare"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    op: Literal["==", "<=", ">="] = "=="
    severity: Literal["error", "warning"] = "error"
    hint: str = ""

    @model_validator(mode="after")
    def _sum_is_equality(self) -> Rule:
        if self.kind == "sum" and self.op != "==":
            raise ValueError("a 'sum' rule is an equality; use kind 'compare' for inequalities")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return self.left + self.right

    def describe(self) -> str:
        """'1 = 1.1 + 1.2' — the rule in symbols (developer messages)."""
        symbol = {"==": "=", "<=": "≤", ">=": "≥"}[self.op]
        return f"{' + '.join(self.left)} {symbol} {' + '.join(self.right)}"

    def sentence(self, strict: bool = True) -> str:
        """The rule as a commune official reads it: 'Chỉ tiêu 4 không được lớn hơn chỉ tiêu 3',
        'Chỉ tiêu 1 phải bằng tổng các chỉ tiêu 1.1 và 1.2'; `strict=False` for a warning's
        'thường không nhỏ hơn'."""
        verbs = ({"==": "phải bằng", "<=": "không được lớn hơn", ">=": "không được nhỏ hơn"}
                 if strict else
                 {"==": "thường bằng", "<=": "thường không lớn hơn", ">=": "thường không nhỏ hơn"})
        left = codes_phrase(self.left)
        return f"{left[0].upper()}{left[1:]} {verbs[self.op]} {codes_phrase(self.right)}"


def codes_phrase(codes: tuple[str, ...] | list[str]) -> str:
    """('4',) → 'chỉ tiêu 4'; ('9.3', '10.2') → 'tổng các chỉ tiêu 9.3 và 10.2'."""
    if len(codes) == 1:
        return f"chỉ tiêu {codes[0]}"
    return f"tổng các chỉ tiêu {', '.join(codes[:-1])} và {codes[-1]}"


class Derived(_Frozen):
    code: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


class Chart(_Frozen):
    """A native Excel chart in the summary workbook: province totals of `codes`, or one bar per unit
    of `per_unit` (an indicator or derived code), largest first."""

    title: str
    codes: tuple[str, ...] = ()
    per_unit: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Chart:
        if bool(self.codes) == bool(self.per_unit):
            raise ValueError(f"chart {self.title!r}: give either codes or per_unit")
        return self


class FormSpec(_Frozen):
    code: str = Field(pattern=r"^[A-Z]{2,10}$")
    version: int = Field(ge=1)
    compatible_from: int = Field(default=1, ge=1)  # oldest template version still readable
    title: str
    periods: tuple[Literal["H1", "Y"], ...]
    sheet: str = Field(min_length=1, max_length=31)
    sections: tuple[Section, ...]
    instance_key: str | None = None  # a code whose value tells several files of one unit apart
    rules: tuple[Rule, ...] = ()
    derived: tuple[Derived, ...] = ()
    compare_with_h1: bool = False  # warn when a cumulative annual count is below the H1 value
    charts: tuple[Chart, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> FormSpec:
        codes = [i.code for i in self.cells]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate indicator codes: {', '.join(dupes)}")
        numeric = set(self.numeric_codes)
        for rule in self.all_rules:
            bad = [c for c in rule.codes if c not in numeric]
            if bad:
                raise ValueError(f"rule {rule.describe()} names unknown or non-numeric codes: {bad}")
        for d in self.derived:
            bad = [c for c in d.numerator + d.denominator if c not in numeric]
            if bad:
                raise ValueError(f"derived {d.code} names unknown or non-numeric codes: {bad}")
        known = set(self.numeric_codes) | {d.code for d in self.derived}
        for chart in self.charts:
            bad = [c for c in chart.codes + ((chart.per_unit,) if chart.per_unit else ())
                   if c not in known]
            if bad:
                raise ValueError(f"chart {chart.title!r} names unknown codes: {bad}")
        if self.instance_key and self.instance_key not in codes:
            raise ValueError(f"instance_key {self.instance_key} is not an indicator code")
        if self.compatible_from > self.version:
            raise ValueError("compatible_from cannot exceed version")
        if sum(s.line_list is not None for s in self.sections) > 1:
            raise ValueError("a form holds at most one line list")
        if self.line_list:
            keys = self.line_list.by_key
            for col in self.line_list.columns:
                if col.required_when and col.required_when[0] not in keys:
                    raise ValueError(f"{col.key}: required_when names unknown column")
            for t in self.line_list.tallies:
                if t.column and t.column not in keys:
                    raise ValueError(f"tally {t.code} names unknown column {t.column}")
        return self

    # flattened views ----------------------------------------------------------------------------
    @property
    def scalars(self) -> list[Indicator]:
        return [i for s in self.sections for i in s.indicators]

    @property
    def matrices(self) -> list[Matrix]:
        return [s.matrix for s in self.sections if s.matrix is not None]

    @property
    def line_list(self) -> LineList | None:
        return next((s.line_list for s in self.sections if s.line_list is not None), None)

    @property
    def cells(self) -> list[Indicator]:
        """Every entered value with its own code: scalars, then matrix cells."""
        out: list[Indicator] = []
        for s in self.sections:
            out.extend(s.indicators)
            if s.matrix:
                out.extend(s.matrix.cells())
        return out

    @property
    def tallies(self) -> list[Indicator]:
        """Counts computed from the line list, treated like entered counts downstream."""
        if not self.line_list:
            return []
        return [Indicator(code=t.code, label=t.label, unit="mục", type="count")
                for t in self.line_list.tallies]

    @property
    def indicators(self) -> list[Indicator]:
        return self.cells + self.tallies

    @property
    def all_rules(self) -> list[Rule]:
        return list(self.rules) + [r for m in self.matrices for r in m.rules()]

    @property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @property
    def numeric_codes(self) -> list[str]:
        return [i.code for i in self.indicators if i.is_numeric]

    @property
    def text_codes(self) -> list[str]:
        return [i.code for i in self.indicators if i.type == "text"]

    @property
    def summary_codes(self) -> list[str]:
        """The numeric codes that fit one printed page per unit row: top-level scalars, matrix total
        rows and line-list tallies — or every numeric code when that is already few."""
        numeric = self.numeric_codes
        if len(numeric) <= 20:
            return numeric
        totals = {f"{m.total_row}.{c.key}" for m in self.matrices if m.total_row for c in m.columns}
        tallies = {t.code for t in self.tallies}
        return [c for c in numeric if "." not in c or c in totals or c in tallies]

    def formula_hint(self, code: str) -> str:
        """The sum rule that defines a total, shown next to it in the template ('= 1.1 + 1.2')."""
        for rule in self.all_rules:
            if rule.kind == "sum" and rule.left == (code,):
                return "= " + " + ".join(rule.right)
        return ""
