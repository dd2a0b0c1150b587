"""The one issue catalog: stable English codes, Vietnamese titles and message templates, severity.

Problems in a unit's file are values (Issue), never exceptions. Every message a unit reads is rendered
here from its template, prefixed by where the problem is (sheet, cell, indicator) so the unit can act.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class IssueType:
    code: str
    severity: Severity
    category: str
    title: str
    template: str


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    indicator: str | None = None
    indicator_label: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def where(self) -> str:
        return locate(self.sheet, self.cell, self.indicator, self.indicator_label)


_TYPES = [
    # file
    IssueType("file-unreadable", "error", "tệp", "Không đọc được tệp",
              "Không mở được tệp ({reason}). Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại."),
    IssueType("file-format-unsupported", "error", "tệp", "Định dạng tệp không được hỗ trợ",
              "Tệp có đuôi “{suffix}” không phải bảng tính. Hãy gửi tệp .xlsx, .xls hoặc .ods."),
    IssueType("file-empty", "error", "tệp", "Tệp rỗng",
              "Tệp không có nội dung (0 byte). Hãy lưu lại báo cáo rồi gửi lại tệp."),
    IssueType("file-too-large", "error", "tệp", "Tệp quá lớn",
              "Tệp nặng {size} MB, vượt giới hạn {limit} MB nên không được mở. Hãy xóa các sheet, "
              "hình ảnh không cần thiết rồi gửi lại."),
    IssueType("file-wrong-type", "error", "tệp", "Nội dung không đúng loại tệp",
              "Tệp có đuôi “{suffix}” nhưng nội dung không phải bảng tính loại đó (có thể đã đổi tên "
              "tệp). Hãy mở bằng Excel và dùng “Lưu thành” (Save As) dạng .xlsx."),
    IssueType("file-encrypted", "error", "tệp", "Tệp có mật khẩu",
              "Tệp được đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu (File → Info → Protect "
              "Workbook) rồi gửi lại."),
    IssueType("file-zip-bomb", "error", "tệp", "Tệp nén bất thường",
              "Tệp khi giải nén lên tới {size} MB, bất thường với một biểu báo cáo nên không được mở. "
              "Hãy lưu lại biểu từ biểu mẫu gốc."),
    IssueType("file-unsafe-xml", "error", "tệp", "Tệp chứa cấu trúc không an toàn",
              "Phần “{part}” của tệp chứa khai báo XML không an toàn nên không được mở. Hãy lưu lại "
              "biểu từ biểu mẫu gốc bằng Excel."),
    # --- wt-reader ---
    IssueType("file-range-too-large", "error", "tệp", "Dữ liệu nằm quá xa vùng biểu",
              "Ô này có dữ liệu nhưng nằm quá xa vùng biểu báo cáo (một sheet chỉ được dùng tới "
              "{rows} dòng và {cols} cột) nên tệp không được mở. Hãy xóa nội dung ô này (và các ô "
              "thừa khác ở xa) rồi lưu và gửi lại."),
    IssueType("file-crashed-reader", "error", "tệp", "Chương trình đọc tệp bị dừng",
              "Chương trình đọc tệp bị dừng đột ngột khi mở tệp này (tệp có thể bị hỏng hoặc có cấu "
              "trúc bất thường) nên tệp không được tiếp nhận. Hãy mở tệp bằng Excel, lưu lại dạng "
              ".xlsx rồi gửi lại."),
    IssueType("value-formula-error", "error", "số liệu", "Công thức báo lỗi",
              "Ô này chứa công thức cho kết quả lỗi {error} (ví dụ chia cho 0, tham chiếu đến ô đã "
              "xóa) nên không có số liệu. Hãy sửa công thức hoặc nhập thẳng số liệu."),
    IssueType("value-formula-not-calculated", "error", "số liệu", "Công thức chưa được tính",
              "Ô này chứa công thức nhưng chưa có giá trị tính sẵn (tệp được tạo bằng chương trình "
              "không tự tính công thức). Hãy mở tệp bằng Excel, lưu lại rồi gửi lại."),
    # identification
    IssueType("form-unknown", "error", "nhận diện", "Không nhận diện được biểu mẫu",
              "Không nhận diện được biểu mẫu. Hãy dùng đúng biểu mẫu do Sở Nội vụ phát hành."),
    IssueType("unit-missing", "error", "nhận diện", "Thiếu mã đơn vị",
              "Chưa điền mã đơn vị. Hãy ghi mã đơn vị vào ô bên phải dòng “Mã đơn vị”."),
    IssueType("unit-unknown", "error", "nhận diện", "Mã đơn vị không có trong danh mục",
              "Mã đơn vị “{value}” không có trong danh mục đơn vị. Hãy ghi đúng mã được Sở Nội vụ cấp."),
    IssueType("unit-identified-by-name", "warning", "nhận diện", "Nhận diện đơn vị theo tên",
              "Không có mã đơn vị hợp lệ; đã nhận diện theo tên “{name}” là {unit}. "
              "Lần sau hãy ghi mã đơn vị."),
    IssueType("form-version-incompatible", "error", "nhận diện", "Biểu mẫu đã cũ",
              "Tệp dùng biểu {form} phiên bản {found}, không còn dùng được. Hãy chép số liệu sang "
              "biểu {form} phiên bản {version} (tệp {form}-<kỳ báo cáo>.xlsx do Sở Nội vụ phát hành)."),
    IssueType("unit-not-expected", "error", "nhận diện", "Đơn vị không thuộc diện báo cáo",
              "Đơn vị {unit} không thuộc diện nộp biểu {form} kỳ {period} cho cấp này."),
    IssueType("period-missing", "error", "nhận diện", "Thiếu kỳ báo cáo",
              "Chưa điền kỳ báo cáo. Hãy chọn kỳ trong danh sách của ô này ({plan})."),
    IssueType("period-unknown", "error", "nhận diện", "Kỳ báo cáo không hợp lệ",
              "Kỳ báo cáo “{value}” không hợp lệ. Hãy chọn kỳ trong danh sách của ô này ({plan})."),
    IssueType("period-not-in-plan", "error", "nhận diện", "Kỳ báo cáo không có trong kế hoạch",
              "Biểu {form} kỳ {period} không có trong kế hoạch báo cáo ({plan}). Hãy chọn "
              "lại kỳ báo cáo ở ô này."),
    # layout
    IssueType("data-header-missing", "error", "cấu trúc", "Không tìm thấy bảng số liệu",
              "Không tìm thấy dòng tiêu đề có cột “Mã chỉ tiêu” và “Số liệu”. "
              "Hãy dùng đúng biểu mẫu, không xóa hoặc đổi tên các cột này."),
    IssueType("line-list-header-missing", "error", "cấu trúc", "Không tìm thấy danh mục",
              "Không tìm thấy dòng tiêu đề của danh mục (các cột: {columns}). "
              "Hãy dùng đúng biểu mẫu, không đổi tên các cột."),
    IssueType("indicator-missing", "error", "cấu trúc", "Thiếu dòng chỉ tiêu",
              "Không tìm thấy dòng có mã chỉ tiêu {indicator}. Hãy khôi phục dòng này theo biểu mẫu."),
    # values
    IssueType("value-missing", "error", "số liệu", "Chưa nhập số liệu",
              "Chưa nhập số liệu. Nếu không phát sinh, hãy nhập 0."),
    IssueType("value-required", "error", "số liệu", "Thiếu nội dung bắt buộc",
              "Chưa nhập nội dung. Ô này bắt buộc phải có."),
    IssueType("cell-not-a-number", "error", "số liệu", "Không phải là số",
              "Giá trị “{value}” không phải là số. Hãy nhập một số nguyên, không kèm chữ."),
    IssueType("value-ambiguous-number", "error", "số liệu", "Số viết không rõ ràng",
              "Giá trị “{value}” có thể hiểu theo nhiều cách. Hãy nhập số không có dấu phân cách."),
    IssueType("value-not-integer", "error", "số liệu", "Không phải số nguyên",
              "Giá trị {value} không phải số nguyên. Chỉ tiêu này đếm số lượng, hãy nhập số nguyên."),
    IssueType("value-negative", "error", "số liệu", "Số âm",
              "Giá trị {value} là số âm. Số liệu phải lớn hơn hoặc bằng 0."),
    IssueType("value-out-of-range", "error", "số liệu", "Ngoài khoảng cho phép",
              "Giá trị {value} nằm ngoài khoảng {low}–{high}. Tỷ lệ và điểm nhập số từ {low} đến {high}."),
    IssueType("value-not-a-date", "error", "số liệu", "Không phải ngày",
              "Giá trị “{value}” không phải là ngày. Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 15/10/2024."),
    IssueType("date-outside-year", "error", "số liệu", "Ngày ngoài năm báo cáo",
              "Ngày {value} không thuộc năm {year}. Hãy kiểm tra lại ngày."),
    IssueType("choice-invalid", "error", "số liệu", "Giá trị không có trong danh sách",
              "Giá trị “{value}” không hợp lệ. Hãy chọn một trong: {choices}."),
    IssueType("item-incomplete", "error", "danh mục", "Dòng danh mục thiếu thông tin",
              "Dòng {row} đã ghi một phần nhưng thiếu “{column}”. Hãy ghi đủ hoặc xóa cả dòng."),
    IssueType("item-date-required", "error", "danh mục", "Thiếu ngày hoàn thành",
              "Dòng {row} có kết quả “{when}” nên phải ghi “{column}”."),
    # rules
    IssueType("rule-sum-mismatch", "error", "quy tắc", "Tổng không khớp",
              "{left_codes} là {left} nhưng {right_codes} là {right}. {rule}."),
    IssueType("rule-compare-failed", "error", "quy tắc", "Số liệu mâu thuẫn",
              "{left_codes} là {left}, {right_codes} là {right}. {rule}. {hint}"),
    IssueType("rule-compare-warning", "warning", "quy tắc", "Số liệu cần xem lại",
              "{left_codes} là {left}, {right_codes} là {right}. {rule}; đề nghị kiểm tra lại. "
              "{hint}"),
    # judgment (warnings: never reject)
    IssueType("value-below-h1", "warning", "so sánh", "Số cả năm nhỏ hơn 6 tháng",
              "Số cả năm là {value}, nhỏ hơn số 6 tháng đầu năm ({h1}) của chính đơn vị. "
              "Số liệu cả năm là lũy kế, hãy kiểm tra lại."),
    IssueType("value-outlier", "warning", "so sánh", "Giá trị bất thường",
              "Giá trị {value} khác xa các đơn vị khác (trung vị {median}). Hãy kiểm tra lại."),
    # --- wt-intake ---
    IssueType("file-older-than-in-force", "warning", "tệp", "Tệp cũ hơn bản đang dùng",
              "Tệp được lưu lúc {saved}, trước bản đang dùng “{name}” (lưu lúc {received}), nên bản "
              "đang dùng vẫn được tính vào tổng hợp. Nếu tệp này mới là bản sửa sau cùng (máy lưu "
              "tệp kia có thể đặt sai ngày giờ), hãy mở tệp này, lưu lại rồi chép vào inbox."),
    IssueType("file-saved-after-run-date", "warning", "tệp", "Ngày lưu tệp sau ngày tổng hợp",
              "Ngày lưu tệp {saved} muộn hơn ngày tổng hợp {as_of}; tệp được tính là nhận vào "
              "ngày tổng hợp. Hãy kiểm tra đồng hồ của máy đã lưu tệp."),
    IssueType("file-internal-error", "error", "tệp", "Lỗi của chương trình khi xử lý tệp",
              "Chương trình tổng hợp gặp lỗi khi {stage} tệp này nên chưa tiếp nhận được. Sở Nội vụ "
              "sẽ kiểm tra và báo lại; đơn vị chưa cần sửa tệp."),
    IssueType("container-refused", "error", "tệp", "Thư hoặc tệp nén không mở được",
              "Không lấy được tệp nào từ thư/tệp nén này: {reason}."),
    IssueType("feedback-copy-failed", "warning", "tệp", "Không tạo được bản phản hồi",
              "Không tạo được bản phản hồi tô màu cho tệp này; các lỗi và lưu ý vẫn được liệt kê "
              "trong kết quả tổng hợp."),
    # rounds (not about a file)
    IssueType("round-missing-unit", "warning", "kỳ báo cáo", "Đơn vị chưa báo cáo",
              "Đơn vị {unit} chưa gửi biểu {form} kỳ {period} (hạn {deadline})."),
    # --- wt-config ---
    IssueType("unit-code-leading-zero", "warning", "nhận diện", "Mã đơn vị mất số 0 ở đầu",
              "Mã đơn vị ghi là {value} (ô định dạng số làm mất số 0 ở đầu), đã hiểu là {unit}. "
              "Lần sau hãy ghi mã dạng chữ (ví dụ gõ dấu ' trước mã) để giữ số 0."),
    IssueType("unit-name-ambiguous", "error", "nhận diện", "Tên đơn vị trùng nhau",
              "Không có mã đơn vị hợp lệ, mà tên “{name}” là tên của {count} đơn vị: {candidates}. "
              "Hãy ghi mã đơn vị vào ô bên phải dòng “Mã đơn vị” rồi gửi lại."),
    IssueType("unit-identity-mismatch", "warning", "nhận diện", "Mã và tên đơn vị không khớp",
              "{conflicts}. Đã tính báo cáo cho đơn vị theo mã: {unit} (ô “Mã đơn vị” được ưu "
              "tiên). Nếu báo cáo là của đơn vị khác, hãy sửa mã đơn vị rồi gửi lại."),
    IssueType("unit-ended", "error", "nhận diện", "Đơn vị đã hết hiệu lực",
              "Theo danh mục đơn vị, {unit} chỉ có hiệu lực đến hết ngày {valid_to}, trước hạn "
              "gửi biểu {form} kỳ {period} ({deadline}), nên không báo cáo kỳ này và số liệu không "
              "được tổng hợp. Nếu đơn vị đã sáp nhập, hãy báo cáo bằng mã của đơn vị mới."),
    IssueType("unit-not-yet-valid", "error", "nhận diện", "Đơn vị chưa có hiệu lực",
              "Theo danh mục đơn vị, {unit} có hiệu lực từ ngày {valid_from}, sau hạn gửi biểu "
              "{form} kỳ {period} ({deadline}), nên chưa báo cáo kỳ này."),
]

CATALOG: dict[str, IssueType] = {t.code: t for t in _TYPES}


def locate(sheet: str | None, cell: str | None, indicator: str | None, label: str | None) -> str:
    """'Sheet “Biểu KTCV”, ô D7, chỉ tiêu 1.1 (Kiểm tra theo kế hoạch)' — the parts that are known."""
    parts = []
    if sheet:
        parts.append(f"Sheet “{sheet}”")
    if cell:
        parts.append(f"ô {cell}")
    if indicator:
        parts.append(f"chỉ tiêu {indicator}" + (f" ({label})" if label else ""))
    return ", ".join(parts)


def make_issue(
    code: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    indicator: str | None = None,
    indicator_label: str | None = None,
    severity: Severity | None = None,
    **params: object,
) -> Issue:
    kind = CATALOG[code]
    text = kind.template.format(indicator=indicator, **params).strip()
    where = locate(sheet, cell, indicator, indicator_label)
    message = f"{where}: {text}" if where else text
    return Issue(
        code=code,
        severity=severity or kind.severity,
        message=message,
        sheet=sheet,
        cell=cell,
        indicator=indicator,
        indicator_label=indicator_label,
    )
