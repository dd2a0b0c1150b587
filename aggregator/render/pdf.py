"""Optional PDF copies of the Word reports, through LibreOffice when it is installed.

LibreOffice is never needed on the main path: without it, `--pdf` says so and the .docx files stand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ["soffice", "libreoffice"]
WINDOWS_PATHS = [Path(os.environ.get(v, "")) / "LibreOffice/program/soffice.exe"
                 for v in ("PROGRAMFILES", "PROGRAMFILES(X86)")]


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed (the message is for the user)."""


def find_soffice() -> str | None:
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return next((str(p) for p in WINDOWS_PATHS if p.is_file()), None)


def to_pdf(documents: list[Path], timeout: int = 300) -> list[Path]:
    """Convert each document to a PDF next to it; returns the PDF paths."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable("Không tìm thấy LibreOffice nên chưa tạo được bản PDF; các tệp Word "
                             "vẫn dùng bình thường. Cài LibreOffice rồi chạy lại với --pdf.")
    out = []
    with tempfile.TemporaryDirectory() as profile:
        for folder in sorted({d.parent for d in documents}):
            batch = [d for d in documents if d.parent == folder]
            subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(folder), *map(str, batch)],
                           check=True, capture_output=True, timeout=timeout)
            out += [d.with_suffix(".pdf") for d in batch]
    return [p for p in out if p.exists()]
