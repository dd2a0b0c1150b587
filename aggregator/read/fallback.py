"""A second reader for the spreadsheets python-calamine cannot parse but a spreadsheet program opens
(an .ods pretty-printed by Gnumeric, an .xlsx from a small exporter): pandas' odf engine for .ods,
openpyxl for .xlsx/.xlsm. Both run only on bytes the guard has already passed."""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable

import pandas as pd

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MANIFEST = "META-INF/manifest.xml"
MINIMAL_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>")
Grid = list[list[object]]


def _kind(data: bytes) -> str | None:
    """'ods' or 'xlsx' by the package's content (the suffix may lie; bytes carry none)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "content.xml" in names and (
                    "mimetype" not in names or zf.read("mimetype").strip() == ODS_MIMETYPE):
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _blank(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _with_manifest(data: bytes) -> bytes:
    """The package with a minimal manifest added when it has none (some programs write only
    mimetype and content.xml; both readers want the manifest)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        if MANIFEST in zin.namelist():
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, zin.read(info))
            zout.writestr(MANIFEST, MINIMAL_MANIFEST.format(mime=ODS_MIMETYPE.decode()))
        return out.getvalue()


def _ods(data: bytes, wanted: Callable[[str, bool], bool]) -> list[tuple[str, bool, Grid]]:
    from odf.opendocument import load

    data = _with_manifest(data)
    from odf.style import Style, TableProperties
    from odf.table import Table

    doc = load(io.BytesIO(data))
    hidden_styles = {s.getAttribute("name") for s in doc.automaticstyles.getElementsByType(Style)
                     if any(p.getAttribute("display") == "false"
                            for p in s.getElementsByType(TableProperties))}
    visible = {t.getAttribute("name"): t.getAttribute("stylename") not in hidden_styles
               for t in doc.getElementsByType(Table)}
    names = [name for name, shown in visible.items() if wanted(name, shown)]
    frames = pd.read_excel(io.BytesIO(data), engine="odf", sheet_name=names, header=None,
                           dtype=object) if names else {}
    return [(name, visible[name], [[_blank(v) for v in row] for row in frame.values.tolist()])
            for name, frame in ((n, frames[n]) for n in names)]


def _xlsx(data: bytes, wanted: Callable[[str, bool], bool]) -> list[tuple[str, bool, Grid]]:
    import openpyxl

    import aggregator.xlsx_safe  # noqa: F401  defusedxml before openpyxl parses anything

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = []
        for ws in wb.worksheets:
            shown = ws.sheet_state == "visible"
            if not wanted(ws.title, shown):
                continue
            ws.reset_dimensions()  # the declared dimension may lie; the guard bounded the cells
            filled = {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row
                      if getattr(c, "value", None) is not None and hasattr(c, "column")}
            height = 1 + max((r for r, _ in filled), default=-1)
            width = 1 + max((c for _, c in filled), default=-1)
            grid: Grid = [[""] * width for _ in range(height)]
            for (r, c), value in filled.items():
                grid[r][c] = _blank(value)
            sheets.append((ws.title, shown, grid))
        return sheets
    finally:
        wb.close()


def read_fallback(data: bytes,
                  wanted: Callable[[str, bool], bool]) -> list[tuple[str, bool, Grid]] | None:
    """(name, visible, A1-aligned rows) of each wanted sheet, or None when no second reader applies
    to these bytes. Raises what the second reader raises when it cannot read them either."""
    kind = _kind(data)
    if kind == "ods":
        return _ods(data, wanted)
    if kind == "xlsx":
        return _xlsx(data, wanted)
    return None
