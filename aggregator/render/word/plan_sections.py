"""The plan's standard sections of a results report: "công tác chỉ đạo, triển khai" (from the
office's settings, a visible "…" where it has not filled them in) and "phương hướng, nhiệm vụ" (the
plan's next rounds and their deadlines, then the tasks the office configured)."""

from __future__ import annotations

from datetime import date

from aggregator.consolidate import RoundResult
from aggregator.render.word.report_context import lower_first, n
from aggregator.vn_format import short_date as vn_short_date
from aggregator.workspace.config import Config

BLANK = "…"  # printed where the office has not configured a value: filled by hand, never guessed


def direction_paragraphs(r: RoundResult, config: Config) -> list[str]:
    d = config.direction
    number = d.team_decision_number.strip() or BLANK
    day = vn_short_date(d.team_decision_date) if d.team_decision_date else BLANK
    plans = n(d.self_inspection_plans) if d.self_inspection_plans is not None else BLANK
    return [
        f"Thực hiện Kế hoạch số {config.plan_number} ngày {vn_short_date(config.plan_date)} của UBND "
        f"tỉnh {config.province_name}, Đoàn kiểm tra của tỉnh được thành lập theo Quyết định số "
        f"{number} ngày {day}; {config.issuing_body_name} đã ban hành biểu mẫu báo cáo thống nhất, "
        "hướng dẫn các cơ quan, đơn vị, địa phương tổ chức tự kiểm tra và báo cáo kết quả.",
        f"Có {plans}/{n(r.expected)} cơ quan, đơn vị, địa phương đã ban hành kế hoạch tự kiểm tra "
        f"{lower_first(r.period.label)}.",
    ]


def next_rounds(config: Config, after: date, titles: dict[str, str]) -> list[str]:
    """One sentence per round of the plan whose deadline falls after `after`, soonest first."""
    out = []
    for rc in sorted(config.rounds, key=lambda x: x.deadline):
        if rc.deadline <= after or not rc.submitters:
            continue
        title = titles.get(rc.form, rc.form)
        out.append(f"Các cơ quan, đơn vị, địa phương gửi báo cáo {lower_first(title)} "
                   f"{lower_first(rc.parsed_period.label)} về {config.issuing_body_name} "
                   f"{rc.deadline_text}.")
    return out


def next_tasks(r: RoundResult, config: Config, report_date: date,
               titles: dict[str, str]) -> list[str]:
    after = max(report_date, r.round.deadline)
    tasks = next_rounds(config, after, titles)
    tasks += [t.strip().rstrip(".") + "." for t in config.direction.next_tasks if t.strip()]
    tasks.append(f"{config.issuing_body_name} tiếp tục theo dõi, đôn đốc các cơ quan, đơn vị, địa "
                 "phương khắc phục tồn tại, hạn chế sau kiểm tra; tổng hợp, báo cáo UBND tỉnh "
                 "theo quy định.")
    return tasks
