"""One configuration object, loaded from <workspace>/aggregator.toml over the embedded defaults."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aggregator.periods import Period, parse_period
from aggregator.read.guard import Limits
from aggregator.units.registry import LEVELS, UnitRegistry
from aggregator.vn_format import short_date, window_text
from aggregator.workspace import settings
from aggregator.workspace.config_errors import located, toml_syntax_message, validation_message


class ConfigError(ValueError):
    """The workspace configuration cannot be used; the message is for the user (Vietnamese)."""


class RoundConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    form: str
    period: str
    window_start: date
    window_end: date
    deadline: date
    # "before": the plan says "trước ngày D" (late from D); "by": "chậm nhất ngày D" (late from D+1).
    deadline_wording: Literal["before", "by"] = "before"
    # unit levels or groups expected to send this form; empty: nobody is expected
    submitters: tuple[str, ...] = ("agency", "district")
    timeliness: bool = True  # False: files are never late (e.g. direct inspection records)

    @property
    def parsed_period(self) -> Period:
        parsed = parse_period(self.period)
        if parsed is None:
            raise ConfigError(f"Kỳ báo cáo không hợp lệ trong cấu hình: {self.period!r}")
        return parsed

    @property
    def late_from(self) -> date:
        return self.deadline if self.deadline_wording == "before" else self.deadline + timedelta(1)

    def is_late(self, received: date) -> bool:
        """The one timeliness rule (ingest and the round tables both ask here): received on or
        after `late_from`, in the plan's time zone, for a round that counts timeliness at all."""
        return self.timeliness and received >= self.late_from

    @property
    def deadline_text(self) -> str:
        day = f"ngày {short_date(self.deadline)}"  # as the plan writes it: "trước ngày 15/6/2024"
        return f"trước {day}" if self.deadline_wording == "before" else f"chậm nhất {day}"

    @property
    def window_text(self) -> str:
        """Nghị định 09/2019: 'Số liệu tính từ ngày 15/12/2023 đến ngày 14/6/2024'."""
        return window_text(self.window_start, self.window_end)

    @property
    def key(self) -> tuple[str, str]:
        return (self.form, self.parsed_period.code)


class Signer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    authority: str = "KT. GIÁM ĐỐC"
    position: str = "PHÓ GIÁM ĐỐC"
    name: str = ""


class Direction(BaseModel):
    """What the office fills in for the reports' "công tác chỉ đạo, triển khai" and "phương hướng,
    nhiệm vụ" sections; unset values print as a visible "…" in the report, never a guess."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The decision setting up the provincial inspection team (Quyết định thành lập Đoàn kiểm tra).
    team_decision_number: str = ""
    team_decision_date: date | None = None
    # How many units issued their own self-inspection plan (kế hoạch tự kiểm tra).
    self_inspection_plans: int | None = Field(default=None, ge=0)
    # Tasks of the next period, one sentence each, printed after the next rounds and deadlines.
    next_tasks: tuple[str, ...] = ()


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    province_code: str = "19"
    # The consolidating unit: the province, or a district consolidating its communes. Expected
    # units are the submitters below it in the unit list.
    owner: str = "19"
    province_name: str = "Thái Nguyên"
    parent_body: str = "UBND TỈNH THÁI NGUYÊN"
    issuing_body: str = "SỞ NỘI VỤ"
    issuing_code: str = "SNV"
    issuing_body_name: str = "Sở Nội vụ"  # as written inside a sentence
    place: str = "Thái Nguyên"
    recipient: str = "Ủy ban nhân dân tỉnh Thái Nguyên"
    # The CCHC annual report goes to the Chairman (Kế hoạch 220, II.2.3.c).
    cchc_recipient: str = "Chủ tịch Ủy ban nhân dân tỉnh Thái Nguyên"
    plan_number: str = "220/KH-UBND"
    plan_date: date = date(2023, 12, 19)
    plan_title: str = (
        "Kiểm tra công vụ; kiểm tra công tác cải cách hành chính, nâng cao hiệu quả quản trị "
        "và hành chính công tỉnh Thái Nguyên năm 2024"
    )
    copies_to: tuple[str, ...] = (
        "UBND tỉnh (b/c)",
        "Giám đốc Sở Nội vụ",
        "Các sở, ban, ngành; UBND các huyện, thành phố",
    )
    archive_code: str = "VT, CCHC"
    signer: Signer = Signer()
    direction: Direction = Direction()
    units_file: Path | None = None
    # Intake safety (see aggregator/read/guard.py).
    max_file_mb: int = Field(default=50, ge=1)
    max_unzipped_mb: int = Field(default=300, ge=1)
    settle_seconds: float = Field(default=1.0, ge=0)  # a file still changing this long is skipped
    # "mtime": received = when the unit last saved the file (kept through e-mail and USB copies);
    # "arrival": received = when a run first saw it in the inbox.
    received_time: Literal["mtime", "arrival"] = "mtime"
    # The plan's time zone: file times and "now" are read in it, whatever the machine's clock says.
    timezone: str = "Asia/Ho_Chi_Minh"
    # Annotated copies of units' workbooks in outbox/phan-hoi/: for every file with an issue
    # ("all"), or only for rejected files ("errors", e.g. for a ministry-wide roll-up).
    feedback_copies: Literal["all", "errors"] = "all"
    rounds: tuple[RoundConfig, ...] = Field(
        default_factory=lambda: tuple(RoundConfig.model_validate(r) for r in settings.DEFAULT_ROUNDS)
    )

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"Múi giờ “{self.timezone}” trong cấu hình không hợp lệ; hãy ghi "
                              "theo dạng “Asia/Ho_Chi_Minh”.") from exc

    @property
    def limits(self) -> Limits:
        return Limits(max_file_bytes=self.max_file_mb * 1024 * 1024,
                      max_unzipped_bytes=self.max_unzipped_mb * 1024 * 1024)

    def round_for(self, form: str, period: Period) -> RoundConfig | None:
        for r in self.rounds:
            if r.form == form and r.parsed_period == period:
                return r
        return None


def _config_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # Notepad may write a byte-order mark
    except UnicodeDecodeError as exc:
        raise ConfigError(f"Tệp cấu hình {path} không lưu dạng UTF-8 (dòng có chữ tiếng Việt bị "
                          "lỗi mã). Hãy mở bằng Notepad, chọn Lưu thành (Save As), mục Encoding "
                          "chọn UTF-8, rồi chạy lại.") from exc


def load_config(workspace: Path) -> Config:
    path = workspace / settings.CONFIG_FILE
    if not path.exists():
        return Config()
    text = _config_text(path)
    try:
        config = Config.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_syntax_message(path, text, exc)) from exc
    except ValidationError as exc:
        raise ConfigError(validation_message(path, text, exc, Config)) from exc
    for i, r in enumerate(config.rounds):
        if parse_period(r.period) is None:
            raise ConfigError(located(path, text, ("rounds", i, "period"),
                                      f"kỳ báo cáo “{r.period}” không hợp lệ; cần dạng NĂM-H1 "
                                      "(6 tháng đầu năm) hoặc NĂM-Y (cả năm), ví dụ 2024-Y."))
    if config.units_file is not None and not config.units_file.is_absolute():
        config = config.model_copy(update={"units_file": workspace / config.units_file})
    return config


def check_references(workspace: Path, config: Config, forms: set[str],
                     units: UnitRegistry) -> None:
    """The consolidating unit is in the unit list; every round names a known form, and submitters
    that match a unit level or group (a typo there would silently leave those units out)."""
    path = workspace / settings.CONFIG_FILE
    text = _config_text(path) if path.exists() else ""
    if units.get(config.owner) is None:
        raise ConfigError(located(path, text, ("owner",),
                                  f"đơn vị tổng hợp “{config.owner}” (owner) không có trong danh "
                                  "mục đơn vị; hãy ghi mã của tỉnh hoặc huyện tổng hợp, ví dụ "
                                  f"“{config.province_code}”."))
    groups = sorted({u.group for u in units.units if u.group})
    for i, r in enumerate(config.rounds):
        if r.form not in forms:
            raise ConfigError(located(path, text, ("rounds", i, "form"),
                                      f"biểu “{r.form}” trong [[rounds]] không có; các biểu: "
                                      f"{', '.join(sorted(forms))}."))
        unknown = [s for s in r.submitters if s not in LEVELS and s not in groups]
        if unknown:
            raise ConfigError(located(
                path, text, ("rounds", i, "submitters"),
                f"submitters có “{', '.join(unknown)}” không phải cấp hay nhóm đơn vị nào; "
                f"các cấp: {', '.join(LEVELS)}; các nhóm trong danh mục: {', '.join(groups)}."))
