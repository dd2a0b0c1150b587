"""Builds the default Word report templates (docxtpl/Jinja tags inside the Nghị định 30 layout).

The built .docx files are committed in templates/reports/ and the office may edit them in Word (the
variables are listed in docs/bien-mau-bao-cao.md); run `python -m aggregator.render.word.docx_builder` to
rebuild them after changing this module.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from aggregator.render.word.docx_parts import (
    appendix_heading,
    base,
    bullets,
    header_block,
    heading,
    landscape_appendix,
    loop_table,
    para,
    picture,
    short_rule,
    signature_block,
)
from aggregator.workspace.settings import PACKAGE_DIR

CENTER = WD_ALIGN_PARAGRAPH.CENTER


ATTACHED = ("(Kèm theo Báo cáo số        /BC-{{ issuing_code }} ngày      /     /{{ report_year }} "
            "của {{ issuing_body_name }})")


def _direction_and_reporting(doc) -> None:
    """Sections I and II, the same in both reports: direction, then who reported, when."""
    heading(doc, "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI")
    bullets(doc, "s in direction_paragraphs", "{{ s }}")
    heading(doc, "II. TÌNH HÌNH GỬI BÁO CÁO")
    para(doc, "{{ window_text }}")
    bullets(doc, "s in status_paragraphs", "{{ s }}")

def _opening(doc, summary: str) -> None:
    header_block(doc, "BC-{{ issuing_code }}")
    para(doc, "", space_after=6)
    para(doc, "BÁO CÁO", bold=True, align=CENTER, space_after=0)
    para(doc, summary, bold=True, align=CENTER, space_after=0)
    short_rule(doc)
    para(doc, "Kính gửi: {{ recipient }}.", align=CENTER, space_after=12)


def _texts(doc, title: str, variable: str) -> None:
    heading(doc, title)
    bullets(doc, f"t in {variable}", "- {{ t }}")


def _standard_sections(doc, number: list[str], opinions_appendix: str) -> None:
    """Assessment, next period and proposals: the department's own voice (numbers: roman
    numerals of these three sections)."""
    heading(doc, f"{number[0]}. ĐÁNH GIÁ CHUNG")
    _texts(doc, "1. Ưu điểm", "assessment_strengths")
    _texts(doc, "2. Tồn tại, hạn chế", "assessment_shortcomings")
    para(doc, "Ý kiến, cách làm hay và kiến nghị của các cơ quan, đơn vị, địa phương được tổng hợp "
              f"tại {opinions_appendix}.")
    heading(doc, f"{number[1]}. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")
    bullets(doc, "t in next_tasks", "- {{ t }}")
    heading(doc, f"{number[2]}. ĐỀ XUẤT, KIẾN NGHỊ")
    lead = para(doc, "{{ issuing_body_name }} kính đề nghị {{ recipient }}:")
    lead.paragraph_format.keep_with_next = True  # never alone at the foot of a page
    bullets(doc, "t in proposals", "- {{ t }}")


def _opinions(doc, number: str, labels: list[str]) -> None:
    appendix_heading(doc, f"PHỤ LỤC {number}",
                     "Tổng hợp ý kiến của các cơ quan, đơn vị, địa phương", ATTACHED)
    for i, (label, variable) in enumerate(zip(labels, ("strengths", "shortcomings",
                                                       "good_practices", "recommendations")),
                                          start=1):
        _texts(doc, f"{i}. {label}", variable)


def _ending(doc, what: str) -> None:
    para(doc, f"Trên đây là báo cáo {what} của {{{{ issuing_body_name }}}}, kính báo cáo "
              "{{ recipient }} xem xét, chỉ đạo./.")
    signature_block(doc)


def build_ktcv_report(path: Path, annual: bool = False) -> Path:
    doc = Document()
    base(doc)
    _opening(doc, "Kết quả kiểm tra công vụ {{ period_label_lower }}")
    para(doc, "Thực hiện Kế hoạch số {{ plan_number }} ngày {{ plan_date }} của UBND tỉnh "
              "{{ province_name }} về {{ plan_title }}, trên cơ sở báo cáo của các cơ quan, đơn vị, "
              "địa phương, {{ issuing_body_name }} báo cáo kết quả kiểm tra công vụ "
              "{{ period_label_lower }} như sau:")
    _direction_and_reporting(doc)
    heading(doc, "III. KẾT QUẢ KIỂM TRA CÔNG VỤ")
    heading(doc, "1. Hoạt động kiểm tra và xử lý vi phạm")
    bullets(doc, "s in inspection_paragraphs", "{{ s }}")
    picture(doc, "chart_violations")
    heading(doc, "2. Tiếp nhận, giải quyết thủ tục hành chính, tiếp công dân")
    bullets(doc, "s in dossier_paragraphs", "{{ s }}")
    picture(doc, "chart_on_time")
    heading(doc, "3. Số liệu tổng hợp")
    loop_table(doc, ["Mã", "Chỉ tiêu", "Số liệu"],
               ["{{ r.code }}", "{{ r.label }}", "{{ r.value }}"], "r in key_figures",
               [1.6, 11.5, 3.0])
    para(doc, "")
    if annual:
        heading(doc, "4. Kết quả kiểm tra trực tiếp của Đoàn kiểm tra của tỉnh")
        bullets(doc, "s in dkt_paragraphs", "{{ s }}")
        heading(doc, "5. Kết quả thực hiện kiến nghị, khắc phục tồn tại sau kiểm tra")
        bullets(doc, "s in kpkn_paragraphs", "{{ s }}")
    opinions = "III" if annual else "II"
    _standard_sections(doc, ["IV", "V", "VI"], f"Phụ lục {opinions}")
    _ending(doc, "kết quả kiểm tra công vụ {{ period_label_lower }}")

    landscape_appendix(
        doc, "PHỤ LỤC I",
        "Kết quả kiểm tra công vụ {{ period_label_lower }} theo từng cơ quan, đơn vị, địa phương",
        ATTACHED)
    loop_table(
        doc,
        ["STT", "Cơ quan, đơn vị, địa phương", "Số cuộc kiểm tra", "Số người vi phạm",
         "Số lượt vi phạm", "Số người bị xử lý", "Hồ sơ TTHC đã giải quyết",
         "Tỷ lệ đúng hạn", "Tình trạng báo cáo"],
        ["{{ u.stt }}", "{{ u.name }}", "{{ u.inspections }}", "{{ u.violators }}",
         "{{ u.violations }}", "{{ u.handled }}", "{{ u.resolved }}", "{{ u.on_time_rate }}",
         "{{ u.status }}"],
        "u in unit_rows",
        [1.2, 6.2, 2.1, 2.1, 2.1, 2.1, 2.7, 2.0, 2.6], bold_if="u.total",
    )
    if annual:
        appendix_heading(doc, "PHỤ LỤC II",
                         "Danh sách tồn tại, kiến nghị chưa khắc phục xong", ATTACHED)
        loop_table(doc, ["STT", "Đơn vị", "Thông báo kết luận", "Nội dung tồn tại, kiến nghị",
                         "Kết quả"],
                   ["{{ o.stt }}", "{{ o.unit }}", "{{ o.notice }}", "{{ o.content }}",
                    "{{ o.result }}"], "o in open_items", [1.2, 5.0, 4.5, 9.0, 3.4])
    _opinions(doc, opinions, ["Ưu điểm, kết quả nổi bật", "Tồn tại, hạn chế và nguyên nhân",
                              "Cách làm hay, mô hình mới, sáng tạo", "Kiến nghị, đề xuất"])
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def build_cchc_report(path: Path) -> Path:
    doc = Document()
    base(doc)
    _opening(doc, "Kết quả tự kiểm tra công tác cải cách hành chính, nâng cao hiệu quả quản trị "
                  "và hành chính công {{ period_label_lower }}")
    para(doc, "Thực hiện Kế hoạch số {{ plan_number }} ngày {{ plan_date }} của UBND tỉnh "
              "{{ province_name }} về {{ plan_title }}, trên cơ sở báo cáo tự kiểm tra của các cơ "
              "quan, đơn vị, địa phương và kết quả kiểm tra trực tiếp của Đoàn kiểm tra của tỉnh, "
              "{{ issuing_body_name }} tổng hợp, báo cáo như sau:")
    _direction_and_reporting(doc)
    heading(doc, "III. KẾT QUẢ TỰ KIỂM TRA VÀ KIỂM TRA TRỰC TIẾP")
    heading(doc, "1. Thực hiện nhiệm vụ CCHC theo lĩnh vực")
    bullets(doc, "s in task_paragraphs", "{{ s }}")
    loop_table(doc, ["Mã", "Lĩnh vực", "Kế hoạch", "Hoàn thành", "Đang thực hiện",
                     "Chưa thực hiện", "Tỷ lệ hoàn thành"],
               ["{{ r.code }}", "{{ r.label }}", "{{ r.planned }}", "{{ r.done }}", "{{ r.doing }}",
                "{{ r.not_started }}", "{{ r.rate }}"], "r in task_rows",
               [1.2, 6.3, 1.8, 1.8, 1.8, 1.8, 1.8])
    para(doc, "")
    heading(doc, "2. Tự kiểm tra, khắc phục tồn tại và cải cách thủ tục hành chính")
    bullets(doc, "s in reform_paragraphs", "{{ s }}")
    heading(doc, "3. Chỉ số CCHC tự đánh giá")
    # No score chart: the two groups' indexes use different criteria, so one chart of all units
    # would rank them together; the ranking within each group is the table of Phụ lục I.
    bullets(doc, "s in score_paragraphs", "{{ s }}")
    heading(doc, "4. Kết quả kiểm tra trực tiếp của Đoàn kiểm tra của tỉnh")
    bullets(doc, "s in dkt_paragraphs", "{{ s }}")
    _standard_sections(doc, ["IV", "V", "VI"], "Phụ lục II")
    _ending(doc, "kết quả tự kiểm tra công tác cải cách hành chính {{ period_label_lower }}")
    landscape_appendix(
        doc, "PHỤ LỤC I", "Xếp hạng điểm tự đánh giá chỉ số CCHC {{ period_label_lower }} theo "
                          "từng khối", ATTACHED)
    loop_table(doc, ["Hạng", "Cơ quan, đơn vị, địa phương", "Điểm tự đánh giá",
                     "Tỷ lệ hoàn thành nhiệm vụ", "Số hóa kết quả (%)", "Hài lòng (%)",
                     "Văn bản điện tử (%)", "Tình trạng báo cáo"],
               ["{{ u.rank }}", "{{ u.name }}", "{{ u.score }}", "{{ u.completion }}",
                "{{ u.digitized }}", "{{ u.satisfaction }}", "{{ u.e_documents }}", "{{ u.status }}"],
               "u in unit_rows", [1.7, 6.9, 2.4, 2.6, 2.4, 2.1, 2.4, 2.5],
               bold_if="u.total")
    _opinions(doc, "II", ["Kết quả nổi bật", "Tồn tại, hạn chế", "Mô hình, cách làm hay, sáng kiến",
                          "Đề xuất, kiến nghị"])
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def build_reminder(path: Path) -> Path:
    doc = Document()
    base(doc)
    header_block(doc, "{{ issuing_code }}-CCHC", subject="V/v đôn đốc gửi báo cáo theo Kế hoạch "
                                                          "số {{ plan_number }}")
    para(doc, "", space_after=6)
    para(doc, "{%p for a in addressee_lines %}")
    line = para(doc, "{{ a }}", align=WD_ALIGN_PARAGRAPH.LEFT, space_after=0)
    line.paragraph_format.left_indent = Cm(3.5)  # "Kính gửi:" and one unit per line below it
    para(doc, "{%p endfor %}")
    para(doc, "", space_after=6)
    para(doc, "Thực hiện Kế hoạch số {{ plan_number }} ngày {{ plan_date }} của UBND tỉnh "
              "{{ province_name }} về {{ plan_title }}, {{ issuing_body_name }} được giao tổng hợp, "
              "báo cáo UBND tỉnh. Đến {{ as_of_text }}, {{ issuing_body_name }} chưa nhận được báo "
              "cáo, hoặc đã nhận nhưng báo cáo chưa đạt yêu cầu, của {{ unit_count_text }} sau:")
    loop_table(doc, ["STT", "Cơ quan, đơn vị, địa phương", "Báo cáo", "Hạn gửi", "Tình trạng"],
               ["{{ r.stt }}", "{{ r.unit }}", "{{ r.report }}", "{{ r.deadline }}",
                "{{ r.status }}"], "r in reminder_rows", [1.3, 4.1, 4.6, 2.6, 3.9])
    para(doc, "")
    para(doc, "Để kịp thời tổng hợp, báo cáo UBND tỉnh, {{ issuing_body_name }} đề nghị các cơ quan, "
              "đơn vị, địa phương nêu trên khẩn trương hoàn thành, gửi báo cáo về {{ issuing_body_name }}"
              " trước {{ new_deadline }}. Với báo cáo bị trả lại, đề nghị sửa theo bản phản hồi (các "
              "ô được tô màu, có ghi chú) rồi gửi lại.")
    para(doc, "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ {{ issuing_body_name }} "
              "để được hướng dẫn./.")
    signature_block(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


REPORTS = {
    "bao-cao-ktcv.docx": build_ktcv_report,
    "bao-cao-ktcv-nam.docx": lambda p: build_ktcv_report(p, annual=True),
    "bao-cao-cchc.docx": build_cchc_report,
    "cong-van-don-doc.docx": build_reminder,
}


def main() -> None:
    folder = PACKAGE_DIR.parent / "templates" / "reports"
    for name, build in REPORTS.items():
        print(build(folder / name))


if __name__ == "__main__":
    main()
