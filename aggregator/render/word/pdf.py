"""Optional PDF copies of the Word reports, through LibreOffice when it is installed.

LibreOffice is never needed on the main path: without it, `--pdf` says so and the .docx files stand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from aggregator.render.output_guard import OutputGuard

CANDIDATES = ["soffice", "libreoffice"]
WINDOWS_PATHS = [Path(os.environ.get(v, "")) / "LibreOffice/program/soffice.exe"
                 for v in ("PROGRAMFILES", "PROGRAMFILES(X86)")]


FAILED = ("LibreOffice không chuyển được các báo cáo trong {folder} sang PDF; các tệp Word vẫn dùng "
          "bình thường. Hãy đóng LibreOffice nếu đang mở rồi chạy lại với --pdf.")


class PdfUnavailable(RuntimeError):
    """No PDF can be made: LibreOffice is not installed or failed (the message is for the user)."""


def find_soffice() -> str | None:
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return next((str(p) for p in WINDOWS_PATHS if p.is_file()), None)


def to_pdf(documents: list[Path], timeout: int = 300, guard: OutputGuard | None = None,
           progress: Callable[[Path, int, int], None] | None = None) -> list[Path]:
    """Convert each document to a PDF next to it; returns the PDF paths. A PDF open in a reader
    is kept and the new one goes beside it (`guard.notices` says so).

    LibreOffice converts one folder's documents at a time: `progress(folder, done, total)` is
    called before each folder (`done` documents of `total` converted so far) and at the end."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable("Không tìm thấy LibreOffice nên chưa tạo được bản PDF; các tệp Word "
                             "vẫn dùng bình thường. Cài LibreOffice rồi chạy lại với --pdf.")
    if not documents:
        return []
    guard = guard or OutputGuard(Path(os.path.commonpath([d.parent for d in documents])))
    out = []
    with tempfile.TemporaryDirectory() as scratch:
        profile, converted = Path(scratch) / "profile", Path(scratch) / "pdf"
        done = 0
        for folder in sorted({d.parent for d in documents}):
            batch = [d for d in documents if d.parent == folder]
            if progress is not None:
                progress(folder, done, len(documents))
            done += len(batch)
            try:
                subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                                "--convert-to", "pdf", "--outdir", str(converted),
                                *map(str, batch)], check=True, capture_output=True, timeout=timeout)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
                raise PdfUnavailable(FAILED.format(folder=folder)) from exc
            for doc in batch:
                pdf = converted / f"{doc.stem}.pdf"
                if pdf.exists():
                    out.append(guard.write(doc.with_suffix(".pdf"),
                                           lambda tmp, pdf=pdf: shutil.copyfile(pdf, tmp)))
                    pdf.unlink()
    if progress is not None:
        progress(Path(os.path.commonpath([d.parent for d in documents])), done, len(documents))
    return out
