"""Help screens and command-line mistakes in Vietnamese.

typer and click write their own screens in English ("Usage:", "Options", "Missing option
'--unit'", `<bool>`, `<list[Path]>`). The commands here are built from subclasses of typer's
command and group classes (typer's supported `cls=` hook) that draw the help themselves and turn
click's usage errors, told apart by their exception class, into one Vietnamese line (exit 2).
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Sequence
from typing import Any

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

try:  # typer ≥ 0.22 carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer, on click itself
    from click import exceptions as click_errors

USAGE = "Cách dùng: "
OPTIONS_METAVAR = "[TÙY CHỌN]"
COMMAND_METAVAR = "LỆNH [...]"
VALUE_METAVAR = "GIÁ-TRỊ"
HELP_HELP = "Xem hướng dẫn này rồi thoát."
REQUIRED = "(bắt buộc)"
ARGUMENTS_TITLE = "Tham số"
OPTIONS_TITLE = "Tùy chọn"
COMMANDS_TITLE = "Lệnh"
MAX_WIDTH = 100


class VietnameseUsageError(click_errors.UsageError):
    """A usage mistake whose message is already Vietnamese."""


def _is_argument(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "argument"


def _argument_name(param: Any) -> str:
    name = param.metavar or param.name.upper()
    return f"{name}..." if param.nargs != 1 else name


def _option_names(param: Any) -> str:
    names = ", ".join([*param.opts, *param.secondary_opts])
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return names
    return f"{names} {param.metavar or VALUE_METAVAR}"


def _help_of(param: Any) -> str:
    text = getattr(param, "help", None) or ""
    return f"{text} {REQUIRED}".strip() if param.required else text


def _panel(title: str, rows: list[tuple[str, str]]) -> Panel:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for name, text in rows:
        table.add_row(escape(name), escape(text))
    return Panel(table, title=title, title_align="left", border_style="dim")


def _render(parts: list) -> str:
    width = min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)
    buffer = io.StringIO()
    Console(file=buffer, width=width, highlight=False, color_system=None,
            force_terminal=False, legacy_windows=False).print(Group(*parts))
    return buffer.getvalue()


class _Vietnamese:
    """Help, usage line and usage errors in Vietnamese, for a typer command or group."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [OPTIONS_METAVAR]
        for param in self.get_params(ctx):
            if _is_argument(param):
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=USAGE)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_HELP
        return option

    def help_panels(self, ctx: Any) -> list:
        params = [p for p in self.get_params(ctx) if not getattr(p, "hidden", False)]
        arguments = [(_argument_name(p), _help_of(p)) for p in params if _is_argument(p)]
        options = [(_option_names(p), _help_of(p)) for p in params if not _is_argument(p)]
        panels = []
        if arguments:
            panels.append(_panel(ARGUMENTS_TITLE, arguments))
        if options:
            panels.append(_panel(OPTIONS_TITLE, options))
        return panels

    def format_help(self, ctx: Any, formatter: Any) -> None:
        parts: list = [Padding(escape(f"{USAGE}{ctx.command_path} "
                                      f"{' '.join(self.collect_usage_pieces(ctx))}"), (1, 1))]
        if self.help:
            parts.append(Padding(escape(self.help.strip()), (0, 1, 1, 1)))
        parts += self.help_panels(ctx)
        formatter.write(_render(parts))

class VietnameseCommand(_Vietnamese, TyperCommand):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.allow_extra_args = True  # said here in Vietnamese, not by click in English
        try:
            rest = super().parse_args(ctx, args)
        except click_errors.UsageError as exc:  # the parser's errors come without their command
            if exc.ctx is None:
                exc.ctx, exc.cmd = ctx, self
            raise
        if rest and not ctx.resilient_parsing:
            raise VietnameseUsageError(f"Thừa {', '.join(f'“{a}”' for a in rest)}: lệnh "
                                       f"{ctx.info_name} không nhận thêm giá trị này.", ctx)
        return rest


class VietnameseGroup(_Vietnamese, TyperGroup):
    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [OPTIONS_METAVAR, COMMAND_METAVAR]

    def help_panels(self, ctx: Any) -> list:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, (command.help or "").strip().split("\n\n")[0]))
        return super().help_panels(ctx) + ([_panel(COMMANDS_TITLE, rows)] if rows else [])

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if self.get_command(ctx, args[0]) is None and not args[0].startswith("-") \
                and not ctx.resilient_parsing:
            raise VietnameseUsageError(f"Không có lệnh “{args[0]}”. Các lệnh: "
                                       f"{', '.join(self.list_commands(ctx))}.", ctx)
        return super().resolve_command(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """click's `main`, its usage errors said in one Vietnamese line (exit status 2)."""
        try:
            value = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:  # the bare command: its help
            print(exc.format_message())
            code = 2
        except click_errors.UsageError as exc:
            _say(usage_message(exc))
            code = 2
        except typer.Abort:
            _say("Đã dừng.")
            code = 1
        except click_errors.ClickException as exc:  # pragma: no cover - no file parameters here
            _say("Không thực hiện được lệnh (tham số không đúng).")
            code = exc.exit_code
        else:
            if not standalone_mode:
                return value
            code = value if isinstance(value, int) else 0
        if not standalone_mode:
            return code
        sys.exit(code)


def _say(message: str) -> None:
    Console(stderr=True, highlight=False).print(f"[red]Lỗi:[/] {escape(message)}", soft_wrap=True)


def _hint(param: Any) -> str:
    if param is None:
        return ""
    if _is_argument(param):
        return param.metavar or param.name.upper()
    return " (".join(param.opts) + (")" if len(param.opts) > 1 else "")


def _option(ctx: Any, name: str) -> Any:
    command = getattr(ctx, "command", None)
    return next((p for p in (command.get_params(ctx) if command else [])
                 if name in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))), None)


def usage_message(exc: Exception) -> str:
    """One Vietnamese line for a usage mistake, ending with where the help is."""
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    if isinstance(exc, VietnameseUsageError):
        message = str(exc)
    elif isinstance(exc, click_errors.NoSuchOption):
        message = f"Không có tùy chọn “{exc.option_name}”."
        if exc.possibilities:
            message += f" Có phải ý là: {', '.join(sorted(exc.possibilities))}?"
    elif isinstance(exc, click_errors.MissingParameter):
        kind = "tham số" if _is_argument(param) else "tùy chọn"
        help_text = getattr(param, "help", None)
        message = f"Thiếu {kind} bắt buộc {_hint(param)}" + (f": {help_text}" if help_text
                                                             else ".")
    elif isinstance(exc, click_errors.BadOptionUsage):
        option = _option(ctx, exc.option_name)
        if option is not None and getattr(option, "is_flag", False):
            message = (f"Tùy chọn {exc.option_name} không nhận giá trị: chỉ cần viết "
                       f"{exc.option_name}.")
        else:
            value = f" ({option.metavar})" if option is not None and option.metavar else ""
            message = f"Tùy chọn {exc.option_name} cần một giá trị{value} viết ngay sau nó."
    elif isinstance(exc, click_errors.BadParameter):
        message = f"Giá trị của {_hint(param) or 'tham số'} không hợp lệ."
    else:
        message = "Lệnh viết chưa đúng."
    if ctx is not None:
        message += f" Xem hướng dẫn: {ctx.command_path} --help"
    return message


class VietnameseTyper(typer.Typer):
    """A typer application whose screens are all Vietnamese."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", VietnameseGroup)
        kwargs.setdefault("add_completion", False)
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", COMMAND_METAVAR)
        kwargs.setdefault("context_settings", {"help_option_names": ["--help", "-h"]})
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", VietnameseCommand)
        return super().command(*args, **kwargs)
