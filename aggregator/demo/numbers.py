"""Plausible, rule-consistent KTCV figures for a synthetic unit (deterministic per seed)."""

from __future__ import annotations

import random

STRENGTHS = [
    "Duy trì nghiêm kỷ luật, kỷ cương hành chính; 100% hồ sơ được tiếp nhận qua Bộ phận Một cửa",
    "Chủ động kiểm tra đột xuất việc chấp hành thời gian làm việc, kịp thời chấn chỉnh vi phạm",
    "Đẩy mạnh tiếp nhận hồ sơ trực tuyến, khai thác Cơ sở dữ liệu quốc gia về dân cư",
    "Công khai đầy đủ thủ tục hành chính, đường dây nóng tiếp nhận phản ánh của người dân",
]
SHORTCOMINGS = [
    "Một số hồ sơ còn giải quyết quá hạn do phải lấy ý kiến nhiều cơ quan",
    "Một bộ phận công chức chưa thành thạo sử dụng phần mềm một cửa điện tử",
    "Việc số hóa kết quả giải quyết thủ tục hành chính còn chậm, thiếu thiết bị",
    "Chưa thực hiện đầy đủ việc ban hành phiếu xin lỗi khi hồ sơ quá hạn",
]
PRACTICES = [
    "Mô hình “Tổ công nghệ số cộng đồng” hỗ trợ người dân nộp hồ sơ trực tuyến",
    "Nhắn tin Zalo thông báo kết quả giải quyết hồ sơ cho người dân",
    "Camera giám sát tại Bộ phận Một cửa kết nối với phòng lãnh đạo",
    "Ứng dụng “Ngày thứ Năm không giấy tờ” trong xử lý văn bản nội bộ",
]
PROPOSALS = [
    "Đề nghị UBND tỉnh bố trí kinh phí nâng cấp hạ tầng công nghệ thông tin cho Bộ phận Một cửa",
    "Đề nghị tổ chức tập huấn kỹ năng kiểm tra công vụ cho công chức làm công tác thanh tra",
    "Đề nghị hoàn thiện kết nối, chia sẻ dữ liệu giữa các hệ thống thông tin chuyên ngành",
    "Đề nghị có cơ chế khen thưởng kịp thời các tập thể, cá nhân có sáng kiến cải cách hành chính",
]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def inspection_counts(rng: random.Random, size: int) -> dict[str, int]:
    v: dict[str, int] = {}
    v["1.1"], v["1.2"] = rng.randint(1, 2 + size), rng.randint(0, 2)
    v["1"] = v["1.1"] + v["1.2"]
    v["2"] = v["1"] + rng.randint(0, 3)
    v["3"] = rng.randint(15, 40) * (1 + size)
    kinds = [rng.choice([0, 0, 0, 1, 1, 2, 3]) for _ in range(8)]
    for i, k in enumerate(kinds, start=1):
        v[f"5.{i}"] = k
    v["5"] = sum(kinds)
    v["4"] = min(v["3"], max(0, v["5"] - rng.randint(0, v["5"] // 2 if v["5"] else 0)))
    handled = rng.randint(0, v["4"])
    v["6.1"], v["6.2"], v["6.3"], v["6.4"] = _split(rng, handled, 4)
    for i, n in enumerate(_split(rng, v["6.2"], 4), start=1):
        v[f"6.2.{i}"] = n
    v["6"] = handled
    v["7"] = rng.randint(0, 4 + size)
    v["7.1"] = rng.randint(0, v["7"])
    v["13"] = rng.randint(5, 40) * (1 + size)
    v["14"] = rng.randint(0, 20) * (1 + size)
    v["14.1"] = rng.randint(0, v["14"])
    v["14.2"] = rng.randint(0, v["14.1"])
    return v


def dossier_counts(rng: random.Random, size: int, carried: int) -> dict[str, int]:
    """Dossiers of one half-year; `carried` are those pending from before (8.1)."""
    v: dict[str, int] = {"8.1": carried}
    new = rng.randint(200, 900) * (1 + 3 * size)
    online = int(new * rng.uniform(0.35, 0.8))
    postal = int((new - online) * rng.uniform(0.0, 0.1))
    v["8.2.1"], v["8.2.3"], v["8.2.2"] = online, postal, new - online - postal
    v["8.2"] = new
    v["8"] = carried + new
    returned = rng.randint(0, max(1, v["8"] // 200))
    pending = int((v["8"] - returned) * rng.uniform(0.02, 0.08))
    resolved = v["8"] - returned - pending
    late = int(resolved * rng.uniform(0.0, 0.02))
    early = int((resolved - late) * rng.uniform(0.4, 0.8))
    v["9.1"], v["9.2"], v["9.3"], v["9"] = early, resolved - late - early, late, resolved
    pending_late = int(pending * rng.uniform(0.0, 0.15))
    v["10.1"], v["10.2"], v["10"] = pending - pending_late, pending_late, pending
    v["11"] = returned
    v["12"] = late + pending_late + rng.choice([0, 0, 1])
    return v


def ktcv_year(seed: str, size: int) -> tuple[dict[str, object], dict[str, object]]:
    """(H1 values, Y values) for one unit; Y is cumulative over the year."""
    rng = random.Random(seed)
    h1 = inspection_counts(rng, size) | dossier_counts(rng, size, rng.randint(0, 40) * (1 + size))
    h2 = inspection_counts(rng, size) | dossier_counts(rng, size, h1["10"])
    year: dict[str, object] = {}
    for code in h1:
        year[code] = h1[code] + h2[code]
    for code in ("8.1",):
        year[code] = h1[code]
    for code in ("10", "10.1", "10.2"):
        year[code] = h2[code]
    year["8"] = year["8.1"] + year["8.2"]
    texts = {
        "15": rng.choice(STRENGTHS),
        "16": rng.choice(SHORTCOMINGS),
        "17": rng.choice(PRACTICES) if rng.random() < 0.6 else "",
        "18": rng.choice(PROPOSALS),
    }
    return h1 | texts, year | texts


CCHC_AREAS = ["2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"]


def cchc_year(seed: str, size: int) -> dict[str, object]:
    rng = random.Random(seed)
    v: dict[str, object] = {"1": rng.randint(4, 15) + 5 * size}
    totals = {"KH": 0, "HT": 0, "DTH": 0, "CTH": 0}
    for area in CCHC_AREAS:
        planned = rng.randint(2, 8) + 2 * size
        done = rng.randint(planned // 2, planned)
        doing = rng.randint(0, planned - done)
        for key, n in (("KH", planned), ("HT", done), ("DTH", doing), ("CTH", planned - done - doing)):
            v[f"{area}.{key}"] = n
            totals[key] += n
    for key, n in totals.items():
        v[f"2.{key}"] = n
    v["3"] = rng.randint(1, 4) + 2 * size
    v["3.1"] = v["3"] + rng.randint(0, 6) * (1 + size)
    v["4"] = rng.randint(0, 12)
    v["4.1"] = rng.randint(0, v["4"])
    v["5"] = rng.randint(60, 250) + 150 * size
    v["5.1"] = int(v["5"] * rng.uniform(0.3, 0.6))
    v["5.2"] = int((v["5"] - v["5.1"]) * rng.uniform(0.2, 0.6))
    v["6"] = rng.randint(0, 15)
    v["7"] = round(rng.uniform(45, 98), 1)
    v["8"] = round(rng.uniform(85, 99.5), 1)
    v["9"] = round(rng.uniform(90, 100), 1)
    v["10"] = round(rng.uniform(72, 93), 2)
    v["11"] = rng.choice(STRENGTHS)
    v["12"] = rng.choice(SHORTCOMINGS)
    v["13"] = rng.choice(PRACTICES) if rng.random() < 0.5 else ""
    v["14"] = rng.choice(PROPOSALS)
    return v


REMEDIES = [
    ("Chậm cập nhật hồ sơ lên Cổng dịch vụ công", "Giao Văn phòng cập nhật hằng ngày"),
    ("Chưa niêm yết đầy đủ TTHC tại Bộ phận Một cửa", "Rà soát, niêm yết bổ sung"),
    ("Một số công chức đi muộn, về sớm", "Kiểm điểm, nhắc nhở; lắp máy chấm công"),
    ("Chưa ban hành phiếu xin lỗi với hồ sơ quá hạn", "Ban hành phiếu xin lỗi, hẹn lại ngày trả"),
    ("Sổ theo dõi hồ sơ ghi chép chưa đầy đủ", "Chuẩn hóa sổ theo dõi theo mẫu"),
]
KPKN_RESULTS = ["Đã khắc phục", "Đã khắc phục", "Đang khắc phục", "Chưa khắc phục"]


def kpkn_items(seed: str) -> list[dict[str, object]]:
    from datetime import date

    rng = random.Random(seed)
    items = []
    for n in range(1, rng.randint(0, 5) + 1):
        issue, remedy = rng.choice(REMEDIES)
        result = rng.choice(KPKN_RESULTS)
        item: dict[str, object] = {
            "STT": n,
            "SO_NGAY": f"{rng.randint(10, 300)}/TB-ĐKT ngày {rng.randint(1, 28):02d}/0{rng.randint(3, 9)}/2024",
            "NOI_DUNG": issue,
            "BIEN_PHAP": remedy,
            "KET_QUA": result,
        }
        if result == "Đã khắc phục":
            item["NGAY_HT"] = date(2024, rng.randint(6, 11), rng.randint(1, 28))
        items.append(item)
    return items


DKT_RESULTS = ["Đạt", "Đạt", "Đạt", "Đạt", "Chưa đạt", "Không kiểm tra"]


def dkt_visit(seed: str, day) -> dict[str, object]:
    rng = random.Random(seed)
    v: dict[str, object] = {
        "1": day,
        "2": rng.choice(["Theo kế hoạch", "Theo kế hoạch", "Đột xuất"]),
        "3": rng.choice(["Công vụ", "CCHC", "Cả hai"]),
        "4": "Đồng chí Phó Giám đốc Sở Nội vụ",
    }
    findings = 0
    for r in range(1, 12):
        result = rng.choice(DKT_RESULTS)
        v[f"5.{r}.KQ"] = result
        v[f"5.{r}.SVP"] = rng.randint(1, 3) if result == "Chưa đạt" else 0
        findings += v[f"5.{r}.SVP"]
    v["6"] = ("Đơn vị chấp hành tốt kỷ luật, kỷ cương hành chính." if findings == 0 else
              f"Đơn vị còn {findings} vi phạm cần khắc phục.")
    v["7"] = "Khắc phục các tồn tại, báo cáo kết quả về Sở Nội vụ." if findings else ""
    return v
