"""The indicator codes each Word report reads, checked when the forms load: a workspace form
override that renumbers or drops one of them stops the run with a Vietnamese message naming the
form file and the missing codes, instead of a KeyError in the middle of rendering."""

from __future__ import annotations

from pathlib import Path

import yaml

from aggregator.forms import FormSpecError
from aggregator.forms.models import FormSpec

_KTCV_NUMBERS = ("1 1.1 1.2 2 3 4 5 5.1 5.2 5.3 5.4 5.5 5.6 5.7 5.8 6 6.1 6.2 6.2.1 6.2.2 6.2.3 "
                 "6.2.4 6.3 6.4 7 7.1 8 8.1 8.2 8.2.1 9 9.1 9.2 9.3 10 10.2 11 12 13 14 14.1 14.2")
_CCHC_AREAS = " ".join(f"2.{k}" for k in ("KH", "HT", "DTH", "CTH"))

# form code → codes its report reads: indicators, matrix cells, tallies, derived rates, columns.
USED: dict[str, tuple[str, ...]] = {
    "KTCV": tuple(_KTCV_NUMBERS.split()) + ("15", "16", "17", "18", "R1", "R2", "R3", "R4"),
    "CCHC": tuple(f"1 {_CCHC_AREAS} 3 3.1 4 4.1 5 5.1 5.2 6 7 8 9 10 11 12 13 14 R1 R2 R3"
                  .split()),
    "KPKN": ("T", "T.1", "T.2", "T.3", "R1", "SO_NGAY", "NOI_DUNG", "KET_QUA"),
    "DKT": ("2", "3"),
}


def provided(form: FormSpec) -> set[str]:
    codes = {i.code for i in form.indicators} | {d.code for d in form.derived}
    if form.line_list:
        codes |= set(form.line_list.by_key)
    return codes


def missing_codes(form: FormSpec) -> list[str]:
    have = provided(form)
    missing = [c for c in USED.get(form.code, ()) if c not in have]
    if form.code == "DKT" and not form.matrices:
        missing.append("5 (bảng kết quả theo nội dung)")
    return missing


def _file_of(code: str, dirs: list[Path]) -> str:
    """The definition file in force for a form: the last folder (the workspace's) wins."""
    found = f"biểu {code}"
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and str(data.get("code", "")).upper() == code:
                found = str(path)
    return found


def check_report_codes(forms, dirs: list[Path]) -> None:
    """Raise FormSpecError (a one-line Vietnamese message) if a report's code is missing."""
    for form in forms:
        missing = missing_codes(form)
        if missing:
            raise FormSpecError(
                f"Định nghĩa biểu {form.code} ({_file_of(form.code, dirs)}) thiếu mã chỉ tiêu "
                f"{', '.join(missing)} mà báo cáo Word dùng. Hãy giữ nguyên các mã này trong tệp "
                "định nghĩa biểu (có thể sửa tên, đơn vị tính), hoặc xóa tệp định nghĩa riêng để "
                "dùng biểu gốc.")
