"""The department's own voice: its assessment (đánh giá chung) and its proposals to UBND tỉnh,
derived by rules from the data — units named where something is late, missing, rejected, pending,
open or falling behind. Units' own texts are compiled separately (see unit_opinions)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from aggregator.consolidate import RoundResult
from aggregator.render.word.direct_findings import failed_units
from aggregator.render.word.report_context import (
    by_child,
    child_names,
    join_names,
    n,
)
from aggregator.units import reporting_name
from aggregator.vn_format import percent as vn_percent

HIGH_RATE = 95.0  # a rate at or above this reads as a strength
OUTLIER_POINTS = 10.0  # a unit this many points below the province's rate is named
TOP_NAMED = 5  # units named for a problem, most concerned first


@dataclass(frozen=True)
class Assessment:
    strengths: list[str] = field(default_factory=list)
    shortcomings: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)


NAMED_IN_PROPOSAL = 6  # beyond this, a proposal counts the units and points to the appendix


def _whom(names: list[str], issuing: str, where: str = "") -> str:
    """The units a proposal asks UBND tỉnh to direct: never the issuing body itself (its own
    tasks are not proposals to its superior); many units are counted, not listed."""
    names = [x for x in names if x != issuing]
    if len(names) <= NAMED_IN_PROPOSAL:
        return join_names(names)
    return f"{n(len(names))} cơ quan, đơn vị, địa phương" + (f" ({where})" if where else "")


def _ok(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _concerned(r: RoundResult, codes: list[str]) -> int:
    """How many units have a positive sum of `codes`."""
    frame = r.child_values
    if frame.empty or any(c not in frame for c in codes):
        return 0
    return int((frame[codes].fillna(0).sum(axis=1) > 0).sum())


def _top(r: RoundResult, codes: list[str]) -> list[str]:
    """Units with the largest sum of `codes`, positive only, most first."""
    frame = r.child_values
    if frame.empty or any(c not in frame for c in codes):
        return []
    total = frame[codes].fillna(0).sum(axis=1)
    total = total[total > 0].sort_values(ascending=False)
    return child_names(r, total.index[:TOP_NAMED])


def _reporting(r: RoundResult, plan: str, issuing: str = "") -> tuple[list[str], list[str]]:
    """Shortcoming and proposal about the reporting itself: late, missing and rejected units."""
    late, missing = r.units_with("late"), r.units_with("missing")
    rejected = r.units_with("rejected")
    if not (late or missing or rejected) or not r.expected:
        return [], []
    parts = []
    if missing:
        parts.append(f"chưa gửi báo cáo ({join_names([reporting_name(u) for u in missing])})")
    if late:
        parts.append(f"gửi báo cáo muộn ({join_names([reporting_name(u) for u in late])})")
    if rejected:
        parts.append("gửi báo cáo chưa đạt yêu cầu phải hoàn thiện lại "
                     f"({join_names([reporting_name(u) for u in rejected])})")
    concerned = [reporting_name(u) for u in missing + late + rejected]
    concerned = [x for x in concerned if x != issuing] if issuing else concerned
    shortcoming = ("Việc chấp hành chế độ báo cáo của một số cơ quan, đơn vị, địa phương chưa "
                   "nghiêm: còn đơn vị " + "; đơn vị ".join(parts) + ".")
    proposal = (f"Chỉ đạo, nhắc nhở {_whom(concerned, issuing)} nghiêm túc thực hiện chế độ báo "
                f"cáo theo Kế hoạch số {plan}, bảo đảm đầy đủ, đúng thời hạn.")
    return [shortcoming], [proposal] if concerned else []


def ktcv_assessment(r: RoundResult, plan: str, issuing: str, dkt: RoundResult | None = None,
                    kpkn: RoundResult | None = None) -> Assessment:
    t, d = r.totals, r.derived
    if not r.submitted:
        short, prop = _reporting(r, plan, issuing)
        return Assessment([], short, prop)
    strengths, shortcomings, proposals = [], [], []
    if t["1"]:
        text = (f"Các cơ quan, đơn vị, địa phương đã chủ động triển khai công tác kiểm tra công vụ "
                f"với {n(t['1'])} cuộc kiểm tra")
        if t["1.2"]:
            text += f", trong đó có {n(t['1.2'])} cuộc kiểm tra đột xuất"
        if t["5"]:
            text += (f"; qua kiểm tra đã kịp thời phát hiện, chấn chỉnh {n(t['5'])} lượt vi phạm"
                     + (f" và xem xét, xử lý {n(t['6'])} người" if t["6"] else ""))
        strengths.append(text + ".")
    if _ok(d.get("R1")) and d["R1"] >= HIGH_RATE:
        strengths.append(f"Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trước hạn và đúng hạn "
                         f"đạt {vn_percent(d['R1'])} ({n(t['9.1'] + t['9.2'])} trên tổng số "
                         f"{n(t['9'])} hồ sơ đã giải quyết).")
    if _ok(d.get("R2")) and d["R2"] >= 50:
        strengths.append(f"Việc tiếp nhận hồ sơ trực tuyến được đẩy mạnh, chiếm {vn_percent(d['R2'])}"
                         " số hồ sơ tiếp nhận mới trong kỳ.")
    if r.count("on_time") == r.expected:
        strengths.append("Các cơ quan, đơn vị, địa phương gửi báo cáo đầy đủ, đúng thời hạn.")

    short, prop = _reporting(r, plan, issuing)
    shortcomings += short
    proposals += prop
    overdue = t["9.3"] + t["10.2"]
    if overdue:
        units = _top(r, ["9.3", "10.2"])
        shortcomings.append(
            f"Còn {n(t['9.3'])} hồ sơ giải quyết quá hạn và {n(t['10.2'])} hồ sơ đang giải quyết "
            f"quá hạn" + (f", nhiều nhất tại {join_names(units)}" if units else "") + ".")
        if t["12"] < overdue:
            shortcomings.append(f"Số phiếu xin lỗi và hẹn lại ngày trả kết quả đã ban hành "
                                f"({n(t['12'])} phiếu) còn ít hơn số hồ sơ quá hạn "
                                f"({n(overdue)} hồ sơ).")
        if units:
            proposals.append(f"Chỉ đạo {_whom(units, issuing)} rà soát, khắc phục tình trạng hồ sơ "
                             "thủ tục hành chính quá hạn, thực hiện đầy đủ việc xin lỗi và hẹn "
                             "lại ngày trả kết quả theo quy định.")
    low = _low_rates(r, "R1", d.get("R1"))
    if low:
        shortcomings.append(f"Tỷ lệ giải quyết hồ sơ trước hạn và đúng hạn của {join_names(low)} "
                            f"thấp hơn nhiều so với mức chung của tỉnh ({vn_percent(d['R1'])}).")
    if t["6.4"]:
        units = _top(r, ["6.4"])
        where = ("nhiều nhất tại " if _concerned(r, ["6.4"]) > len(units) else "tại ")
        shortcomings.append(f"Còn {n(t['6.4'])} người có vi phạm đang xem xét xử lý"
                            + (f", {where}{join_names(units)}" if units else "") + ".")
        whom = _whom(units, issuing) or "các cơ quan, đơn vị"
        if where.startswith("nhiều nhất"):
            whom = f"các cơ quan, đơn vị, địa phương còn người đang xem xét xử lý, nhất là {whom},"
        proposals.append(f"Chỉ đạo {whom} khẩn trương hoàn thành việc xem xét, xử lý "
                         f"{n(t['6.4'])} người có vi phạm, báo cáo kết quả về {issuing}.")
    if t["7"] and t["7.1"] < t["7"]:
        shortcomings.append(f"Mới có {n(t['7.1'])}/{n(t['7'])} kiến nghị sau kiểm tra được thực "
                            f"hiện xong ({vn_percent(d.get('R4'))}).")
    open_units, open_count, not_started = _open_kpkn(kpkn)
    if open_count:
        shortcomings.append(f"Còn {n(open_count)} tồn tại, kiến nghị sau kiểm tra chưa khắc phục "
                            f"xong, trong đó {n(not_started)} nội dung chưa khắc phục, tại "
                            f"{_whom(open_units, '', 'danh sách tại Phụ lục II')}.")
        whom = _whom(open_units, issuing, "danh sách tại Phụ lục II")
        if whom:
            proposals.append(f"Chỉ đạo {whom} khẩn trương khắc phục dứt điểm các tồn tại, kiến "
                             f"nghị sau kiểm tra, báo cáo kết quả về {issuing}.")
    failed = failed_units(dkt)
    if failed:
        shortcomings.append(f"Qua kiểm tra trực tiếp, Đoàn kiểm tra của tỉnh đã chỉ ra nội dung "
                            f"chưa đạt yêu cầu tại {join_names(failed)}.")
    if not proposals:
        proposals.append("Tiếp tục chỉ đạo các cơ quan, đơn vị, địa phương duy trì kỷ luật, kỷ cương "
                         "hành chính, thực hiện nghiêm chế độ báo cáo kết quả kiểm tra công vụ.")
    return Assessment(strengths, shortcomings, proposals)


def _open_kpkn(kpkn: RoundResult | None) -> tuple[list[str], int, int]:
    if kpkn is None or kpkn.items.empty or "KET_QUA" not in kpkn.items:
        return [], 0, 0
    open_rows = kpkn.items[kpkn.items["KET_QUA"] != "Đã khắc phục"]
    units = [reporting_name(kpkn.unit(c)) for c in dict.fromkeys(open_rows["unit"])]
    return units, len(open_rows), int((open_rows["KET_QUA"] == "Chưa khắc phục").sum())


def _low_rates(r: RoundResult, code: str, overall) -> list[str]:
    """Units whose rate is far below the province's (outliers)."""
    if not _ok(overall):
        return []
    rates = by_child(r, code)
    low = rates[rates < overall - OUTLIER_POINTS].sort_values()
    return child_names(r, low.index[:TOP_NAMED])


def cchc_assessment(r: RoundResult, plan: str, issuing: str, dkt: RoundResult | None = None,
                    previous: RoundResult | None = None, scopes=("CCHC", "Cả hai")) -> Assessment:
    t, d = r.totals, r.derived
    if not r.submitted:
        short, prop = _reporting(r, plan, issuing)
        return Assessment([], short, prop)
    strengths, shortcomings, proposals = [], [], []
    if t["2.KH"]:
        strengths.append(f"Các cơ quan, đơn vị, địa phương đã hoàn thành {n(t['2.HT'])}/"
                         f"{n(t['2.KH'])} nhiệm vụ cải cách hành chính theo kế hoạch (đạt "
                         f"{vn_percent(d.get('R1'))}); tổ chức {n(t['3'])} cuộc tự kiểm tra công "
                         "tác cải cách hành chính.")
    for code, text in (("8", "Tỷ lệ hài lòng của người dân, doanh nghiệp bình quân đạt"),
                       ("9", "Tỷ lệ văn bản đi được ký số, gửi nhận điện tử bình quân đạt")):
        if _ok(t.get(code)) and t[code] >= 90:
            strengths.append(f"{text} {vn_percent(t[code])}.")
    short, prop = _reporting(r, plan, issuing)
    shortcomings += short
    proposals += prop
    if t["2.KH"] and t["2.HT"] < t["2.KH"]:
        shortcomings.append(f"Còn {n(t['2.DTH'])} nhiệm vụ đang thực hiện và {n(t['2.CTH'])} "
                            "nhiệm vụ chưa thực hiện theo kế hoạch.")
    falling = _falling(r, previous)
    low = _low_rates(r, "R1", d.get("R1"))
    if falling:
        shortcomings.append("Tỷ lệ hoàn thành nhiệm vụ cải cách hành chính giảm so với năm trước "
                            f"tại {join_names(falling)}.")
    if low:
        shortcomings.append(f"Tỷ lệ hoàn thành nhiệm vụ của {join_names(low)} thấp hơn nhiều so "
                            f"với mức chung ({vn_percent(d.get('R1'))}).")
    lagging = [x for x in dict.fromkeys(falling + low) if x != issuing]
    if lagging:
        proposals.append(f"Chỉ đạo {_whom(lagging, issuing)} tập trung hoàn thành các nhiệm vụ cải "
                         "cách hành chính còn chậm, khắc phục tồn tại, hạn chế.")
    if t["4"] and t["4.1"] < t["4"]:
        shortcomings.append(f"Còn {n(t['4'] - t['4.1'])} tồn tại, hạn chế phát hiện qua tự kiểm tra "
                            "chưa được khắc phục.")
    failed = failed_units(dkt, scopes)
    if failed:
        shortcomings.append("Qua kiểm tra trực tiếp, Đoàn kiểm tra của tỉnh đã chỉ ra nội dung chưa "
                            f"đạt yêu cầu về cải cách hành chính tại {join_names(failed)}.")
        proposals.append(f"Chỉ đạo {_whom(failed, issuing)} khắc phục các nội dung chưa đạt qua kiểm "
                         f"tra trực tiếp, báo cáo kết quả về {issuing}.")
    if not proposals:
        proposals.append("Tiếp tục chỉ đạo các cơ quan, đơn vị, địa phương đẩy mạnh cải cách hành "
                         "chính, nâng cao hiệu quả quản trị và hành chính công.")
    return Assessment(strengths, shortcomings, proposals)


def _falling(r: RoundResult, previous: RoundResult | None) -> list[str]:
    """Units whose task completion rate is lower than in the previous year's round."""
    if previous is None:
        return []
    now, before = by_child(r, "R1"), by_child(previous, "R1")
    common_codes = [c for c in now.index if c in before.index]
    fell = [(now[c] - before[c], c) for c in common_codes if now[c] < before[c]]
    return child_names(r, [c for _, c in sorted(fell)][:TOP_NAMED])
