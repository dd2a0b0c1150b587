"""Mistakes in aggregator.toml as one Vietnamese line: the file, the line, the key, what is
expected and the valid keys or values. No English text of the TOML parser or pydantic reaches a
user."""

from __future__ import annotations

import difflib
import re
import tomllib
import typing
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ValidationError

DATE_EXAMPLE = "YYYY-MM-DD, ví dụ 2024-12-01"
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_SLASH_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

# The TOML parser's messages (a closed set, see tomllib/_parser.py), by their start.
_TOML_REASONS = [
    ("Invalid value", "giá trị viết sai (chữ phải trong ngoặc kép \"…\", ngày dạng "
                      f"{DATE_EXAMPLE}, danh sách trong [ ])"),
    ("Invalid date", f"ngày viết sai (cần dạng {DATE_EXAMPLE})"),
    ("Expected newline or end of document", "sau giá trị còn chữ thừa (chữ phải trong ngoặc "
                                            "kép \"…\", ghi chú bắt đầu bằng #)"),
    ("Cannot overwrite", "khóa này đã được ghi ở trên (mỗi khóa chỉ ghi một lần)"),
    ("Cannot declare", "khối này đã được ghi ở trên (mỗi khối chỉ ghi một lần)"),
    ("Cannot redefine", "khối này đã được ghi ở trên (mỗi khối chỉ ghi một lần)"),
    ("Duplicate inline table key", "khóa bị ghi hai lần"),
    ("Illegal character", "ký tự không hợp lệ (có thể thiếu dấu ngoặc kép đóng)"),
    ("Unterminated string", "thiếu dấu ngoặc kép đóng"),
    ("Unclosed array", "danh sách thiếu dấu ] đóng"),
    ("Unclosed inline table", "thiếu dấu } đóng"),
    ("Expected '=' after a key", "thiếu dấu = giữa tên khóa và giá trị"),
    ("Expected ']]'", "tên khối thiếu ]] đóng"),
    ("Expected ']'", "tên khối thiếu ] đóng"),
    ("Invalid initial character for a key", "tên khóa có ký tự không hợp lệ"),
    ("Unescaped '\\'", "dấu \\ trong chuỗi phải viết thành \\\\ (hoặc dùng /)"),
]


def toml_syntax_message(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    raw = str(exc)
    reason = next((vi for en, vi in _TOML_REASONS if raw.startswith(en)), "sai cú pháp")
    at = _AT.search(raw)
    if at is None:  # "(at end of document)": something opened was never closed
        where = "ở cuối tệp"
        line_text = ""
    else:
        number = int(at.group(1))
        where = f"dòng {number}, cột {at.group(2)}"
        lines = text.splitlines()
        line_text = lines[number - 1] if number <= len(lines) else ""
    hint = ""
    if slash := _SLASH_DATE.search(line_text):
        hint = f" Ngày phải viết dạng YYYY-MM-DD, ví dụ {_iso_of(slash)}."
    elif line_text.strip():
        hint = f" Dòng đó: {line_text.strip()}"
    return f"Tệp cấu hình {path} sai ở {where}: {reason}.{hint}"


def _iso_of(match: re.Match) -> str:
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return "2024-12-01"


def key_lines(text: str) -> dict[tuple, int]:
    """Line number (1-based) of every key and table header, by its path as pydantic reports it:
    ('owner',), ('signer',), ('signer', 'name'), ('rounds', 0), ('rounds', 0, 'deadline')."""
    found: dict[tuple, int] = {}
    table: tuple = ()
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            name = header.group(2)
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                table = (*name.split("."), counts[name])
            else:
                table = tuple(name.split("."))
            found.setdefault(table, number)
        elif key := _KEY.match(line):
            found.setdefault((*table, key.group(1)), number)
    return found


def _line_of(loc: tuple, lines: dict[tuple, int]) -> int | None:
    for end in range(len(loc), 0, -1):  # the key itself, else the closest enclosing table
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _model_at(model: type[BaseModel], loc: tuple) -> tuple[type[BaseModel], object]:
    """The model holding the last key of `loc`, and that key's annotation (None if unknown)."""
    holder, current, annotation = model, model, None
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            return current or holder, None
        holder, annotation = current, current.model_fields[part].annotation
        inner = [a for a in (*typing.get_args(annotation), annotation)
                 if isinstance(a, type) and issubclass(a, BaseModel)]
        current = inner[0] if inner else None
    return holder, annotation


def _choices(annotation: object) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    return []


def _expected(error: dict, model: type[BaseModel], loc: tuple) -> str:
    kind = error["type"]
    given = error.get("input")
    holder, annotation = _model_at(model, loc)
    key = next((str(p) for p in reversed(loc) if not isinstance(p, int)), "")
    if kind == "extra_forbidden":
        valid = ", ".join(holder.model_fields)
        close = difflib.get_close_matches(str(loc[-1]), list(holder.model_fields), n=1)
        guess = f" (có phải “{close[0]}”?)" if close else ""
        return f"không có khóa “{loc[-1]}”{guess}. Các khóa hợp lệ ở đây: {valid}"
    if kind == "missing":
        return f"thiếu khóa bắt buộc “{key}”"
    if kind.startswith(("date", "datetime")):
        slash = _SLASH_DATE.search(str(given))
        example = _iso_of(slash) if slash else "2024-12-01"
        return (f"“{key}” = {given!r} không phải ngày; cần ngày dạng YYYY-MM-DD, "
                f"ví dụ {example}").replace("'", "\"")
    if kind in ("literal_error", "enum"):
        valid = ", ".join(f"“{c}”" for c in _choices(annotation))
        return f"“{key}” = “{given}” không hợp lệ; chọn một trong: {valid}"
    if kind.startswith(("int_", "float_")) or kind in ("int_type", "float_type"):
        return f"“{key}” = “{given}” không phải là số; cần một số (không có ngoặc kép)"
    if kind in ("greater_than_equal", "greater_than"):
        limit = (error.get("ctx") or {}).get("ge", (error.get("ctx") or {}).get("gt"))
        return f"“{key}” = {given} quá nhỏ; cần số từ {limit} trở lên"
    if kind in ("string_type",):
        return f"“{key}” cần chữ trong ngoặc kép, ví dụ {key} = \"…\""
    if kind in ("tuple_type", "list_type"):
        return f"“{key}” cần một danh sách trong [ ], ví dụ {key} = [\"…\", \"…\"]"
    if kind in ("bool_type", "bool_parsing"):
        return f"“{key}” cần true hoặc false"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"“{key}” phải là một khối [{key}] gồm các khóa"
    return f"giá trị của “{key}” không hợp lệ: {given!r}"


def validation_message(path: Path, text: str, exc: ValidationError,
                       model: type[BaseModel]) -> str:
    """The first mistake, located in the file, and how many more there are."""
    errors = exc.errors()
    lines = key_lines(text)
    # A misspelt key also leaves the key it meant missing: name the misspelling first.
    first = min(errors, key=lambda e: (e["type"] != "extra_forbidden",
                                       _line_of(tuple(e["loc"]), lines) or 0))
    loc = tuple(first["loc"])
    line = _line_of(loc, lines)
    where = f" dòng {line}" if line else ""
    more = f" (và {len(errors) - 1} lỗi khác)" if len(errors) > 1 else ""
    return f"Tệp cấu hình {path}{where}: {_expected(first, model, loc)}.{more}"


def located(path: Path, text: str, loc: tuple, message: str) -> str:
    """A mistake found after loading (an unknown form in [[rounds]]…), at its line."""
    line = _line_of(loc, key_lines(text)) if text else None
    where = f" dòng {line}" if line else ""
    return f"Tệp cấu hình {path}{where}: {message}"
