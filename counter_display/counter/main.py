"""antrian-counter: composition root of the counter terminal (config, Qt, ServerLink, window)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from client.config import ClientConfig, load_config
from client.errors import ConfigError
from counter_display.startup_error import report_startup_error

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from client.qt_bridge import ServerLink
    from counter_display.counter.window import CounterWindow

logger = logging.getLogger(__name__)

COUNTER_OPTIONS: dict[str, type | tuple[type, ...]] = {
    "counter": int,
    "stay_on_top": bool,
}
"""The [counter] section's own keys, besides server, token, language and discovery."""


@dataclass(frozen=True, slots=True)
class CounterSettings:
    """The counter terminal's settings from the [counter] section."""

    client: ClientConfig
    counter: int | None  # None: not configured; a pairing gives it with the token
    stay_on_top: bool


def load_settings(path: str | None) -> CounterSettings:
    """Read [counter] from antrian.toml (and the environment); ConfigError if incomplete.

    Without a token the terminal pairs at start (the supervisor chooses the loket), so
    only a configured token needs a configured counter number.
    """
    config = load_config("counter", path, options=COUNTER_OPTIONS)
    counter = config.options.get("counter")
    if counter is not None and (not isinstance(counter, int) or counter < 1):
        raise ConfigError("counter.counter: set the number of this loket, e.g. counter = 2")
    if config.token and counter is None:
        raise ConfigError("counter.counter: set the number of this loket, e.g. counter = 2")
    return CounterSettings(
        client=config,
        counter=counter,
        stay_on_top=bool(config.options.get("stay_on_top", False)),
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: --config and --verbose."""
    parser = argparse.ArgumentParser(prog="antrian-counter", description=__doc__)
    parser.add_argument("--config", help="path of antrian.toml (default: search)")
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the counter terminal; returns the exit code."""
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(arguments.config)
    except ConfigError as exc:
        report_startup_error("antrian-counter", str(exc))
        return 2

    from counter_display.first_start import CounterStart

    application = make_application()
    start = CounterStart(settings, lambda widget: widget.show())
    start.begin()
    try:
        return application.exec()
    except Exception:
        logger.exception("the counter terminal stopped on an unexpected error")
        return 1
    finally:
        start.stop()


def start_after_first_frame(link: ServerLink, window: CounterWindow) -> None:
    """Connect to the server once the window is on screen (not before: see first_frame)."""
    from client.first_frame import after_first_frame

    after_first_frame(window, link.start)


def make_application() -> QApplication:
    # Qt is imported here so that a config error is reported without loading Qt.
    from PySide6.QtWidgets import QApplication

    from client.pyside_fix import apply_reference_fix, collect_garbage_on_main_thread

    apply_reference_fix()
    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)
    collect_garbage_on_main_thread(application)
    application.setApplicationName("antrian-counter")
    return application


def build_window(settings: CounterSettings) -> tuple[ServerLink, CounterWindow]:
    """The ServerLink (not started) and the window (not shown) of a terminal with a token."""
    from PySide6.QtCore import Qt

    from client.qt_bridge import ServerLink
    from counter_display.counter.window import CounterWindow

    assert settings.counter is not None
    link = ServerLink.from_config(settings.client)
    window = CounterWindow(link, settings.counter, settings.client.language)
    if settings.stay_on_top:
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    return link, window


def build(settings: CounterSettings) -> tuple[QApplication, ServerLink, CounterWindow]:
    """The QApplication, the ServerLink (not started) and the window (not shown)."""
    application = make_application()
    link, window = build_window(settings)
    return application, link, window


if __name__ == "__main__":
    sys.exit(main())
