"""Bad and hostile input: each is refused with its own code, in bounded time and memory, and kept
byte for byte in rejected/ with its explanation — nothing is lost, nothing is parsed that need not be."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from aggregator import api
from tests.conftest import fill_by_contract, sample_values, set_mtime

GIB = 1024**3


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("good")
    [blank] = api.make_templates(root, form="KTCV", period="2024-H1", per_unit=False)
    return fill_by_contract(blank, root / "good.xlsx", sample_values("STP"), "STP", "2024-H1")


def _rezip(src: Path, out: Path, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info.filename)))
    return out


def entity_bomb(good: Path, out: Path) -> Path:
    lol = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b"]>\n")

    def edit(name, data):
        if name == "xl/worksheets/sheet1.xml":  # the info sheet: its strings are inline
            body = data.split(b"?>", 1)[-1]
            start = body.index(b"<t", body.index(b"<is>"))
            close = body.index(b">", start) + 1
            return lol + body[:close] + b"&lol9;" + body[close:]
        return data

    return _rezip(good, out, edit)


def zip_bomb(out: Path, gigabytes: float = 1.5) -> Path:
    chunk = bytes(64 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(int(gigabytes * 1024**3 / len(chunk))):
                member.write(chunk)
    return out


def encrypted(good: Path, out: Path) -> Path:
    buffer = io.BytesIO()
    with good.open("rb") as f:
        OOXMLFile(f).encrypt("matkhau", buffer)
    out.write_bytes(buffer.getvalue())
    return out


def zipcrypto_flagged(good: Path, out: Path) -> Path:
    data = bytearray(good.read_bytes())
    # Set the "encrypted" bit of every entry's general-purpose flags (local and central headers).
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            data[i + offset] |= 0x01
            start = i + 4
    out.write_bytes(bytes(data))
    return out


@pytest.fixture(scope="module")
def hostile(good, tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    files = {
        "corrupt": d / "hỏng.xlsx",
        "truncated": d / "cụt.xlsx",
        "empty": d / "rỗng.xlsx",
        "renamed-pdf": d / "báo cáo.xlsx",
        "xlsx-renamed-xls": d / "đổi đuôi.xls",
        "encrypted": d / "có mật khẩu.xlsx",
        "zipcrypto": d / "mã hóa zip.xlsx",
        "entity-bomb": d / "entity.xlsx",
        "zip-bomb": d / "bom nén.xlsx",
        "oversized": d / "quá lớn.xlsx",
    }
    files["corrupt"].write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    files["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files["empty"].write_bytes(b"")
    files["renamed-pdf"].write_bytes(b"%PDF-1.7\n" + b"0" * 2000)
    files["xlsx-renamed-xls"].write_bytes(good.read_bytes())
    encrypted(good, files["encrypted"])
    zipcrypto_flagged(good, files["zipcrypto"])
    entity_bomb(good, files["entity-bomb"])
    zip_bomb(files["zip-bomb"])
    with files["oversized"].open("wb") as f:  # 60 MB > the 50 MB default limit
        f.write(good.read_bytes())
        f.truncate(60 * 1024 * 1024)
    return files


EXPECTED = {
    "corrupt": "file-unreadable",
    "truncated": "file-unreadable",
    "empty": "file-empty",
    "renamed-pdf": "file-wrong-type",
    "xlsx-renamed-xls": "file-wrong-type",
    "encrypted": "file-encrypted",
    "zipcrypto": "file-encrypted",
    "entity-bomb": "file-unsafe-xml",
    "zip-bomb": "file-zip-bomb",
    "oversized": "file-too-large",
}


def test_each_bad_input_has_its_own_code(hostile, workspace):
    outcomes = api.check_files(workspace, list(hostile.values()))
    got = {name: o.errors[0].code for name, o in zip(hostile, outcomes)}
    assert got == EXPECTED


# Runs a command and prints its exit code, output and peak memory: in this fresh process the
# children's peak is the command's own (or one of its workers'), not the largest child the test
# session ever had.
PEAK_OF = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True, encoding="utf-8")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
                  "peak_kib": peak}))
"""


def run_measured(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", PEAK_OF, *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_zip_bomb_is_refused_in_bounded_memory(hostile, workspace):
    measured = run_measured([sys.executable, "-m", "aggregator", "check", str(hostile["zip-bomb"]),
                             str(hostile["entity-bomb"]), "--workspace", str(workspace), "--json"])
    assert measured["returncode"] == 0, measured["stderr"]
    codes = [f["errors"][0]["code"] for f in json.loads(measured["stdout"])["files"]]
    assert codes == ["file-zip-bomb", "file-unsafe-xml"]
    assert measured["peak_kib"] > 10 * 1024  # a real measurement of a Python process (>10 MiB)
    assert measured["peak_kib"] * 1024 < GIB  # ru_maxrss is in KiB on Linux
    assert hostile["zip-bomb"].stat().st_size < 10 * 1024 * 1024  # it really is a bomb…
    with zipfile.ZipFile(hostile["zip-bomb"]) as zf:  # …that would inflate to 1.5 GB
        assert sum(m.file_size for m in zf.infolist()) >= 1.5 * 1024**3 - 64 * 1024**2


def test_run_keeps_every_hostile_file_byte_for_byte(hostile, tmp_path):
    root = tmp_path / "ws"
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    originals = {}
    for name, path in hostile.items():
        (inbox / path.name).write_bytes(path.read_bytes())
        originals[path.name] = path.read_bytes()
    result = api.run(root, date(2024, 7, 1))
    assert {f.status for f in result.files} == {"rejected"}
    assert list(inbox.iterdir()) == []
    kept = {p.read_bytes() for p in (root / "rejected").iterdir() if not p.name.endswith(".txt")}
    assert set(originals.values()) <= kept
    notes = [p for p in (root / "rejected").iterdir() if p.name.endswith(".loi.txt")]
    assert len(notes) == len(hostile)
    assert all("CHƯA ĐƯỢC TIẾP NHẬN" in n.read_text(encoding="utf-8-sig") for n in notes)


def test_unit_text_that_looks_like_a_formula_stays_text(good, tmp_path):
    root = tmp_path / "ws"
    [blank] = api.make_templates(root, form="KTCV", period="2024-H1", per_unit=False)
    formula = '=HYPERLINK("http://x","bấm vào")'
    values = sample_values("STP") | {"15": formula}
    path = fill_by_contract(blank, root / "inbox" / "stp.xlsx", values, "STP", "2024-H1")
    wb = openpyxl.load_workbook(path)  # typed with a leading apostrophe: text, not a formula
    cell = next(c for row in wb["Biểu KTCV"].iter_rows() for c in row if c.value == formula)
    cell.data_type = "s"
    wb.save(path)
    set_mtime(path, datetime(2024, 6, 10))
    result = api.run(root, date(2024, 7, 1))
    summary = next(p for r in result.rounds if r.period == "2024-H1" for p in r.outputs
                   if p.suffix == ".xlsx")
    ws = openpyxl.load_workbook(summary)["Ý kiến đơn vị"]
    cells = [c for row in ws.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)
