"""Issue 13, Word part: reports a Sở Nội vụ official signs as they are — the department's own
assessment and proposals from the data, the plan's standard sections, official sentences, numbered
appendices with totals, the Nghị định 30 details, the reminder's addressees, and form codes checked
when the forms load. Checked in the generated .docx (python-docx) and in LibreOffice's PDF."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from aggregator import api
from aggregator.forms import FormSpecError
from aggregator.render.charts import MAX_HEIGHT_IN, SLOT_IN, draw, worth_drawing
from aggregator.render.word.ktcv_report import chart_specs, ktcv_context
from aggregator.render.word.template import render_docx
from aggregator.units import reporting_name
from aggregator.vn_format import number as vn_number
from aggregator.vn_format import short_date as vn_short_date
from aggregator.workspace.config import Config, Direction, Signer
from aggregator.workspace.settings import shipped_templates_dir
from tests.conftest import libreoffice_convert, needs_libreoffice

TEMPLATES = shipped_templates_dir() / "reports"
AS_OF = date(2024, 12, 20)


@pytest.fixture(scope="module")
def results(demo_run):
    ws = demo_run.workspace
    ctx = api.open_context(ws)
    ledger = api.Ledger(ws / "ledger.sqlite3")
    return {(r.form.code, r.period.code): r
            for r in (api._consolidate(ctx, ledger, rc, AS_OF) for rc in Config().rounds)}


def _docx(demo_run, form: str, period: str = "2024-Y") -> Path:
    r = next(r for r in demo_run.rounds if r.form == form and r.period == period)
    return next(p for p in r.outputs if p.suffix == ".docx")


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def _section(paragraphs: list[str], start: str, end: str) -> list[str]:
    i = next(k for k, p in enumerate(paragraphs) if p.startswith(start))
    j = next(k for k, p in enumerate(paragraphs) if k > i and p.startswith(end))
    return paragraphs[i + 1:j]


def _cells(path: Path) -> str:
    return "\n".join(c.text for t in Document(str(path)).tables for row in t.rows for c in row.cells)


def test_reporting_name_is_the_peoples_committee_for_districts_and_communes(results):
    r = results[("KTCV", "2024-Y")]
    units = {u.name: u for u in r.units_with("on_time", "late", "missing", "rejected")}
    assert reporting_name(units["Huyện Võ Nhai"]) == "UBND huyện Võ Nhai"
    assert reporting_name(units["Thành phố Sông Công"]) == "UBND thành phố Sông Công"
    assert reporting_name(units["Sở Tư pháp"]) == "Sở Tư pháp"


def test_assessment_and_proposals_are_the_departments_own_naming_units(demo_run, results):
    r = results[("KTCV", "2024-Y")]
    paragraphs = _paragraphs(_docx(demo_run, "KTCV"))
    assessment = " ".join(_section(paragraphs, "IV. ĐÁNH GIÁ CHUNG", "V. PHƯƠNG HƯỚNG"))
    proposals = " ".join(_section(paragraphs, "VI. ĐỀ XUẤT, KIẾN NGHỊ", "Trên đây là báo cáo"))
    late = [reporting_name(u) for u in r.units_with("late")]
    missing = [reporting_name(u) for u in r.units_with("missing")]
    assert late and missing
    for name in late + missing:
        assert name in assessment and name in proposals, name
    pending = vn_number(r.totals["6.4"])
    assert f"Còn {pending} người có vi phạm đang xem xét xử lý" in assessment
    assert f"xử lý {pending} người có vi phạm" in proposals
    overdue = f"Còn {vn_number(r.totals['9.3'])} hồ sơ giải quyết quá hạn"
    assert overdue in assessment
    # the department's voice: no unit-attributed quotation, never itself as a proposer
    assert "(Sở Nội vụ" not in assessment + proposals
    assert "Chỉ đạo Sở Nội vụ" not in proposals and ", Sở Nội vụ," not in proposals
    assert "Phụ lục III" in assessment


def test_units_opinions_are_compiled_in_an_appendix_without_the_issuing_body(demo_run, results):
    r = results[("KTCV", "2024-Y")]
    paragraphs = _paragraphs(_docx(demo_run, "KTCV"))
    appendix = paragraphs[paragraphs.index("PHỤ LỤC III"):]
    assert appendix[1] == "Tổng hợp ý kiến của các cơ quan, đơn vị, địa phương"
    proposals = " ".join(appendix[appendix.index("4. Kiến nghị, đề xuất"):])
    own = [text for unit, text in r.texts["18"] if unit.code == "SNV"]
    assert own  # the demo's Sở Nội vụ proposes too: that text is not quoted as a unit's
    assert "Sở Nội vụ" not in proposals
    by_text: dict[str, list[str]] = {}
    for unit, text in r.texts["18"]:
        if unit.code != "SNV":
            by_text.setdefault(text.strip().rstrip("."), []).append(reporting_name(unit))
    small = next(names for names in by_text.values() if len(names) <= 5)
    assert f"({', '.join(small)})" in proposals  # attributed, by the reporting body's name


def test_direction_section_prints_placeholders_until_configured(results, tmp_path):
    r = results[("KTCV", "2024-Y")]
    blank = ktcv_context(r, Config(), date(2025, 1, 5))
    assert "Quyết định số … ngày …" in blank["direction_paragraphs"][0]
    assert blank["direction_paragraphs"][1].startswith(f"Có …/{r.expected} ")
    assert blank["signer_name"] == "…"
    config = Config(direction=Direction(team_decision_number="123/QĐ-UBND",
                                        team_decision_date=date(2024, 3, 15),
                                        self_inspection_plans=27,
                                        next_tasks=("Tổ chức hội nghị sơ kết",)),
                    signer=Signer(name="Nguyễn Văn An"))
    out = render_docx(TEMPLATES / "bao-cao-ktcv-nam.docx",
                      ktcv_context(r, config, date(2025, 1, 5)), tmp_path / "r.docx")
    body = "\n".join(_paragraphs(out))
    assert "Quyết định số 123/QĐ-UBND ngày 15/3/2024" in body and "…" not in body.split("II.")[0]
    assert f"Có 27/{r.expected} cơ quan, đơn vị, địa phương đã ban hành kế hoạch tự kiểm tra" in body
    tasks = _section(_paragraphs(out), "V. PHƯƠNG HƯỚNG", "VI. ĐỀ XUẤT")
    assert "- Tổ chức hội nghị sơ kết." in tasks
    assert "Nguyễn Văn An" in _cells(out)


def test_next_period_lists_the_plans_later_rounds_with_their_deadlines(demo_run):
    h1 = Config().rounds[0]
    context = ktcv_context(_h1(demo_run), Config(), h1.deadline)
    later = [rc for rc in Config().rounds if rc.submitters and rc.deadline > h1.deadline]
    assert later
    for rc in later:
        assert any(rc.deadline_text in t for t in context["next_tasks"]), rc
    assert not any(h1.deadline_text in t for t in context["next_tasks"])
    tasks = _section(_paragraphs(_docx(demo_run, "KTCV", "2024-H1")), "V. PHƯƠNG HƯỚNG",
                     "VI. ĐỀ XUẤT")
    assert tasks[-1].startswith("- Sở Nội vụ tiếp tục theo dõi")


def _h1(demo_run):
    ws = demo_run.workspace
    ctx = api.open_context(ws)
    return api._consolidate(ctx, api.Ledger(ws / "ledger.sqlite3"), Config().rounds[0], AS_OF)


def test_every_report_prints_its_data_window(demo_run):
    for form, period in (("KTCV", "2024-H1"), ("KTCV", "2024-Y"), ("CCHC", "2024-Y")):
        rc = next(rc for rc in Config().rounds
                  if rc.form == form and rc.parsed_period.code == period)
        window = (f"Số liệu tính từ ngày {vn_short_date(rc.window_start)} đến ngày "
                  f"{vn_short_date(rc.window_end)}.")
        assert window in _paragraphs(_docx(demo_run, form, period)), (form, period)


def test_cchc_report_to_the_chairman_with_direct_findings_and_ranking_by_group(demo_run, results):
    path = _docx(demo_run, "CCHC")
    paragraphs = _paragraphs(path)
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Thái Nguyên." in paragraphs
    direct = " ".join(_section(paragraphs, "4. Kết quả kiểm tra trực tiếp", "IV. ĐÁNH GIÁ"))
    dkt = results[("DKT", "2024-Y")]
    cchc_visits = dkt.records[dkt.records["3"].isin(["CCHC", "Cả hai"])]
    assert len(cchc_visits)
    for code in cchc_visits["unit"]:
        assert reporting_name(dkt.unit(code)) in direct
    table = next(t for t in Document(str(path)).tables if t.rows[0].cells[0].text == "Hạng")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    groups = [i for i, row in enumerate(rows) if row[1].startswith("Khối ")]
    assert [rows[i][1] for i in groups] == ["Khối sở, ban, ngành", "Khối UBND cấp huyện"]
    for start, end in zip(groups, groups[1:] + [len(rows)]):
        ranked = [row for row in rows[start + 1:end] if row[0].isdigit()]
        assert [row[0] for row in ranked] == [str(i) for i in range(1, len(ranked) + 1)]
        scores = [float(row[2].replace(",", ".")) for row in ranked]
        assert scores == sorted(scores, reverse=True)
    assert rows[-1][1] == "Bình quân chung"
    assert not Document(str(path)).inline_shapes  # no chart ranking both groups together
    assert table.columns[0].width.cm >= 1.6  # "Hạng" on one line


def test_sentences_read_as_an_official_writes_them(demo_run, results):
    for form, period in (("KTCV", "2024-H1"), ("KTCV", "2024-Y"), ("CCHC", "2024-Y")):
        path = _docx(demo_run, form, period)
        paragraphs = _paragraphs(path)
        body = "\n".join(paragraphs)
        for p in paragraphs:
            assert not p[0].isdigit() or re.match(r"^\d+\. \S", p), p  # numbered headings only
        assert "Theo nhóm" not in body and "TTHC: " not in body and "chủ yếu về:" not in body
        assert "Bình quân các đơn vị:" not in body  # no telegraphic "label: figures" sentences
        assert not re.search(r"\bR\d\b", body + _cells(path))
    cchc = results[("CCHC", "2024-Y")]
    late = cchc.units_with("late")
    assert len(late) == 1  # one unit: a singular sentence, no "Các đơn vị … muộn: X"
    assert f"{reporting_name(late[0])} gửi báo cáo muộn." in _paragraphs(_docx(demo_run, "CCHC"))


def test_appendix_table_has_group_subtotals_and_a_grand_total(demo_run, results):
    r = results[("KTCV", "2024-Y")]
    doc = Document(str(_docx(demo_run, "KTCV")))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Cơ quan, đơn vị, địa phương")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    total = next(row for row in rows if row[1] == "Tổng cộng")
    assert total[2] == vn_number(r.totals["1"]) and total[4] == vn_number(r.totals["5"])
    subtotals = [row for row in rows if row[1].startswith("Cộng khối")]
    assert len(subtotals) == 2
    parse = lambda text: int(text.replace(".", ""))  # noqa: E731
    assert sum(parse(row[2]) for row in subtotals) == parse(total[2])
    units = [row for row in rows if row[0].isdigit()]
    assert len(units) == r.expected
    bold = {row.cells[1].text: all(run.bold for p in row.cells[1].paragraphs for run in p.runs
                                   if run.text.strip())
            for row in table.rows[1:]}
    assert bold["Tổng cộng"] and all(bold[row[1]] for row in subtotals)
    assert not bold[units[0][1]]  # a unit's row stays regular


def test_appendices_numbered_landscape_binding_edge_and_title_rule(demo_run):
    doc = Document(str(_docx(demo_run, "KTCV")))
    texts = [p.text for p in doc.paragraphs]
    assert [t for t in texts if t.startswith("PHỤ LỤC")] == ["PHỤ LỤC I", "PHỤ LỤC II",
                                                             "PHỤ LỤC III"]
    appendix = doc.sections[-1]
    assert appendix.page_width > appendix.page_height
    assert appendix.left_margin.mm >= 30 and appendix.top_margin.mm >= 30
    summary = texts.index("Kết quả kiểm tra công vụ năm 2024")
    rule = doc.paragraphs[summary + 1]
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    headings = [p for p in doc.paragraphs
                if re.match(r"^(I|II|III|IV|V|VI)\. |^\d\. ", p.text) and p.runs and p.runs[0].bold]
    assert len(headings) >= 10 and all(p.paragraph_format.keep_with_next for p in headings)


def test_reminder_names_units_and_gives_each_rejection_reason(demo_run, results):
    doc = Document(str(demo_run.reminder))
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Kính gửi:")
    concerned = {reporting_name(s.unit) for r in results.values() for s in r.statuses
                 if s.status in ("missing", "rejected") and r.round.submitters}
    listed = [t[2:].rstrip(";.") for t in texts[start + 1:start + 1 + len(concerned)]]
    assert set(listed) == concerned and texts[start + len(concerned)].endswith(".")
    table = doc.tables[1]
    assert table.rows[0].cells[0].text == "STT" and table.columns[0].width.cm >= 1.2
    rejected = [s for r in results.values() for s in r.statuses if s.status == "rejected"]
    assert rejected
    rows = {row.cells[1].text: row.cells[4].text for row in table.rows[1:]}
    for s in rejected:
        reason = s.rejected_issues[0].rsplit("): ", 1)[-1].rstrip(".")
        assert "lý do: " + reason in rows[reporting_name(s.unit)]


def test_rate_chart_only_when_it_says_something_and_labels_have_room(results, tmp_path):
    assert not worth_drawing([98.2, 99.0, 100.0])
    assert worth_drawing([72.0, 99.0])
    r = results[("KTCV", "2024-Y")]
    specs = chart_specs(r, tmp_path)
    rates = [v for v in r.child_derived["R1"].dropna()]
    assert (specs["chart_on_time"] is None) == (max(rates) - min(rates) < 5)
    violations = specs["chart_violations"]
    from PIL import Image

    with Image.open(draw(violations)) as image:
        height_in = image.height / 150
    assert height_in <= MAX_HEIGHT_IN + 0.01  # at most half a page
    # the long labels (5.1–5.3) wrap onto two lines: every bar's slot holds two lines
    assert height_in >= SLOT_IN * 2 * len(violations.labels)


def test_renumbered_form_override_is_refused_when_forms_load(tmp_path):
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
    forms = root / "templates" / "forms"
    forms.mkdir(parents=True)
    text = (shipped_templates_dir() / "forms" / "ktcv.yaml").read_text(encoding="utf-8")
    assert '"6.4"' in text
    (forms / "ktcv-rieng.yaml").write_text(text.replace('"6.4"', '"6.5"'), encoding="utf-8")
    with pytest.raises(FormSpecError) as caught:
        api.open_context(root)
    message = str(caught.value)
    assert "ktcv-rieng.yaml" in message and "6.4" in message and "báo cáo Word" in message


@needs_libreoffice
def test_pdf_pages_keep_headings_with_their_text_and_read_cleanly(demo_run, tmp_path):
    for path in (_docx(demo_run, "KTCV"), _docx(demo_run, "CCHC"), demo_run.reminder):
        pdf = libreoffice_convert(path, "pdf", tmp_path / path.stem)
        pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                               text=True).stdout.split("\f")
        for page in pages:
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            if lines:  # no heading, nor the lead-in of a list, alone at the foot of a page
                assert not re.match(r"^(I|II|III|IV|V|VI)\. [A-ZĐ]", lines[-1]), (path.name, lines)
                assert not ("kính đề nghị" in lines[-1] and lines[-1].endswith(":")), path.name
        signer = next(k for k, page in enumerate(pages) if "PHÓ GIÁM ĐỐC" in page)
        assert "Nơi nhận" in pages[signer] and "…" in pages[signer]  # the whole block on one page
        text = "\n".join(pages)
        if path == demo_run.reminder:
            assert re.search(r"^\s*STT\s", text, re.M)  # the header on one line, not "ST/T"
        else:
            assert "PHỤ LỤC II" in text and "Tổng hợp ý kiến" in text


def test_units_whose_cchc_completion_fell_are_named_in_assessment_and_proposals(results):
    from dataclasses import replace

    from aggregator.render.word.assessment import cchc_assessment

    r = results[("CCHC", "2024-Y")]
    rates = r.child_derived["R1"].dropna()
    code = rates.index[len(rates) // 2]  # a unit in the middle: not an outlier on its own
    before = r.child_derived.copy()
    before.loc[code, "R1"] = rates[code] + 5  # last year it did better
    previous = replace(r, child_derived=before)
    unchanged = cchc_assessment(r, "220/KH-UBND", "Sở Nội vụ", previous=r)
    fell = cchc_assessment(r, "220/KH-UBND", "Sở Nội vụ", previous=previous)
    name = reporting_name(r.unit(code))
    assert not any("giảm so với năm trước" in s for s in unchanged.shortcomings)
    falling = next(s for s in fell.shortcomings if "giảm so với năm trước" in s)
    assert name in falling
    assert any(name in p and p.startswith("Chỉ đạo") for p in fell.proposals)
