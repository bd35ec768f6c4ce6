"""Look of the kiosk: colours, font families, sizes scaled to the screen, one style sheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QGuiApplication

FONT_FAMILIES = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "sans-serif"]
REFERENCE_WIDTH_PX = 1920
REFERENCE_HEIGHT_PX = 1080
MIN_TOUCH_TARGET_MM = 15.0
MIN_FONT_PX = 18
MILLIMETRES_PER_INCH = 25.4
PRIORITY_ICON = Path(__file__).resolve().parent.parent / "assets" / "icons" / "kiosk-priority.svg"

BLUE = "#0b3d91"
BLUE_LIGHT = "#e8eef9"
INK = "#14171a"
GREY_TEXT = "#4a4f55"
CLOSED_BACKGROUND = "#d9dcdf"
CLOSED_TEXT = "#3c4146"
PURPLE = "#5b1f7a"
GREEN = "#1b5e20"
AMBER = "#8a4b00"
RED = "#a3191f"
PAGE = "#f3f5f8"


def kiosk_font() -> QFont:
    """The application font: the first installed family of the list."""
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


def min_touch_px() -> int:
    """15 mm in pixels on the primary screen (at least 60 px when the size is unknown)."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.physicalDotsPerInch() if screen is not None else 0.0
    if not 50 <= dpi <= 600:  # offscreen and some panels report nonsense
        dpi = 96.0
    return max(60, round(MIN_TOUCH_TARGET_MM / MILLIMETRES_PER_INCH * dpi))


@dataclass(frozen=True, slots=True)
class Metrics:
    """Pixel sizes for one window size; 1.0 is a 1920x1080 screen."""

    scale: float
    touch_px: int

    @classmethod
    def for_size(cls, width: int, height: int) -> Metrics:
        scale = min(width / REFERENCE_WIDTH_PX, height / REFERENCE_HEIGHT_PX)
        return cls(scale=max(scale, 0.3), touch_px=min_touch_px())

    def px(self, size_at_1080p: float, minimum: int = MIN_FONT_PX) -> int:
        return max(minimum, round(size_at_1080p * self.scale))


def style_sheet(metrics: Metrics) -> str:
    """The whole kiosk's style sheet for one window size."""
    px = metrics.px
    touch = metrics.touch_px
    return f"""
    QWidget#kiosk {{ background: {PAGE}; color: {INK}; }}
    QLabel {{ color: {INK}; background: transparent; }}
    QWidget#header {{ background: {BLUE}; }}
    QLabel#office {{ color: white; font-size: {px(40)}px; font-weight: bold; }}
    QLabel#welcome {{ color: #dce6f7; font-size: {px(28)}px; }}
    QLabel#clock {{ color: white; font-size: {px(34)}px; font-weight: bold; }}
    QPushButton#language {{
        color: white; background: transparent; border: {px(3, 2)}px solid white;
        border-radius: {px(12, 6)}px; font-size: {px(30)}px; font-weight: bold;
        min-height: {max(touch, px(84))}px; padding: 0 {px(32)}px;
    }}
    QPushButton#language:pressed {{ background: #1d56b8; }}
    QLabel#prompt {{ font-size: {px(44)}px; font-weight: bold; color: {INK}; }}
    QLabel#hint {{ font-size: {px(30)}px; color: {GREY_TEXT}; }}

    QPushButton#service {{
        background: white; border: {px(3, 2)}px solid #b8c4d6; border-radius: {px(20, 8)}px;
        min-height: {max(touch, px(120))}px; text-align: left;
    }}
    QPushButton#service:pressed {{ background: {BLUE_LIGHT}; border-color: {BLUE}; }}
    QPushButton#service:disabled {{ background: {CLOSED_BACKGROUND}; border-color: #b0b5ba; }}
    QLabel#serviceCode {{
        background: {BLUE}; color: white; border-radius: {px(16, 6)}px;
        font-size: {px(84)}px; font-weight: bold;
    }}
    QLabel#serviceCode[open="false"] {{ background: #7c8288; }}
    QLabel#serviceName {{ font-size: {px(46)}px; font-weight: bold; color: {INK}; }}
    QLabel#serviceName[open="false"] {{ color: {CLOSED_TEXT}; }}
    QLabel#serviceDescription {{ font-size: {px(28)}px; color: {GREY_TEXT}; }}
    QLabel#serviceStatus {{ font-size: {px(32)}px; font-weight: bold; color: {BLUE}; }}
    QLabel#serviceStatus[open="false"] {{ color: {RED}; }}
    QLabel#serviceArrow {{ font-size: {px(80)}px; color: {BLUE}; font-weight: bold; }}
    QLabel#serviceArrow[open="false"] {{ color: transparent; }}

    QPushButton#priority {{
        background: {PURPLE}; border: none; border-radius: {px(20, 8)}px;
        min-height: {max(touch, px(110))}px; text-align: left;
    }}
    QPushButton#priority:pressed {{ background: #3f1456; }}
    QLabel#priorityText {{ color: white; font-size: {px(38)}px; font-weight: bold; }}
    QLabel#priorityHint {{ color: #eadcf2; font-size: {px(28)}px; }}
    QLabel#priorityTitle {{ color: {PURPLE}; font-size: {px(56)}px; font-weight: bold; }}

    QPushButton#info {{
        background: white; color: {BLUE}; border: {px(3, 2)}px solid {BLUE};
        border-radius: {px(16, 8)}px; font-size: {px(32)}px; font-weight: bold;
        min-height: {max(touch, px(90))}px; padding: 0 {px(36)}px;
    }}
    QPushButton#info:pressed {{ background: {BLUE_LIGHT}; }}
    QLabel#infoTitle {{ color: {BLUE}; font-size: {px(56)}px; font-weight: bold; }}
    QScrollArea#infoScroll, QWidget#infoList {{ background: transparent; border: none; }}
    QWidget#infoCard {{
        background: white; border: {px(3, 2)}px solid #b8c4d6; border-radius: {px(20, 8)}px;
    }}
    QLabel#infoService {{ font-size: {px(44)}px; font-weight: bold; color: {INK}; }}
    QLabel#infoDescription {{ font-size: {px(30)}px; color: {GREY_TEXT}; }}
    QLabel#infoLine {{ font-size: {px(34)}px; color: {INK}; }}
    QLabel#infoRequirements {{ font-size: {px(32)}px; color: {INK}; }}

    QPushButton#back, QPushButton#done, QPushButton#adminAction {{
        background: white; color: {BLUE}; border: {px(3, 2)}px solid {BLUE};
        border-radius: {px(16, 8)}px; font-size: {px(36)}px; font-weight: bold;
        min-height: {max(touch, px(100))}px; min-width: {px(320)}px; padding: 0 {px(40)}px;
    }}
    QPushButton#back:pressed, QPushButton#done:pressed {{ background: {BLUE_LIGHT}; }}

    QWidget#ticketCard {{
        background: white; border: {px(3, 2)}px solid #b8c4d6; border-radius: {px(28, 10)}px;
    }}
    QLabel#yourNumber {{ font-size: {px(46)}px; color: {GREY_TEXT}; }}
    QLabel#number {{ font-size: {px(250)}px; font-weight: bold; color: {BLUE}; }}
    QLabel#confirmService {{ font-size: {px(46)}px; font-weight: bold; }}
    QLabel#priorityBadge {{
        background: {PURPLE}; color: white; font-size: {px(32)}px; font-weight: bold;
        border-radius: {px(10, 4)}px; padding: {px(6, 2)}px {px(24)}px;
    }}
    QLabel#peopleAhead {{ font-size: {px(36)}px; color: {INK}; }}
    QLabel#takeTicket {{
        background: {GREEN}; color: white; font-size: {px(64)}px; font-weight: bold;
        border-radius: {px(20, 8)}px; padding: {px(24)}px;
    }}

    QLabel#messageIcon {{ font-size: {px(150)}px; font-weight: bold; }}
    QLabel#messageTitle {{ font-size: {px(62)}px; font-weight: bold; }}
    QLabel#messageBody {{ font-size: {px(38)}px; color: {INK}; }}
    QLabel#messageDetail {{ font-size: {px(22)}px; color: {GREY_TEXT}; }}
    QWidget#message[tone="warning"] QLabel#messageIcon,
    QWidget#message[tone="warning"] QLabel#messageTitle {{ color: {AMBER}; }}
    QWidget#message[tone="error"] QLabel#messageIcon,
    QWidget#message[tone="error"] QLabel#messageTitle {{ color: {RED}; }}
    QWidget#message[tone="info"] QLabel#messageIcon,
    QWidget#message[tone="info"] QLabel#messageTitle {{ color: {BLUE}; }}

    QLabel#pinDisplay {{
        background: white; border: {px(3, 2)}px solid #b8c4d6; border-radius: {px(12, 6)}px;
        font-size: {px(56)}px; min-height: {px(90)}px; min-width: {px(420)}px;
    }}
    QPushButton#pinKey {{
        background: white; border: {px(3, 2)}px solid #b8c4d6; border-radius: {px(14, 6)}px;
        font-size: {px(48)}px; font-weight: bold; color: {INK};
        min-height: {max(touch, px(96))}px; min-width: {max(touch, px(160))}px;
    }}
    QPushButton#pinKey:pressed {{ background: {BLUE_LIGHT}; }}
    QLabel#adminMessage {{ font-size: {px(32)}px; color: {RED}; font-weight: bold; }}
    """
