"""The registry of reporting units: hierarchy, levels, groups and validity dates, loaded from CSV."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aggregator.text import fold, nfc
from aggregator.units.sheet import LEVEL_NAMES, read_rows

DEFAULT_UNITS_FILE = Path(__file__).parent / "data" / "thai-nguyen-2024.csv"
LEVELS = ("province", "agency", "district", "commune")
LEVEL_LABELS = {
    "province": "Tỉnh",
    "agency": "Sở, ban, ngành",
    "district": "UBND cấp huyện",
    "commune": "UBND cấp xã",
}


class UnitsError(ValueError):
    """The unit list is unusable; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None
    group: str
    valid_from: date | None = None
    valid_to: date | None = None
    forms: tuple[str, ...] = ()  # the forms it must submit; empty: as each round's submitters say

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def submits(self, form: str, submitters: tuple[str, ...] | list[str]) -> bool:
        """Whether the unit must send `form`: its own list of forms when the office filled one in,
        else the round's submitters (levels or groups)."""
        if self.forms:
            return form in self.forms
        return self.level in submitters or self.group in submitters


def normalize_code(value: object) -> str:
    """Unit codes as typed in Excel: 164, 164.0, ' snv ' → '164', 'SNV'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip().upper()


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


def parse_forms(text: str) -> tuple[str, ...]:
    """'KTCV, CCHC' or 'ktcv;cchc' → ('KTCV', 'CCHC')."""
    return tuple(dict.fromkeys(p.upper() for p in re.split(r"[\s,;]+", text or "") if p))


def _name_key(name: str) -> str:
    return " ".join(fold(name).split())


def _unit_of(r: dict[str, str], path: Path) -> Unit:
    """One row of the list; a wrong level or date is a UnitsError naming the row and the valid
    values."""
    where = f"Danh mục đơn vị {path}, dòng {r.get('_row', '?')}"
    def text(key: str) -> str:
        return (r.get(key) or "").strip()

    level = text("level")
    if level not in LEVELS:
        valid = ", ".join(f"“{LEVEL_NAMES[v]}” ({v})" for v in LEVELS)
        raise UnitsError(f"{where}: cấp “{level}” không hợp lệ. Các cấp: {valid}.")
    dates = {}
    for key, label in (("valid_from", "Hiệu lực từ"), ("valid_to", "Hiệu lực đến")):
        try:
            dates[key] = _date(text(key))
        except ValueError:
            raise UnitsError(f"{where}: cột “{label}” = “{r[key]}” không phải ngày. Hãy nhập "
                             "ngày (trong Excel) hoặc viết dạng YYYY-MM-DD, ví dụ "
                             "2025-06-30.") from None
    return Unit(
        code=normalize_code(text("code")),
        name=nfc(text("name")),
        level=level,
        parent=normalize_code(text("parent")) if text("parent") else None,
        group=text("group"),
        forms=parse_forms(text("forms")),
        **dates,
    )


class UnitRegistry:
    def __init__(self, units: list[Unit]):
        self.units = units
        self._by_code = {u.code: u for u in units}
        if len(self._by_code) != len(units):
            seen: set[str] = set()
            dupes = sorted({u.code for u in units if u.code in seen or seen.add(u.code)})
            raise UnitsError(f"Danh mục đơn vị có mã trùng: {', '.join(dupes)}")
        for u in units:
            if u.parent and u.parent not in self._by_code:
                raise UnitsError(f"Đơn vị {u.code} có đơn vị cấp trên {u.parent} không có trong danh mục")
        self._by_name: dict[str, list[Unit]] = {}
        for u in units:
            self._by_name.setdefault(_name_key(u.name), []).append(u)
        self._below: dict[str, frozenset[str]] = {}
        self._children: dict[str, list[str]] = {}
        for u in units:
            if u.parent:
                self._children.setdefault(u.parent, []).append(u.code)
        self._check_cycles()

    def _check_cycles(self) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        for start in self._by_code:
            path = []
            code: str | None = start
            while code is not None and state.get(code) != 2:
                if state.get(code) == 1:
                    raise UnitsError("Danh mục đơn vị có vòng lặp cấp trên: "
                                     + " → ".join(path[path.index(code):] + [code]))
                state[code] = 1
                path.append(code)
                code = self._by_code[code].parent
            for c in path:
                state[c] = 2

    @classmethod
    def from_file(cls, path: Path = DEFAULT_UNITS_FILE) -> UnitRegistry:
        """The unit list from a .csv or from the office's Excel workbook (don-vi.xlsx)."""
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            try:
                rows = read_rows(path)
            except UnitsError:
                raise
            except FileNotFoundError as exc:
                raise UnitsError(f"Không tìm thấy danh mục đơn vị {path} (units_file trong "
                                 "aggregator.toml). Hãy kiểm tra tên tệp, hoặc chạy “aggregator "
                                 "init” để tạo lại don-vi.xlsx.") from exc
            except Exception as exc:  # truncated or not a workbook: zipfile, XML, openpyxl errors
                raise UnitsError(f"Không mở được danh mục đơn vị {path}: tệp bị hỏng hoặc không "
                                 "phải tệp Excel .xlsx. Hãy mở bằng Excel và lưu lại dạng .xlsx, "
                                 "hoặc chép lại từ bản sao lưu.") from exc
            return cls._from_rows(rows, path)
        return cls.from_csv(path)

    @classmethod
    def from_csv(cls, path: Path = DEFAULT_UNITS_FILE) -> UnitRegistry:
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError) as exc:
            raise UnitsError(f"Không đọc được danh mục đơn vị {path}. Hãy kiểm tra tệp có đó và "
                             "được lưu dạng CSV UTF-8.") from exc
        missing = [k for k in ("code", "name", "level", "parent", "group") if k not in (
            rows[0] if rows else {})]
        if rows and missing:
            raise UnitsError(f"Danh mục đơn vị {path} thiếu cột {', '.join(missing)} ở dòng "
                             "tiêu đề.")
        return cls._from_rows([r | {"_row": str(n)} for n, r in enumerate(rows, start=2)], path)

    @classmethod
    def _from_rows(cls, rows: list[dict[str, str]], path: Path) -> UnitRegistry:
        units = [_unit_of(r, path) for r in rows]
        return cls(units)

    def to_csv(self, path: Path) -> Path:
        """The list in the CSV layout `from_csv` reads."""
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["code", "name", "level", "parent", "group", "valid_from", "valid_to",
                        "forms"])
            for u in self.units:
                w.writerow([u.code, u.name, u.level, u.parent or "", u.group,
                            u.valid_from.isoformat() if u.valid_from else "",
                            u.valid_to.isoformat() if u.valid_to else "", ", ".join(u.forms)])
        return path

    def get(self, code: object) -> Unit | None:
        return self._by_code.get(normalize_code(code))

    def find(self, text: str) -> Unit:
        """The unit a person means by a code or a name ('STP', 'Sở Tư pháp', 'huyen dong hy');
        otherwise a Vietnamese error naming the candidates or the nearest codes and names."""
        unit = self.get(text)
        if unit is not None:
            return unit
        found = self.named(str(text))
        if len(found) == 1:
            return found[0]
        if found:
            listed = "; ".join(f"{u.code} – {u.name}" for u in found)
            raise UnitsError(f"Tên “{text}” là tên của {len(found)} đơn vị ({listed}): hãy ghi mã.")
        names = {_name_key(u.name): u for u in self.units}
        codes = {u.code.casefold(): u for u in self.units}
        near = [names[k] for k in difflib.get_close_matches(_name_key(str(text)), names, n=3)]
        near += [codes[k] for k in difflib.get_close_matches(str(text).casefold(), codes, n=3)]
        hint = "; ".join(dict.fromkeys(f"{u.code} – {u.name}" for u in near))
        raise UnitsError(f"Không có đơn vị “{text}” trong danh mục."
                         + (f" Có phải: {hint}?" if hint else " Xem mã các đơn vị trong don-vi.xlsx."))

    def named(self, name: str) -> list[Unit]:
        """Every unit of that name: 'UBND huyện Đồng Hỷ', 'huyen dong hy', 'Huyện Đồng Hỷ' all find
        unit 169; 'Phường Trung Thành' finds two (one in each of two cities)."""
        key = _name_key(name)
        for prefix in ("", "ubnd ", "uy ban nhan dan "):
            if key.startswith(prefix) and (found := self._by_name.get(key[len(prefix):])):
                return list(found)
        return []

    def by_name(self, name: str) -> Unit | None:
        """The unit of that name, if exactly one has it (a shared name needs the code)."""
        found = self.named(name)
        return found[0] if len(found) == 1 else None

    def __getitem__(self, code: str) -> Unit:
        return self._by_code[code]

    def expected(self, form: str, submitters: tuple[str, ...] | list[str], on: date,
                 under: str | None = None) -> list[Unit]:
        """Units valid on a day that must send `form` (see `Unit.submits`), below `under` if given
        (the consolidating unit: the province, or a district consolidating its communes)."""
        below = self.descendants(under) if under else None
        return [u for u in self.units
                if u.submits(form, submitters) and u.valid_on(on)
                and (below is None or u.code in below)]

    def check_forms(self, known: set[str]) -> None:
        """Every form named in the unit list exists (the message lists the ones that do)."""
        bad = [f"{u.code} ({f})" for u in self.units for f in u.forms if f not in known]
        if bad:
            raise UnitsError(f"Danh mục đơn vị ghi biểu mẫu không có: {', '.join(bad)}. "
                             f"Các biểu mẫu: {', '.join(sorted(known))}.")

    def children(self, code: str) -> list[Unit]:
        return [self._by_code[c] for c in self._children.get(code, [])]

    def descendants(self, code: str) -> frozenset[str]:
        """Every unit below `code` in the hierarchy (not the unit itself); computed once per code,
        since validation asks for it again with every chunk of a batch."""
        if code not in self._below:
            self._below[code] = frozenset(self._walk_down(code))
        return self._below[code]

    def _walk_down(self, code: str) -> set[str]:
        out: set[str] = set()
        stack = list(self._children.get(code, []))
        while stack:
            c = stack.pop()
            if c not in out:
                out.add(c)
                stack.extend(self._children.get(c, []))
        return out

    def _ancestry(self, code: str):
        """The unit itself, then its parent, grandparent… (cycles are refused at load)."""
        unit = self._by_code.get(code)
        while unit is not None:
            yield unit
            unit = self._by_code.get(unit.parent) if unit.parent else None

    def child_of(self, code: str, owner: str) -> str | None:
        """The unit directly below `owner` on the way up from `code` (itself if it is one)."""
        return next((u.code for u in self._ancestry(code) if u.parent == owner), None)

    def ancestor_at(self, code: str, level: str) -> str | None:
        """The unit at `level` above (or equal to) `code`: commune 05431 at 'district' → '164'."""
        return next((u.code for u in self._ancestry(code) if u.level == level), None)
