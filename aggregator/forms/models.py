"""Typed form specifications. A spec is checked when it is built; author mistakes raise FormSpecError."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class FormSpecError(ValueError):
    """A form definition is wrong (our breakage, not a unit's)."""


class Indicator(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    label: str
    unit: str = ""
    type: Literal["count", "percent", "text"] = "count"
    required: bool = True

    @property
    def is_numeric(self) -> bool:
        return self.type != "text"


class Rule(BaseModel):
    """`sum(left) op sum(right)`; kind "sum" means left is the total of the parts on the right."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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
        """'1 = 1.1 + 1.2' — the rule as a person reads it."""
        symbol = {"==": "=", "<=": "≤", ">=": "≥"}[self.op]
        return f"{' + '.join(self.left)} {symbol} {' + '.join(self.right)}"


class Derived(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


class FormSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z]{2,10}$")
    version: int = Field(ge=1)
    title: str
    periods: tuple[Literal["H1", "Y"], ...]
    sheet: str = Field(min_length=1, max_length=31)
    indicators: tuple[Indicator, ...]
    rules: tuple[Rule, ...] = ()
    derived: tuple[Derived, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> FormSpec:
        codes = [i.code for i in self.indicators]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate indicator codes: {', '.join(dupes)}")
        numeric = {i.code for i in self.indicators if i.is_numeric}
        for rule in self.rules:
            bad = [c for c in rule.codes if c not in numeric]
            if bad:
                raise ValueError(f"rule {rule.describe()} names unknown or non-numeric codes: {bad}")
        for d in self.derived:
            bad = [c for c in d.numerator + d.denominator if c not in numeric]
            if bad:
                raise ValueError(f"derived {d.code} names unknown or non-numeric codes: {bad}")
        return self

    @property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @property
    def numeric_codes(self) -> list[str]:
        return [i.code for i in self.indicators if i.is_numeric]

    @property
    def text_codes(self) -> list[str]:
        return [i.code for i in self.indicators if not i.is_numeric]

    def formula_hint(self, code: str) -> str:
        """The sum rule that defines a total, shown next to it in the template ('= 1.1 + 1.2')."""
        for rule in self.rules:
            if rule.kind == "sum" and rule.left == (code,):
                return "= " + " + ".join(rule.right)
        return ""
