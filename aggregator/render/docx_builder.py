"""Builds the default Word report templates (docxtpl/Jinja tags inside the Nghị định 30 layout).

The built .docx files are committed in templates/reports/ and the office may edit them in Word (the
variables are listed in docs/bien-mau-bao-cao.md); run `python -m aggregator.render.docx_builder` to
rebuild them after changing this module.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from aggregator.render.docx_parts import (
    base,
    bullets,
    header_block,
    landscape_appendix,
    loop_table,
    para,
    picture,
    signature_block,
)
from aggregator.workspace.settings import PACKAGE_DIR

CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _opening(doc, summary: str) -> None:
    header_block(doc, "BC-{{ issuing_code }}")
    para(doc, "", space_after=6)
    para(doc, "BÁO CÁO", bold=True, align=CENTER, space_after=0)
    para(doc, summary, bold=True, align=CENTER, space_after=12)
    para(doc, "Kính gửi: {{ recipient }}.", align=CENTER, space_after=12)


def _texts(doc, heading: str, variable: str) -> None:
    para(doc, heading, bold=True)
    bullets(doc, f"t in {variable}", "- {{ t }}")


def build_ktcv_report(path: Path, annual: bool = False) -> Path:
    doc = Document()
    base(doc)
    _opening(doc, "Kết quả kiểm tra công vụ {{ period_label_lower }}")
    para(doc, "Thực hiện Kế hoạch số {{ plan_number }} ngày {{ plan_date }} của UBND tỉnh "
              "{{ province_name }} về {{ plan_title }}, trên cơ sở báo cáo của các cơ quan, đơn vị, "
              "địa phương, {{ issuing_body_name }} báo cáo kết quả kiểm tra công vụ "
              "{{ period_label_lower }} như sau:")
    para(doc, "I. TÌNH HÌNH GỬI BÁO CÁO", bold=True)
    bullets(doc, "s in status_paragraphs", "{{ s }}")
    para(doc, "II. KẾT QUẢ KIỂM TRA CÔNG VỤ", bold=True)
    para(doc, "1. Hoạt động kiểm tra và xử lý vi phạm", bold=True)
    bullets(doc, "s in inspection_paragraphs", "{{ s }}")
    picture(doc, "chart_violations")
    para(doc, "2. Tiếp nhận, giải quyết thủ tục hành chính, tiếp công dân", bold=True)
    bullets(doc, "s in dossier_paragraphs", "{{ s }}")
    picture(doc, "chart_on_time")
    para(doc, "3. Số liệu tổng hợp", bold=True)
    loop_table(doc, ["Mã", "Chỉ tiêu", "Số liệu"],
               ["{{ r.code }}", "{{ r.label }}", "{{ r.value }}"], "r in key_figures",
               [1.6, 11.5, 3.0])
    para(doc, "")
    if annual:
        para(doc, "4. Kết quả kiểm tra trực tiếp của Đoàn kiểm tra của tỉnh", bold=True)
        bullets(doc, "s in dkt_paragraphs", "{{ s }}")
        para(doc, "5. Kết quả thực hiện kiến nghị, khắc phục tồn tại sau kiểm tra", bold=True)
        bullets(doc, "s in kpkn_paragraphs", "{{ s }}")
    para(doc, "III. ĐÁNH GIÁ CHUNG", bold=True)
    _texts(doc, "1. Ưu điểm, kết quả nổi bật", "strengths")
    _texts(doc, "2. Tồn tại, hạn chế và nguyên nhân", "shortcomings")
    _texts(doc, "3. Cách làm hay, mô hình mới, sáng tạo", "good_practices")
    para(doc, "IV. KIẾN NGHỊ, ĐỀ XUẤT", bold=True)
    bullets(doc, "t in recommendations", "- {{ t }}")
    para(doc, "Trên đây là báo cáo kết quả kiểm tra công vụ {{ period_label_lower }} của "
              "{{ issuing_body_name }}, kính báo cáo {{ recipient }} xem xét, chỉ đạo./.")
    signature_block(doc)

    landscape_appendix(
        doc, "PHỤ LỤC",
        "Kết quả kiểm tra công vụ {{ period_label_lower }} theo từng cơ quan, đơn vị, địa phương",
        "(Kèm theo Báo cáo số        /BC-{{ issuing_code }} ngày      /     /{{ report_year }} "
        "của {{ issuing_body_name }})")
    loop_table(
        doc,
        ["STT", "Cơ quan, đơn vị, địa phương", "Số cuộc kiểm tra", "Số người vi phạm",
         "Số lượt vi phạm", "Số người bị xử lý", "Hồ sơ TTHC đã giải quyết",
         "Tỷ lệ đúng hạn", "Tình trạng báo cáo"],
        ["{{ u.stt }}", "{{ u.name }}", "{{ u.inspections }}", "{{ u.violators }}",
         "{{ u.violations }}", "{{ u.handled }}", "{{ u.resolved }}", "{{ u.on_time_rate }}",
         "{{ u.status }}"],
        "u in unit_rows",
        [1.2, 7.0, 2.2, 2.2, 2.2, 2.2, 2.8, 2.2, 3.0],
    )
    if annual:
        para(doc, "")
        para(doc, "Danh sách tồn tại, kiến nghị chưa khắc phục xong", bold=True, align=CENTER)
        loop_table(doc, ["STT", "Đơn vị", "Thông báo kết luận", "Nội dung tồn tại, kiến nghị",
                         "Kết quả"],
                   ["{{ o.stt }}", "{{ o.unit }}", "{{ o.notice }}", "{{ o.content }}",
                    "{{ o.result }}"], "o in open_items", [1.2, 5.5, 5.0, 10.0, 3.3])
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
              "quan, đơn vị, địa phương, {{ issuing_body_name }} tổng hợp, báo cáo như sau:")
    para(doc, "I. TÌNH HÌNH GỬI BÁO CÁO", bold=True)
    bullets(doc, "s in status_paragraphs", "{{ s }}")
    para(doc, "II. KẾT QUẢ TỰ KIỂM TRA", bold=True)
    para(doc, "1. Thực hiện nhiệm vụ CCHC theo lĩnh vực", bold=True)
    bullets(doc, "s in task_paragraphs", "{{ s }}")
    loop_table(doc, ["Mã", "Lĩnh vực", "Kế hoạch", "Hoàn thành", "Đang thực hiện",
                     "Chưa thực hiện", "Tỷ lệ hoàn thành"],
               ["{{ r.code }}", "{{ r.label }}", "{{ r.planned }}", "{{ r.done }}", "{{ r.doing }}",
                "{{ r.not_started }}", "{{ r.rate }}"], "r in task_rows",
               [1.2, 6.3, 1.8, 1.8, 1.8, 1.8, 1.8])
    para(doc, "")
    para(doc, "2. Tự kiểm tra, khắc phục tồn tại và cải cách thủ tục hành chính", bold=True)
    bullets(doc, "s in reform_paragraphs", "{{ s }}")
    para(doc, "3. Chỉ số CCHC tự đánh giá", bold=True)
    bullets(doc, "s in score_paragraphs", "{{ s }}")
    picture(doc, "chart_scores")
    para(doc, "III. ĐÁNH GIÁ CHUNG", bold=True)
    _texts(doc, "1. Kết quả nổi bật", "strengths")
    _texts(doc, "2. Tồn tại, hạn chế", "shortcomings")
    _texts(doc, "3. Mô hình, cách làm hay, sáng kiến", "good_practices")
    para(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    bullets(doc, "t in recommendations", "- {{ t }}")
    para(doc, "Trên đây là báo cáo kết quả tự kiểm tra công tác cải cách hành chính "
              "{{ period_label_lower }}, kính báo cáo {{ recipient }} xem xét, chỉ đạo./.")
    signature_block(doc)
    landscape_appendix(
        doc, "PHỤ LỤC", "Xếp hạng điểm tự đánh giá chỉ số CCHC {{ period_label_lower }}",
        "(Kèm theo Báo cáo số        /BC-{{ issuing_code }} ngày      /     /{{ report_year }} "
        "của {{ issuing_body_name }})")
    loop_table(doc, ["Hạng", "Cơ quan, đơn vị, địa phương", "Điểm tự đánh giá",
                     "Tỷ lệ hoàn thành nhiệm vụ", "Số hóa kết quả (%)", "Hài lòng (%)",
                     "Văn bản điện tử (%)", "Tình trạng báo cáo"],
               ["{{ u.rank }}", "{{ u.name }}", "{{ u.score }}", "{{ u.completion }}",
                "{{ u.digitized }}", "{{ u.satisfaction }}", "{{ u.e_documents }}", "{{ u.status }}"],
               "u in unit_rows", [1.4, 8.0, 2.6, 2.8, 2.6, 2.4, 2.6, 3.2])
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def build_reminder(path: Path) -> Path:
    doc = Document()
    base(doc)
    header_block(doc, "{{ issuing_code }}-CCHC", subject="V/v đôn đốc gửi báo cáo theo Kế hoạch "
                                                          "số {{ plan_number }}")
    para(doc, "", space_after=6)
    para(doc, "Kính gửi: Các cơ quan, đơn vị, địa phương có tên tại danh sách dưới đây.",
         align=CENTER, space_after=12)
    para(doc, "Thực hiện Kế hoạch số {{ plan_number }} ngày {{ plan_date }} của UBND tỉnh "
              "{{ province_name }} về {{ plan_title }}, {{ issuing_body_name }} được giao tổng hợp, "
              "báo cáo UBND tỉnh. Đến {{ as_of_text }}, {{ issuing_body_name }} chưa nhận được báo "
              "cáo, hoặc đã nhận nhưng báo cáo chưa đạt yêu cầu, của {{ unit_count_text }} sau:")
    loop_table(doc, ["STT", "Cơ quan, đơn vị, địa phương", "Báo cáo", "Hạn gửi", "Tình trạng"],
               ["{{ r.stt }}", "{{ r.unit }}", "{{ r.report }}", "{{ r.deadline }}",
                "{{ r.status }}"], "r in reminder_rows", [1.0, 4.2, 5.0, 2.6, 3.7])
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
