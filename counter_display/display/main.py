"""antrian-display: the waiting-room TV display (composition root)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from client.config import ClientConfig, OptionTypes, load_config
from client.errors import ConfigError
from client.first_frame import after_first_frame
from client.pairing import DeviceGrant
from client.pyside_fix import apply_reference_fix, collect_garbage_on_main_thread
from client.qt_bridge import ServerLink
from counter_display.display.announcer import Announcer
from counter_display.display.audio_player import AnnouncementPlayer
from counter_display.display.controller import DisplayController
from counter_display.display.presenter import DisplayUpdate
from counter_display.display.window import DEFAULT_HIGHLIGHT_S, DisplayWindow
from counter_display.startup_error import report_startup_error
from qt_common.first_start import FirstStart, ShowWindow

logger = logging.getLogger(__name__)

DEFAULT_ASSETS_DIR: Final = Path(__file__).resolve().parents[2] / "assets"
VOICE_LANGUAGES: Final = ("id", "en")
MAX_HIGHLIGHT_S: Final = 60.0
DISPLAY_OPTIONS: Final[OptionTypes] = {
    "ticker": str,
    "voice_languages": list,
    "announce": bool,
    "chime": bool,
    "highlight_s": (int, float),
    "fullscreen": bool,
    "assets_dir": str,
    "voice_override_dir": str,
}


@dataclass(frozen=True, slots=True)
class DisplaySettings:
    """The ``[display]`` options of antrian.toml, checked, with their defaults."""

    ticker: str = ""
    voice_languages: tuple[str, ...] = ("id",)
    announce: bool = True
    chime: bool = True
    highlight_s: float = DEFAULT_HIGHLIGHT_S
    fullscreen: bool = True
    assets_dir: Path = DEFAULT_ASSETS_DIR
    voice_override_dir: Path | None = None


def display_settings(options: Mapping[str, object]) -> DisplaySettings:
    """Check the display's own options (types are checked by ``load_config`` already)."""
    languages = options.get("voice_languages", ["id"])
    assert isinstance(languages, list)
    if not languages or any(language not in VOICE_LANGUAGES for language in languages):
        raise ConfigError('display.voice_languages: expected a list like ["id"] or ["id", "en"]')
    highlight_s = float(options.get("highlight_s", DEFAULT_HIGHLIGHT_S))  # type: ignore[arg-type]
    if not 0 <= highlight_s <= MAX_HIGHLIGHT_S:
        raise ConfigError(f"display.highlight_s: expected 0-{MAX_HIGHLIGHT_S:g} seconds")
    override = options.get("voice_override_dir")
    return DisplaySettings(
        ticker=str(options.get("ticker", "")),
        voice_languages=tuple(str(language) for language in languages),
        announce=bool(options.get("announce", True)),
        chime=bool(options.get("chime", True)),
        highlight_s=highlight_s,
        fullscreen=bool(options.get("fullscreen", True)),
        assets_dir=Path(str(options.get("assets_dir", DEFAULT_ASSETS_DIR))).expanduser(),
        voice_override_dir=Path(str(override)).expanduser() if override else None,
    )


class Display(QObject):
    """The display's parts put together: link, window, player, controller."""

    def __init__(
        self,
        config: ClientConfig,
        settings: DisplaySettings,
        *,
        use_audio_device: bool = True,
        link: ServerLink | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.link = link or ServerLink.from_config(config, parent=self)
        self.window = DisplayWindow(config.language, settings.ticker, settings.highlight_s)
        self.player: AnnouncementPlayer | None = None
        if settings.announce:
            announcer = Announcer(
                settings.assets_dir / "voice",
                languages=settings.voice_languages,
                override_dir=settings.voice_override_dir,
                chime=settings.chime,
            )
            missing = announcer.missing_clips()
            if missing:
                logger.warning("%d voice clips missing, e.g. %s", len(missing), missing[0])
            self.player = AnnouncementPlayer(
                announcer, parent=self, use_audio_device=use_audio_device
            )
        self.controller = DisplayController(self.link, self.window, self.player, parent=self)

    def start(self) -> None:
        """Connect to the server and load the audio code (after the first frame)."""
        self.link.start()
        if self.player is not None:
            self.player.prepare()

    def stop(self) -> None:
        """Stop the voice and the link (before the application quits)."""
        if self.player is not None:
            self.player.stop()
        self.link.stop()


def _parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="antrian-display", description=__doc__)
    parser.add_argument("--config", help="antrian.toml to read (default: searched)")
    parser.add_argument("--windowed", action="store_true", help="a window, not full screen")
    parser.add_argument("--size", default="1280x720", help="window size when windowed: WxH")
    parser.add_argument("--no-sound", action="store_true", help="never open the audio output")
    parser.add_argument(
        "--exit-after-start",
        action="store_true",
        help="quit once the office state is on screen (a start-up check)",
    )
    parser.add_argument("--verbose", action="store_true", help="log debug messages")
    return parser.parse_args(argv)


def _window_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"--size: expected WxH such as 1920x1080, got {text!r}") from None
    return width, height


def main(argv: Sequence[str] | None = None) -> int:
    """Run the display until the window is closed or the process is stopped."""
    started = time.perf_counter()
    arguments = _parse_arguments(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = load_config("display", arguments.config, options=DISPLAY_OPTIONS)
        settings = display_settings(config.options)
    except ConfigError as exc:
        report_startup_error("antrian-display", str(exc))
        return 2

    apply_reference_fix()  # before Qt runs: an affected PySide6 would abort within minutes
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    collect_garbage_on_main_thread(app)
    app.setApplicationName("antrian-display")
    windowed = arguments.windowed or not settings.fullscreen

    def show(widget: QWidget) -> None:
        if windowed:
            widget.resize(*_window_size(arguments.size))
            widget.show()
        else:
            widget.setCursor(Qt.CursorShape.BlankCursor)
            widget.showFullScreen()

    # without a token: the pairing screen first, then the display (see qt_common/first_start.py)
    start = DisplayStart(config, settings, show, use_audio_device=not arguments.no_sound)

    def on_opened() -> None:
        display = start.display
        assert display is not None
        window = display.window

        def on_first_frame(_number: str) -> None:
            window.number_painted.disconnect(on_first_frame)
            logger.info("first frame on screen %.3f s after start", time.perf_counter() - started)

        def on_update(_update: DisplayUpdate) -> None:
            display.controller.updated.disconnect(on_update)
            logger.info("office state on screen %.3f s after start", time.perf_counter() - started)
            if arguments.exit_after_start:
                QTimer.singleShot(0, app.quit)

        window.number_painted.connect(on_first_frame)
        display.controller.updated.connect(on_update)

    start.opened.connect(on_opened)
    start.begin()

    # Ctrl+C and SIGTERM (systemd, logout) quit cleanly; the timer lets Python see them.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    try:
        return app.exec()
    finally:
        start.stop()


class DisplayStart(FirstStart):
    """The display: `display` once it has its token (at once, or after the pairing)."""

    program = "display"

    def __init__(
        self,
        client: ClientConfig,
        settings: DisplaySettings,
        show: ShowWindow,
        *,
        use_audio_device: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(client, show, **options)
        self.settings = settings
        self._use_audio_device = use_audio_device
        self.display: Display | None = None

    def open_window(self, client: ClientConfig, grant: DeviceGrant | None) -> QWidget:
        self.display = Display(client, self.settings, use_audio_device=self._use_audio_device)
        after_first_frame(self.display.window, self.display.start)
        return self.display.window

    def server_link(self) -> ServerLink | None:
        return self.display.link if self.display is not None else None

    def close_program(self) -> None:
        if self.display is not None:
            self.display.stop()
            self.display.window.close()
            self.display.window.deleteLater()
            self.display.deleteLater()
        self.display = None

    def stop(self) -> None:
        super().stop()
        if self.display is not None:
            self.display.stop()


if __name__ == "__main__":
    sys.exit(main())
