"""antrian-printer: print a test ticket or show the health of the configured printer."""

from __future__ import annotations

import argparse
import logging
import sys
import tomllib
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from printer_drivers.base import PrinterStatus, TicketPrinter
from printer_drivers.config import DEFAULT_PREVIEW_DIR, PrinterType, load_printer_config
from printer_drivers.errors import PrinterError
from printer_drivers.factory import open_printer
from printer_drivers.preview import PreviewPrinter
from printer_drivers.ticket import Language, TicketData

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = Path("antrian.toml")
DEFAULT_OFFICE = "Kantor Kecamatan"
DEFAULT_TIMEZONE = "Asia/Jakarta"
EXIT_OK = 0
EXIT_PRINTER_PROBLEM = 1
EXIT_CONFIG_PROBLEM = 2
SAMPLE_FOOTER = {
    Language.INDONESIAN: "Tiket uji cetak - bukan nomor antrian",
    Language.ENGLISH: "Test print - not a queue ticket",
}
# The kiosk formats waits and dates with client.formatting, which this package may not
# import: the test print carries a fixed wait and the time as numbers.
SAMPLE_WAIT = {Language.INDONESIAN: "± 15 menit", Language.ENGLISH: "about 15 minutes"}


class ConfigProblem(Exception):
    """The config file cannot be used; the message says what to fix."""


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface; the options go before or after the command."""
    parser = argparse.ArgumentParser(prog="antrian-printer", description=__doc__)
    _add_options(parser, defaults=True)
    # SUPPRESS: an option not repeated after the command keeps what was given before it
    options = argparse.ArgumentParser(add_help=False)
    _add_options(options, defaults=False)
    commands = parser.add_subparsers(dest="command", required=True)
    test = commands.add_parser("test", help="print a sample ticket", parents=[options])
    test.add_argument("--language", choices=[language.value for language in Language], default="id")
    test.add_argument("--priority", action="store_true", help="print a priority ticket")
    commands.add_parser(
        "status", help="show whether the printer is online and has paper", parents=[options]
    )
    return parser


def _add_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    suppress = argparse.SUPPRESS
    parser.add_argument(
        "--config",
        type=Path,
        default=None if defaults else suppress,
        help=f"Antrian config file with a [printer] table (default: ./{DEFAULT_CONFIG} if present)",
    )
    parser.add_argument(
        "--preview-dir",
        type=Path,
        default=DEFAULT_PREVIEW_DIR if defaults else suppress,
        help=f"folder for preview PNGs without a printer (default: {DEFAULT_PREVIEW_DIR})",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=False if defaults else suppress,
        help="log what the driver does",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the antrian-printer console script."""
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if arguments.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,  # a library may have configured the root logger on import
    )
    try:
        document = read_config(arguments.config)
        config = load_printer_config(_table(document, "printer"), arguments.preview_dir)
        zone = _office_zone(document)
        printer = open_printer(config)
    except (ConfigProblem, PrinterError) as problem:
        return _fail(str(problem), EXIT_CONFIG_PROBLEM)
    try:
        with printer:
            if arguments.command == "test":
                ticket = sample_ticket(
                    _office_name(document), zone, Language(arguments.language), arguments.priority
                )
                return print_test(printer, ticket, config.type)
            return show_status(printer)
    except Exception as error:  # the command's outermost boundary: report, never a traceback
        logger.exception("unexpected error")
        return _fail(f"unexpected error: {error}", EXIT_PRINTER_PROBLEM)


def read_config(path: Path | None) -> Mapping[str, object]:
    """The whole TOML document; none at the default place means built-in defaults."""
    if path is None:
        if not DEFAULT_CONFIG.exists():
            return {}
        path = DEFAULT_CONFIG
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigProblem(f"config file {path} not found") from None
    except OSError as exc:
        raise ConfigProblem(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigProblem(f"config file {path} is not valid TOML: {exc}") from None


def sample_ticket(office: str, zone: ZoneInfo, language: Language, priority: bool) -> TicketData:
    """A realistic ticket marked as a test print."""
    english = language is Language.ENGLISH
    now = datetime.now(zone).replace(microsecond=0)
    abbreviation = now.tzname() or ""
    if not abbreviation.isalpha():
        abbreviation = ""  # zones without an abbreviation give "+07"; leave it out
    clock = f"{now:%H}{':' if english else '.'}{now:%M} {abbreviation}"
    return TicketData(
        office_name=office,
        service_name="Population Administration" if english else "Administrasi Kependudukan",
        number="A001",
        priority=priority,
        people_ahead=3,
        wait_text=SAMPLE_WAIT[language],
        issued_at=now,
        issued_text=f"{now:%Y-%m-%d} {clock}".rstrip(),
        check_url="http://antrian.local:8470/t/0?key=test-print",
        footer=SAMPLE_FOOTER[language],
        language=language,
    )


def print_test(printer: TicketPrinter, ticket: TicketData, kind: PrinterType) -> int:
    """Print the sample; one line on success, one line saying what to fix on failure."""
    try:
        result = printer.print_ticket(ticket)
    except PrinterError as error:
        return _fail(str(error), EXIT_PRINTER_PROBLEM)
    if isinstance(printer, PreviewPrinter):
        prefix = "no printer configured: " if kind is PrinterType.PREVIEW else ""
        print(f"{prefix}wrote the test ticket to {result.preview_path}")
    else:
        print(
            f"printed test ticket {result.number} on {printer.description} "
            f"({result.bytes_sent} bytes in {result.duration_s:.2f} s)"
        )
    if result.status is not None and result.status.error:
        print(f"warning: {result.status.error}")
    return EXIT_OK


def show_status(printer: TicketPrinter) -> int:
    """Print the health report; exit non-zero with the fix when not ready."""
    status = printer.status()
    print(f"printer: {printer.description}")
    for line in describe_status(status):
        print(line)
    if not status.ready:
        return _fail(status.error or "printer is not ready", EXIT_PRINTER_PROBLEM)
    return EXIT_OK


def describe_status(status: PrinterStatus) -> list[str]:
    """Human-readable lines for a status."""
    cover = {None: "unknown", True: "open", False: "closed"}[status.cover_open]
    lines = [
        f"online: {'yes' if status.online else 'no'}",
        f"paper: {status.paper.value.replace('_', ' ')}",
        f"cover: {cover}",
    ]
    if not status.answered and status.online:
        lines.append("(the printer does not report paper or cover; real-time status is off)")
    if status.ready:
        lines.append("ready" if not status.error else f"ready, but {status.error}")
    return lines


def _table(document: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = document.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigProblem(f"{key}: expected a table")
    return value


def _office_name(document: Mapping[str, object]) -> str:
    name = _table(document, "office").get("name", DEFAULT_OFFICE)
    return name if isinstance(name, str) and name.strip() else DEFAULT_OFFICE


def _office_zone(document: Mapping[str, object]) -> ZoneInfo:
    name = _table(document, "office").get("timezone", DEFAULT_TIMEZONE)
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigProblem(f"office.timezone: unknown time zone {name!r}") from None


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
