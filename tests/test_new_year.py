"""A new year and a new administrative structure need configuration only: `aggregator init`, then
aggregator.toml edited as text and don-vi.xlsx edited as a person would in Excel (openpyxl), or the
GSO tables brought in with `aggregator units import`.

The GSO tables of 2025 (two levels: province → commune, from 1/7/2025) are in
tests/data/gso-2025-thai-nguyen-cao-bang.csv, extracted from PyPI vietnam-provinces 2025.10.1
(data/nested-divisions.json, provinces 19 and 04) in the GSO export's column layout.
"""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from aggregator import api
from aggregator.units import UnitRegistry, UnitsError, reporting_name
from tests.conftest import fill_by_contract, libreoffice_convert, sample_values, set_mtime, soffice

GSO_2025 = Path(__file__).parent / "data" / "gso-2025-thai-nguyen-cao-bang.csv"
MERGED_AGENCIES = {"SKHDT", "STTTT", "SLDTBXH", "SGTVT", "STNMT", "SNNPTNT"}  # ended 28/02/2025

ROUNDS_2025 = """# Các kỳ báo cáo (mỗi khối [[rounds]] là một kỳ của một biểu)
[[rounds]]
form = "KTCV"
period = "2025-Y"
window_start = 2024-12-15
window_end = 2025-12-14
deadline = 2025-12-01
deadline_wording = "before"
submitters = ["agency", "commune"]

[[rounds]]
form = "CCHC"
period = "2025-Y"
window_start = 2024-12-15
window_end = 2025-12-14
deadline = 2025-10-30
deadline_wording = "by"
submitters = ["agency", "commune"]
"""


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def gso_rows(province: str = "19") -> list[dict[str, str]]:
    with GSO_2025.open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["Mã TP"] == province]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit_toml_for_2025(root: Path) -> None:
    """What the office does in Notepad: the new plan, and this year's rounds instead of last year's."""
    path = root / "aggregator.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('plan_number = "220/KH-UBND"', 'plan_number = "185/KH-UBND"')
    text = text.replace("plan_date = 2023-12-19", "plan_date = 2024-12-20")
    text = text.replace("năm 2024", "năm 2025")
    text = text[:text.index("# Các kỳ báo cáo")] + ROUNDS_2025
    path.write_text(text, encoding="utf-8")


def edit_units_for_2025(path: Path) -> None:
    """What the office does in Excel: end the merged departments, add the new one, bring in the
    communes of the two-level structure (a code GSO kept is updated in its row), and say that the
    industrial-zone board sends only the CCHC form."""
    new = {r["Mã PX"]: r["Phường Xã"] for r in gso_rows()}
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) for name in header}
    for row in ws.iter_rows(min_row=2):
        code = str(row[col["Mã đơn vị"]].value)
        if code in MERGED_AGENCIES:
            row[col["Hiệu lực đến"]].value = datetime(2025, 2, 28)
        if code == "BQLKCN":
            row[col["Biểu mẫu phải nộp"]].value = "CCHC"
        if code in new:  # the commune keeps its code; it now reports to the province
            row[col["Tên đơn vị"]].value = new.pop(code)
            row[col["Mã đơn vị cấp trên"]].value = "19"
            row[col["Hiệu lực đến"]].value = None
    ws.append(["SNNMT", "Sở Nông nghiệp và Môi trường", "sở, ban, ngành", "19", "so-ban-nganh",
               datetime(2025, 3, 1), None, None])
    for code, name in new.items():
        ws.append([code, name, "xã", "19", "ubnd-xa", datetime(2025, 7, 1), None, None])
    wb.save(path)


def test_2025_two_level_round_from_init_and_edited_files(tmp_path: Path):
    root = tmp_path / "Tổng hợp 2025"
    assert cli("init", "--workspace", str(root)).returncode == 0
    edit_toml_for_2025(root)
    edit_units_for_2025(root / "don-vi.xlsx")

    units = UnitRegistry.from_file(root / "don-vi.xlsx")
    communes = [u for u in units.expected("KTCV", ["commune"], date(2025, 12, 1))]
    assert len(communes) == 92 and {u.parent for u in communes} == {"19"}
    agencies = units.expected("KTCV", ["agency"], date(2025, 12, 1))
    codes = {u.code for u in agencies}
    assert "SNNMT" in codes and not codes & MERGED_AGENCIES and "BQLKCN" not in codes

    forms = api.make_templates(root, form="KTCV", period="2025-Y")
    per_unit = {p.stem.removeprefix("KTCV-2025-Y-"): p for p in forms if p.stem != "KTCV-2025-Y"}
    assert set(per_unit) == codes | {u.code for u in communes}
    senders = sorted(codes) + [u.code for u in communes[:10]]
    for code in senders:
        out = fill_by_contract(per_unit[code], root / "inbox" / f"Báo cáo năm 2025 {code}.xlsx",
                               sample_values(code, "Y"))
        set_mtime(out, datetime(2025, 11, 25, 9))
    bqlkcn = fill_by_contract(forms[0], root / "inbox" / "BQL KCN.xlsx", sample_values("BQLKCN", "Y"),
                              unit="BQLKCN", period="2025-Y")
    set_mtime(bqlkcn, datetime(2025, 11, 25, 9))

    result = api.run(root, date(2025, 12, 5))
    by_file = {f.name: f for f in result.files}
    assert sum(f.status == "accepted" for f in result.files) == len(senders)
    assert [i.code for i in by_file["BQL KCN.xlsx"].errors] == ["unit-not-expected"]
    ktcv = next(r for r in result.rounds if r.form == "KTCV")
    assert ktcv.expected == len(codes) + 92 and ktcv.submitted == len(senders)
    groups = {g["key"]: g for g in ktcv.groups}
    assert groups["ubnd-xa"]["expected"] == 92 and groups["ubnd-xa"]["reported"] == 10
    total = sum(float(sample_values(c, "Y")["13"]) for c in senders)
    assert ktcv.totals["13"] == pytest.approx(total)

    [report] = [p for p in ktcv.outputs if p.suffix == ".docx"]
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "năm 2025" in text and "185/KH-UBND" in text and "năm 2024" not in text
    assert (f"khối sở, ban, ngành có đủ {len(codes)}/{len(codes)} đơn vị đã gửi báo cáo; khối "
            "UBND cấp xã có 10/92 đơn vị đã gửi báo cáo") in text
    cells = " ".join(c.text for t in Document(str(report)).tables for r in t.rows for c in r.cells)
    assert f"{reporting_name(communes[-1])} — — — — — — Chưa nộp" in cells  # per-unit appendix
    assert "Huyện Đồng Hỷ" not in cells and "Sở Kế hoạch và Đầu tư" not in cells
    if soffice():
        pdf = libreoffice_convert(report, "pdf", tmp_path / "pdf")
        assert pdf.read_bytes().startswith(b"%PDF")


def test_units_import_brings_in_the_gso_tables(tmp_path: Path):
    root = tmp_path / "ws"
    assert cli("init", "--workspace", str(root)).returncode == 0
    units_file = root / "don-vi.xlsx"
    before = sha(units_file)

    dry = api.import_units(root, str(GSO_2025), date(2025, 7, 1), dry_run=True)
    assert sha(units_file) == before and dry.backup is None
    assert (len(dry.added), len(dry.updated), len(dry.ended)) == (37, 55, 0)

    proc = cli("units", "import", str(GSO_2025), "--valid-from", "2025-07-01",
               "--workspace", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "Thêm mới" in proc.stdout and "37" in proc.stdout
    [backup] = root.glob("don-vi.truoc-khi-nhap-*.xlsx")
    assert sha(backup) == before

    units = UnitRegistry.from_file(units_file)
    after = {u.code for u in units.units if u.level == "commune" and u.valid_on(date(2025, 7, 1))}
    assert after == {r["Mã PX"] for r in gso_rows()}
    assert not [u for u in units.units if u.level in ("district", "commune")
                and u.valid_on(date(2025, 7, 1)) and u.parent != "19"]
    assert len(units.expected("KTCV", ["district"], date(2024, 12, 1))) == 9  # 2024 kept
    assert {u.code for u in units.units if u.code.startswith("01")} <= {
        r["Mã PX"] for r in gso_rows()}  # nothing of Cao Bằng (province 04) came in

    again = api.import_units(root, str(GSO_2025), date(2025, 7, 1))
    assert (again.added, again.updated, again.ended) == ([], [], [])


def test_units_import_reads_a_gso_workbook_with_a_title_row(tmp_path: Path):
    root = tmp_path / "ws"
    cli("init", "--workspace", str(root))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH MỤC ĐƠN VỊ HÀNH CHÍNH VIỆT NAM"])
    with GSO_2025.open(encoding="utf-8") as f:
        for i, row in enumerate(csv.reader(f)):  # codes as numbers, as Excel keeps them
            ws.append(row if i == 0 else [int(row[0]), row[1], int(row[2]), row[3], row[4]])
    wb.save(tmp_path / "gso.xlsx")
    result = api.import_units(root, str(tmp_path / "gso.xlsx"), date(2025, 7, 1), "thái nguyên",
                              dry_run=True)
    assert result.province == "19" and len(result.added) == 37


def test_units_import_explains_what_it_cannot_use(tmp_path: Path):
    root = tmp_path / "ws"
    cli("init", "--workspace", str(root))
    with pytest.raises(UnitsError, match="không có tỉnh “Hà Giang”.*19 Thái Nguyên"):
        api.import_units(root, str(GSO_2025), date(2025, 7, 1), "Hà Giang")
    (tmp_path / "la.csv").write_text("Tên,Ghi chú\nA,B\n", encoding="utf-8")
    with pytest.raises(UnitsError, match="Mã TP"):
        api.import_units(root, str(tmp_path / "la.csv"), date(2025, 7, 1))
    proc = cli("units", "import", str(tmp_path / "khong-co.csv"), "--valid-from", "2025-07-01",
               "--workspace", str(root))
    assert proc.returncode == 2 and "Không tìm thấy tệp" in proc.stderr


def test_the_installed_gso_tables_match_the_shipped_unit_list():
    """The package's tables (0.x, three levels) name the same districts and communes as ours."""
    from aggregator.units import DEFAULT_UNITS_FILE, gso

    divisions = gso.of_province(gso.read_package(), "19")
    shipped = UnitRegistry.from_csv(DEFAULT_UNITS_FILE)
    local = {u.code: u for u in shipped.units if u.level in ("district", "commune")}
    if any(d.parent is None and d.level == "commune" for d in divisions):
        pytest.skip("vietnam-provinces 2025.x installed: two levels, compared in the CSV test")
    assert {d.code for d in divisions} == set(local)
    assert all(local[d.code].parent == (d.parent or "19") for d in divisions)


def test_forms_column_must_name_real_forms(tmp_path: Path):
    root = tmp_path / "ws"
    cli("init", "--workspace", str(root))
    wb = openpyxl.load_workbook(root / "don-vi.xlsx")
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "STP":
            row[7].value = "KTCV, BIEU-LA"
    wb.save(root / "don-vi.xlsx")
    proc = cli("status", "--workspace", str(root))
    assert proc.returncode == 2
    assert re.search(r"biểu mẫu không có: STP \(BIEU-LA\)", proc.stderr), proc.stderr


def test_the_two_level_package_tables_read_like_the_gso_export():
    """vietnam-provinces 2025.x nests wards straight under provinces; read, they equal the GSO
    export of the same data (the fixture was extracted from that package)."""
    from aggregator.units import gso

    nested = [{"code": 19, "name": "Thái Nguyên", "wards": [
        {"code": int(r["Mã PX"]), "name": r["Phường Xã"]} for r in gso_rows()]}]
    from_package = gso.of_province(gso.from_nested(nested), "Thái Nguyên")
    from_export = gso.of_province(gso.read_table(GSO_2025), "19")
    assert from_package == from_export and len(from_package) == 92
    assert {d.parent for d in from_package} == {None} and {d.level for d in from_package} == {"commune"}
