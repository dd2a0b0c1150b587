"""Pictures of real outputs for the Vietnamese user guide (docs/hinh/*.png): a unit's filled form,
the annotated copy sent back for a rejected file, and the first page of the Word report.

They are rendered from a demo run through LibreOffice (PDF) and poppler's pdftoppm (PNG), so they
show exactly what the tool writes. Developer tooling, not part of the package:

    .venv/bin/python scripts/guide_images.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from aggregator import api
from aggregator.render.word.pdf import to_pdf

OUT = Path(__file__).resolve().parents[1] / "docs" / "hinh"
DPI = "80"


def page_with(pdf: Path, text: str) -> int:
    """The first page (1-based) whose text holds `text`."""
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    for n in range(1, pages + 1):
        found = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                               capture_output=True, text=True, check=True).stdout
        if text in found:
            return n
    raise SystemExit(f"{pdf.name}: no page shows {text!r}")


def picture(document: Path, name: str, text: str, work: Path, top: int | None = None) -> Path:
    """The page of `document` showing `text`, as docs/hinh/<name>.png (only its `top` pixels)."""
    copy = work / f"{name}{document.suffix}"
    shutil.copy2(document, copy)
    [pdf] = to_pdf([copy])
    n = page_with(pdf, text)
    target = OUT / name
    crop = ["-x", "0", "-y", "0", "-W", "1000", "-H", str(top)] if top else []
    subprocess.run(["pdftoppm", "-png", "-r", DPI, "-f", str(n), "-l", str(n), "-singlefile",
                    *crop, str(pdf), str(target)], check=True)
    return target.with_suffix(".png")


def with_check_column(form: Path, work: Path) -> Path:
    """A copy of a unit's form whose print area takes in the check column (kept off the paper)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(form)  # drops the stored results: LibreOffice calculates them
    for ws in wb.worksheets:
        ws.print_area = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    out = work / "bieu-sai-co-cot-kiem-tra.xlsx"
    wb.save(out)
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result = api.demo(work / "ws")
        root = result.workspace
        form = next(sorted((root / "archive" / "KTCV" / "2024-Y").rglob("*.xlsx")).__iter__())
        feedback = next(f.feedback for f in result.files if f.status == "rejected" and f.feedback
                        and any(i.sheet == "Biểu KTCV" for i in f.errors))
        report = root / "outbox" / "2024-Y" / "bao-cao-KTCV-2024-Y.docx"
        wrong = next(f.stored for f in result.files if f.status == "rejected" and f.stored
                     and f.stored.suffix == ".xlsx"
                     and any(i.code == "rule-sum-mismatch" for i in f.errors))
        for made in (picture(form, "bieu-mau-ktcv", "Đơn vị tính", work),
                     picture(feedback, "ban-phan-hoi", "Đơn vị tính", work),
                     picture(feedback, "ban-phan-hoi-danh-sach", "PHẢN HỒI", work, top=180),
                     picture(report, "bao-cao-ktcv", "BÁO CÁO", work),
                     picture(with_check_column(wrong, work), "bieu-tu-kiem-tra", "Sai:", work,
                             top=330)):
            print(made)


if __name__ == "__main__":
    main()
