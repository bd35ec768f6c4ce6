"""`antrian demo` runs a whole office on one PC; `antrian doctor` checks an installation."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antrian", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    doctor = commands.add_parser(
        "doctor", help="check this PC's Antrian setup and explain problems"
    )
    doctor.add_argument("--config", help="antrian.toml to check (default: searched)")
    doctor.add_argument("--language", choices=["id", "en"], default="id")
    doctor.add_argument(
        "--discovery-timeout", type=float, default=3.0, help="seconds to look for the server"
    )
    demo = commands.add_parser(
        "demo", help="server, kiosk, three counters and the display on this PC"
    )
    demo.add_argument("--out", help="folder for the demo's data, tickets and screenshots")
    demo.add_argument(
        "--offscreen", action="store_true", help="no windows: save screenshots instead"
    )
    demo.add_argument("--seconds", type=float, default=0, help="stop after this long (0: Ctrl+C)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if arguments.command == "doctor":
        from launcher.doctor import doctor

        return doctor(arguments.config, arguments.language, arguments.discovery_timeout)
    from launcher.demo import run_demo

    return run_demo(arguments.out, arguments.offscreen, arguments.seconds)


if __name__ == "__main__":
    sys.exit(main())
