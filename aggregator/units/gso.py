"""Administrative structures from the GSO tables: a spreadsheet or CSV exported from the GSO list of
administrative units (Danh mục đơn vị hành chính, danhmuchanhchinh.gso.gov.vn), or the tables of
the PyPI package `vietnam-provinces` (0.x: province → district → commune; 2025.x, after 1/7/2025:
province → commune).

Columns are found by their header text, any case or diacritics: "Mã TP"/"Mã tỉnh", "Tỉnh / Thành
Phố", "Mã QH", "Quận Huyện" (absent in the two-level tables), "Mã PX"/"Mã xã", "Phường Xã", "Cấp".
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aggregator.read.workbook import WorkbookUnreadable, open_workbook
from aggregator.text import fold, nfc
from aggregator.units.registry import UnitsError

PACKAGE = "vietnam-provinces"
# Header (folded, letters and digits only) → column key.
_HEADERS = {
    "matp": "province_code", "matinh": "province_code", "matinhthanhpho": "province_code",
    "tinhthanhpho": "province_name", "tentinh": "province_name", "tentinhthanhpho": "province_name",
    "maqh": "district_code", "mahuyen": "district_code", "maquanhuyen": "district_code",
    "quanhuyen": "district_name", "tenhuyen": "district_name", "tenquanhuyen": "district_name",
    "mapx": "commune_code", "maxa": "commune_code", "maphuongxa": "commune_code",
    "phuongxa": "commune_name", "tenxa": "commune_name", "tenphuongxa": "commune_name",
}
_WIDTH = {"province_code": 2, "district_code": 3, "commune_code": 5}  # GSO codes, zero-padded


@dataclass(frozen=True)
class Division:
    """A district or commune of the new structure, under `parent` (a district) or directly under
    its province (`parent` None)."""

    code: str
    name: str
    level: str  # "district" | "commune"
    parent: str | None
    province: str
    province_name: str


def _key(header: object) -> str | None:
    return _HEADERS.get(re.sub(r"[^a-z0-9]", "", fold(str(header or ""))))


def _code(value: object, kind: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value or "").strip()
    return text.zfill(_WIDTH[kind]) if text.isdigit() else text


def _rows(path: Path) -> list[list[object]]:
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                return list(csv.reader(f))
        book = open_workbook(path)
    except (WorkbookUnreadable, UnicodeDecodeError) as exc:  # the library's text stays English
        raise UnitsError(f"Không đọc được tệp danh mục hành chính {path.name}: tệp bị hỏng hoặc "
                         "không phải bảng tính (.xlsx, .xls, .csv UTF-8). Hãy mở bằng Excel, "
                         "lưu lại rồi nhập lại.") from exc
    return next((s.rows for s in book.sheets if s.visible and s.rows), [])


def read_table(path: Path) -> list[Division]:
    """Districts and communes of a GSO export (.xlsx, .xls, .ods or .csv)."""
    rows = _rows(path)
    for at, row in enumerate(rows[:20]):  # the header may sit below a title
        columns = {_key(h): c for c, h in enumerate(row) if _key(h)}
        if {"province_code", "commune_code", "commune_name"} <= columns.keys():
            break
    else:
        raise UnitsError(
            f"Tệp {path.name} không có dòng tiêu đề của danh mục hành chính (cần các cột “Mã TP”, "
            "“Tỉnh / Thành Phố”, “Mã PX”, “Phường Xã”; có thể thêm “Mã QH”, “Quận Huyện”).")

    def cell(row: list[object], key: str) -> object:
        c = columns.get(key)
        return row[c] if c is not None and c < len(row) else ""

    found: dict[str, Division] = {}
    for row in rows[at + 1:]:
        province = _code(cell(row, "province_code"), "province_code")
        commune = _code(cell(row, "commune_code"), "commune_code")
        if not province or not commune:
            continue
        province_name = nfc(str(cell(row, "province_name")).strip())
        district = _code(cell(row, "district_code"), "district_code") or None
        if district and district not in found:
            found[district] = Division(district, nfc(str(cell(row, "district_name")).strip()),
                                       "district", None, province, province_name)
        found[commune] = Division(commune, nfc(str(cell(row, "commune_name")).strip()), "commune",
                                  district, province, province_name)
    return list(found.values())


def read_package() -> list[Division]:
    """The structure shipped in the installed `vietnam-provinces` (whichever version it is)."""
    try:
        data = resources.files("vietnam_provinces") / "data" / "nested-divisions.json"
        provinces = json.loads(data.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise UnitsError(f"Chưa cài gói {PACKAGE}, nơi có bảng danh mục hành chính: hãy cài "
                         f"“pip install aggregator[units]” (hoặc “pip install {PACKAGE}”), hoặc "
                         "dùng tệp danh mục tải từ Tổng cục Thống kê.") from exc
    return from_nested(provinces)


def from_nested(provinces: list[dict]) -> list[Division]:
    """The package's nested tables: provinces → districts → wards (0.x) or provinces → wards
    (2025.x, two levels)."""
    out = []
    for p in provinces:
        province, name = _code(p["code"], "province_code"), p["name"]
        for d in p.get("districts", []):
            district = _code(d["code"], "district_code")
            out.append(Division(district, d["name"], "district", None, province, name))
            out += [Division(_code(w["code"], "commune_code"), w["name"], "commune", district,
                             province, name) for w in d.get("wards", [])]
        out += [Division(_code(w["code"], "commune_code"), w["name"], "commune", None, province,
                         name) for w in p.get("wards", [])]
    return out


def load(source: str) -> list[Division]:
    """`source`: a GSO export file, or the word `vietnam-provinces` for the installed package."""
    if source.strip().lower() == PACKAGE:
        return read_package()
    path = Path(source)
    if not path.is_file():
        raise UnitsError(f"Không tìm thấy tệp danh mục hành chính {source}.")
    return read_table(path)


def _bare(name: str) -> str:
    """'Tỉnh Thái Nguyên', 'thai nguyen' → 'thai nguyen'; 'Thành phố Hà Nội' → 'ha noi'."""
    folded = " ".join(fold(name).split())
    for prefix in ("tinh ", "thanh pho "):
        if folded.startswith(prefix):
            return folded[len(prefix):]
    return folded


def of_province(divisions: list[Division], province: str) -> list[Division]:
    """The divisions of one province, named by GSO code ("19") or name ("Thái Nguyên")."""
    key = province.strip()
    code = key.zfill(2) if key.isdigit() else None
    chosen = [d for d in divisions if d.province == code
              or (code is None and _bare(d.province_name) == _bare(key))]
    if not chosen:
        names = sorted({f"{d.province} {d.province_name}" for d in divisions})
        raise UnitsError(f"Tệp không có tỉnh “{province}”. Các tỉnh có trong tệp: "
                         + ", ".join(names[:10]) + ("…" if len(names) > 10 else ""))
    return chosen
