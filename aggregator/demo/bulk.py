"""Many units' files at once, for the benchmarks: a province (~250 files) or the whole country
(~12,500: every commune, district and provincial agency), written straight with xlsxwriter."""

from __future__ import annotations

import csv
import json
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, time, timedelta
from pathlib import Path

from aggregator.demo.numbers import cchc_year, dkt_visit, kpkn_items, ktcv_year
from aggregator.forms import FormRegistry
from aggregator.intake.scan import stamp
from aggregator.render.forms.template import write_form_template
from aggregator.units import DEFAULT_UNITS_FILE, UnitRegistry
from aggregator.workspace import Workspace
from aggregator.workspace.config import load_config

AGENCY_CODES = ["VPUBND", "SNV", "STP", "SKHDT", "STC", "SCT", "SNNPTNT", "SGTVT", "SXD", "STNMT",
                "STTTT", "SLDTBXH", "SVHTTDL", "SKHCN", "SGDDT", "SYT", "SNGV", "TTT", "BDT",
                "BQLKCN"]


def national_units(path: Path) -> Path:
    """Country → 63 provinces → their 20 agencies and ~700 districts → ~10,600 communes, from the
    2024 GSO tables of PyPI vietnam-provinces 0.6 (a benchmark-only dependency)."""
    import vietnam_provinces

    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as f:
        tree = json.load(f)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "level", "parent", "group", "valid_from", "valid_to"])
        w.writerow(["VN", "Cả nước", "province", "", "quoc-gia", "", ""])
        for p in tree:
            pc = f"{p['code']:02d}"
            w.writerow([pc, p["name"], "province", "VN", "tinh", "", ""])
            for a in AGENCY_CODES:
                w.writerow([f"{a}{pc}", f"{a} {p['name']}", "agency", pc, "so-ban-nganh", "", ""])
            for d in p["districts"]:
                w.writerow([f"{d['code']:03d}", d["name"], "district", pc, "ubnd-huyen", "", ""])
                for c in d["wards"]:
                    w.writerow([f"{c['code']:05d}", c["name"], "commune", f"{d['code']:03d}",
                                "ubnd-xa", "", ""])
    return path


def _values(form: str, code: str, version: int, size: int, day) -> tuple[dict, list | None]:
    seed = f"bench-{code}"
    if form in ("KTCV", "KTCV-Y"):  # later versions correct the text, as resubmissions do
        h1, year = ktcv_year(seed, size)
        values = dict(h1 if form == "KTCV" else year)
        values["18"] = f"{values['18']} (bản {version + 1})"
        return values, None
    if form == "CCHC":
        return cchc_year(seed, size), None
    if form == "KPKN":
        return {}, kpkn_items(seed)
    return dkt_visit(f"{seed}-{version}", day), None


def _write(job: tuple) -> None:
    root, form, period, code, version = job
    config, units, forms = _CTX
    unit = units[code]
    round_ = next(r for r in config.rounds if r.form == form.split("-")[0] and r.period == period)
    day = date(2024, 3, 1) + timedelta(days=7 * version)
    values, items = _values(form, code, version, 1 if unit.level == "district" else 0, day)
    path = Path(root) / "inbox" / f"{form} {period} {code} v{version}.xlsx"
    write_form_template(path, forms[form.split("-")[0]], config, round_, unit, values=values,
                        items=items)
    sent = datetime.combine(min(round_.deadline, round_.late_from) - timedelta(days=20 - version),
                            time(9))
    stamp(path, sent, config.zone)


_CTX = None


def _init(root: str) -> None:
    global _CTX
    config = load_config(Path(root))
    units = UnitRegistry.from_file(config.units_file or DEFAULT_UNITS_FILE)
    _CTX = (config, units, FormRegistry.default())


def generate(root: Path, scale: str, workers: int = 2) -> int:
    """Write the units' files into the inbox; returns how many.

    province: ~250 files — for each of the 29 units, three versions of each KTCV round, CCHC and
    KPKN, and 18 direct-inspection records. national: one KTCV 2024-H1 file per unit (~12,500).
    """
    Workspace(root).ensure()
    if scale == "national":
        national_units(root / "don-vi-ca-nuoc.csv")
        (root / "aggregator.toml").write_text(
            'owner = "VN"\nunits_file = "don-vi-ca-nuoc.csv"\n'
            '# a ministry-wide roll-up sends annotated copies back only for rejected files\n'
            'feedback_copies = "errors"\n\n[[rounds]]\nform = "KTCV"\n'
            'period = "2024-H1"\nwindow_start = 2023-12-15\nwindow_end = 2024-06-14\n'
            'deadline = 2024-06-15\nsubmitters = ["agency", "district", "commune"]\n',
            encoding="utf-8")
    config = load_config(root)
    units = UnitRegistry.from_file(config.units_file or DEFAULT_UNITS_FILE)
    round_ = next(r for r in config.rounds if r.form == "KTCV" and r.period == "2024-H1")
    expected = units.expected(round_.form, round_.submitters, round_.deadline, config.owner)
    r = str(root)
    if scale == "province":
        jobs = [(r, form, period, u.code, v) for u in expected for v in range(3)
                for form, period in (("KTCV", "2024-H1"), ("KTCV-Y", "2024-Y"))]
        jobs += [(r, form, "2024-Y", u.code, 0) for u in expected for form in ("CCHC", "KPKN")]
        jobs += [(r, "DKT", "2024-Y", u.code, i) for i, u in enumerate(expected[:18])]
    else:
        jobs = [(r, "KTCV", "2024-H1", u.code, 0) for u in expected]
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(r,)) as pool:
        list(pool.map(_write, jobs, chunksize=64))
    return len(jobs)
