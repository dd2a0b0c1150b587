"""`aggregator init`: a ready workspace — folders, aggregator.toml with every setting explained in
Vietnamese, don-vi.xlsx (the unit list, edited in Excel) and the Windows launchers
(chay-tong-hop.bat, kiem-tra.bat, mo-thu-muc.bat; see launchers.py). Existing files are never
overwritten, except launchers init itself wrote (so that they follow the interpreter that ran
it)."""

from __future__ import annotations

from pathlib import Path

from aggregator.units import DEFAULT_UNITS_FILE, UnitRegistry
from aggregator.units.sheet import write_units
from aggregator.workspace import Workspace, launchers, settings
from aggregator.workspace.config import Config

UNITS_XLSX = "don-vi.xlsx"
BAT = launchers.RUN_BAT


def _rounds_toml(config: Config) -> str:
    blocks = []
    for r in config.rounds:
        blocks.append(
            "[[rounds]]\n"
            f'form = "{r.form}"            # biểu: KTCV, CCHC, KPKN, DKT\n'
            f'period = "{r.period}"       # kỳ: NĂM-H1 (6 tháng đầu năm) hoặc NĂM-Y (cả năm)\n'
            f"window_start = {r.window_start}  # thời gian chốt số liệu: từ ngày\n"
            f"window_end = {r.window_end}    # … đến ngày\n"
            f"deadline = {r.deadline}      # hạn gửi như kế hoạch ghi\n"
            f'deadline_wording = "{r.deadline_wording}"  # "before" = “trước ngày”, '
            '"by" = “chậm nhất ngày”\n'
            f"submitters = {list(r.submitters)!r}  # cấp/nhóm phải nộp: agency, district, commune\n"
            .replace("'", '"')
            + ("timeliness = false        # không tính muộn\n" if not r.timeliness else ""))
    return "\n".join(blocks)


def config_text(config: Config) -> str:
    s = config.signer
    copies = ", ".join(f'"{c}"' for c in config.copies_to)
    return f"""# Cấu hình tổng hợp báo cáo — sửa bằng Notepad, lưu dạng UTF-8.
# Dòng bắt đầu bằng # là ghi chú. Ngày viết dạng NĂM-THÁNG-NGÀY, ví dụ 2024-12-01.

province_name = "{config.province_name}"        # tên tỉnh
owner = "{config.owner}"                        # mã đơn vị tổng hợp (tỉnh; hoặc mã huyện nếu huyện dùng)
units_file = "{UNITS_XLSX}"                 # danh mục đơn vị (sửa bằng Excel)

# Cơ quan ban hành báo cáo
parent_body = "{config.parent_body}"
issuing_body = "{config.issuing_body}"
issuing_body_name = "{config.issuing_body_name}"
issuing_code = "{config.issuing_code}"          # chữ viết tắt trong số ký hiệu: Số: …/BC-SNV
place = "{config.place}"                      # địa danh ghi ngày tháng
recipient = "{config.recipient}"
cchc_recipient = "{config.cchc_recipient}"   # báo cáo CCHC năm gửi Chủ tịch UBND tỉnh

# Kế hoạch làm căn cứ
plan_number = "{config.plan_number}"
plan_date = {config.plan_date}
plan_title = "{config.plan_title}"

# Nơi nhận và lưu
copies_to = [{copies}]
archive_code = "{config.archive_code}"

# Người ký
[signer]
authority = "{s.authority}"     # thẩm quyền ký, ví dụ KT. GIÁM ĐỐC
position = "{s.position}"       # chức vụ
name = "{s.name}"               # họ và tên

# Công tác chỉ đạo, triển khai và nhiệm vụ kỳ tới (để trống: báo cáo in “…” để điền tay)
[direction]
team_decision_number = ""       # số Quyết định thành lập Đoàn kiểm tra, ví dụ "123/QĐ-UBND"
# team_decision_date = 2024-03-15   # ngày của Quyết định đó (bỏ dấu # khi điền)
# self_inspection_plans = 29        # số đơn vị đã ban hành kế hoạch tự kiểm tra
next_tasks = []                 # nhiệm vụ kỳ tới, mỗi nhiệm vụ một câu trong ngoặc kép

# Các kỳ báo cáo (mỗi khối [[rounds]] là một kỳ của một biểu)
{_rounds_toml(config)}"""


def bat_text() -> str:
    """chay-tong-hop.bat as init writes it: this interpreter by path, the exit code checked."""
    return launchers.workspace_launchers()[launchers.RUN_BAT]


def _is_ours(path: Path) -> bool:
    try:
        return launchers.is_ours(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        return False


def init_workspace(root: Path) -> list[Path]:
    """Create what is missing; returns the files created (or, for launchers, brought up to date)."""
    ws = Workspace(root).ensure()
    created = []
    config_path = root / settings.CONFIG_FILE
    if not config_path.exists():
        config_path.write_text(config_text(Config()), encoding="utf-8")
        created.append(config_path)
    units_path = root / UNITS_XLSX
    if not units_path.exists():
        created.append(write_units(UnitRegistry.from_file(DEFAULT_UNITS_FILE), units_path))
    for name, text in launchers.workspace_launchers().items():
        # ours (from an earlier init, maybe of a bundle since moved) are brought up to date;
        # a launcher the user wrote or edited is left alone
        path = root / name
        data = text.encode("utf-8")
        if not path.exists() or (_is_ours(path) and path.read_bytes() != data):
            path.write_bytes(data)
            created.append(path)
    return created + [p for p in (ws.inbox, ws.outbox) if p.exists()]
