"""One-page PDF reports (fpdf2, DejaVu Sans embedded): the camat's month and the SKM tables.

The monthly page: kop surat (region, office, address, logo), the title "Laporan Pelayanan
Bulan November 2026", the visitors, the waiting time, the share served within standard per
service, a bar chart of the mean wait per day, the month's SKM result and the signature
block ("Tangerang, 30 November 2026" / "Camat Karawaci" / name / NIP). Everything is drawn
on one A4 page: long lists are cut to what fits, never spilled onto a second page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from server.domain.settings import Letterhead
from server.reports.export_text import (
    ELEMENT_KEYS,
    SKM_ELEMENTS,
    TEXTS,
    decimal_text,
    language_of,
    long_date,
    minutes_text,
    month_name,
    percent_text,
)
from server.reports.monthly import MonthlyReport, daily_mean_wait, month_end

log = logging.getLogger(__name__)

FONTS_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT = "DejaVu"
PAGE_WIDTH_MM = 210
MARGIN_MM = 18
CONTENT_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
LOGO_ROOM_MM = 26.0  # the logo (22 mm high) and a gap
SERVICES_SHOWN = 10  # rows of the service table that fit beside everything else
ACTION_PLAN_ROWS = 4
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (31, 78, 121)
GOOD = (46, 125, 50)
BAD = (198, 40, 40)
GRID = (206, 212, 218)
REGION_PREFIXES = ("Pemerintah Kota ", "Pemerintah Kabupaten ", "Pemkot ", "Pemkab ")
OFFICE_PREFIXES = ("Kantor Kecamatan ", "Kecamatan ", "Kantor ")


class ReportPage(FPDF):
    """An A4 page with DejaVu Sans (regular and bold) and nothing automatic."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN_MM, 14, MARGIN_MM)
        self.set_auto_page_break(False)
        self.set_creator("Antrian")
        self.add_page()
        self.set_text_color(*INK)

    def text_line(
        self, text: str, size: float, bold: bool = False, align: str = "L",
        width: float = 0, height: float | None = None, color: tuple[int, int, int] = INK,
    ) -> None:  # fmt: skip
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.cell(width, height or size * 0.5, text, align=Align.coerce(align),
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
        self.set_text_color(*INK)

    def heading(self, text: str) -> None:
        self.ln(2.5)
        self.text_line(text, 11, bold=True, color=ACCENT, height=6)
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.3)
        self.line(MARGIN_MM, self.get_y(), MARGIN_MM + CONTENT_MM, self.get_y())
        self.ln(1.5)


def place_of(letterhead: Letterhead, office: str) -> str:
    """Where the report is signed: "Tangerang" of "Pemerintah Kota Tangerang"."""
    for prefix in REGION_PREFIXES:
        if letterhead.region.startswith(prefix):
            return letterhead.region[len(prefix) :].strip()
    return letterhead.region or _short_office(office)


def _short_office(office: str) -> str:
    for prefix in OFFICE_PREFIXES:
        if office.startswith(prefix):
            return office[len(prefix) :].strip()
    return office


def signer_title(letterhead: Letterhead, office: str) -> str:
    """ "Camat Karawaci" for the office "Kecamatan Karawaci"."""
    return f"{letterhead.head_title} {_short_office(office)}".strip()


def draw_letterhead(
    page: ReportPage, region: str, name: str, address: str, logo: Path | None
) -> None:
    """The kop surat: the logo at the left, the region, the office (or city unit) and its
    address centred, then the double rule."""
    top = page.get_y()
    inset = 0.0
    if logo is not None:
        try:
            page.image(str(logo), x=MARGIN_MM, y=top, h=22)
            inset = LOGO_ROOM_MM  # the lines stay centred, clear of the logo on both sides
        except Exception:  # a broken logo file must not cost the report: print without it
            log.warning("the logo %s cannot be drawn; the report is made without it", logo)
    lines = ((region.upper(), 13, True, 6.5), (name.upper(), 15, True, 7.5),
             (address, 9, False, 5.0))  # fmt: skip
    for text, size, bold, height in lines:
        if not text:
            continue
        width = CONTENT_MM - 2 * inset
        page.set_font(FONT, "B" if bold else "", size)
        wide = page.get_string_width(text)
        room = width - 2 * page.c_margin - 0.5  # what a cell of `width` holds
        fitted = max(size * 0.7, size * min(1.0, room / wide)) if wide else size
        # shrunk to fit one line, but not below 70 %: a longer line wraps instead
        for line in wrapped(page, text, width, fitted, bold=bold, max_lines=9, smallest=1.0):
            page.set_x(MARGIN_MM + inset)
            page.cell(width, height, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    page.set_y(max(page.get_y() + 1.5, top + 24))
    page.set_draw_color(*INK)
    page.set_line_width(0.8)
    page.line(MARGIN_MM, page.get_y(), MARGIN_MM + CONTENT_MM, page.get_y())
    page.set_line_width(0.2)
    page.line(MARGIN_MM, page.get_y() + 1, MARGIN_MM + CONTENT_MM, page.get_y() + 1)
    page.ln(4)


def _letterhead(page: ReportPage, letterhead: Letterhead, office: str, logo: Path | None) -> None:
    draw_letterhead(page, letterhead.region, office, letterhead.address, logo)


def draw_boxes(page: ReportPage, items: Sequence[tuple[str, str]]) -> None:
    """Big figures side by side: (value, label)."""
    width = CONTENT_MM / len(items)
    top = page.get_y()
    page.set_draw_color(*GRID)
    page.set_line_width(0.3)
    for index, (value, label) in enumerate(items):
        left = MARGIN_MM + index * width
        page.rect(left + 1, top, width - 2, 16)
        page.set_xy(left + 1, top + 1.5)
        page.set_font(FONT, "B", 15)
        page.cell(width - 2, 8, value, align=Align.C)
        page.set_xy(left + 1, top + 9.5)
        page.set_font(FONT, "", 8.5)
        page.set_text_color(*MUTED)
        page.cell(width - 2, 5, label, align=Align.C)
        page.set_text_color(*INK)
    page.set_xy(MARGIN_MM, top + 17)


def _service_table(page: ReportPage, report: MonthlyReport, language: str) -> None:
    texts = TEXTS[language]
    columns = [(texts["service"], 58.0, "L"), (texts["issued"], 18.0, "R"),
               (texts["served"], 20.0, "R"), (texts["wait_mean"], 30.0, "R"),
               (texts["target"], 20.0, "R"), (texts["within_standard"], 28.0, "R")]  # fmt: skip
    page.set_font(FONT, "B", 8)
    page.set_fill_color(233, 238, 244)
    for label, width, align in columns:
        page.cell(width, 6, label, align=Align.coerce(align), fill=True)
    page.ln(6)
    page.set_font(FONT, "", 8.5)
    shown = report.services[:SERVICES_SHOWN]
    for line in shown:
        figures = line.figures
        name = line.name_en if language == "en" else line.name
        target = line.target_wait_minutes
        share = figures.get("within_standard")
        values = [
            fit(page, f"{line.code}  {name}", columns[0][1] - 1),
            str(figures.get("issued", 0)),
            str(figures.get("served", 0)),
            minutes_text((figures.get("wait_s") or {}).get("mean"), language),
            texts["target_minutes"].format(minutes=target) if target else "—",
            percent_text(share, language),
        ]
        top = page.get_y()
        for (_, width, align), value in zip(columns, values, strict=True):
            page.cell(width, 5.5, value, align=Align.coerce(align))
        if share is not None:  # a small bar under the share: green from 80%
            left = page.get_x() - columns[-1][1] + 2
            page.set_fill_color(*GRID)
            page.rect(left, top + 4.6, columns[-1][1] - 3, 0.7, style="F")
            page.set_fill_color(*(GOOD if share >= 0.8 else BAD))
            page.rect(left, top + 4.6, (columns[-1][1] - 3) * min(1.0, share), 0.7, style="F")
        page.ln(5.5)
    hidden = len(report.services) - len(shown)
    if hidden > 0:
        more = f"+ {hidden} layanan lainnya" if language == "id" else f"+ {hidden} more services"
        page.text_line(more, 8, color=MUTED, height=4.5)


def fit(page: ReportPage, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` mm in the current font."""
    if page.get_string_width(text) <= width:
        return text
    while text and page.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _wait_chart(page: ReportPage, days: Sequence[tuple[str, float | None]], language: str) -> None:
    """Bars of the mean wait per day, in minutes, with a scale; one bar a day."""
    texts = TEXTS[language]
    height, axis = 38.0, 10.0
    left, top = MARGIN_MM + axis, page.get_y() + 2
    width = CONTENT_MM - axis
    values = [seconds / 60 for _, seconds in days if seconds is not None]
    if not values:
        page.text_line(texts["no_data"], 9, color=MUTED, height=6)
        return
    peak = max(values)
    step = next(size for size in (1, 2, 5, 10, 15, 20, 30, 60, 120, 240, 600, 1e9)
                if peak / size <= 5)  # fmt: skip
    scale_top = step * max(1, -(-peak // step))
    page.set_font(FONT, "", 7)
    page.set_draw_color(*GRID)
    page.set_line_width(0.2)
    tick = 0.0
    while tick <= scale_top + 1e-9:
        y = top + height - height * tick / scale_top
        page.line(left, y, left + width, y)
        page.set_xy(MARGIN_MM, y - 1.5)
        page.set_text_color(*MUTED)
        page.cell(axis - 1.5, 3, decimal_text(tick, 0, language), align=Align.R)
        tick += step
    slot = width / len(days)
    page.set_fill_color(*ACCENT)
    for index, (day, seconds) in enumerate(days):
        x = left + index * slot
        if seconds is not None:
            bar = height * (seconds / 60) / scale_top
            page.rect(x + slot * 0.15, top + height - bar, slot * 0.7, bar, style="F")
        page.set_xy(x, top + height + 0.5)
        page.cell(slot, 3, str(int(day[8:10])) if len(day) >= 10 else day, align=Align.C)
    page.set_text_color(*INK)
    page.set_xy(MARGIN_MM, top + height + 4.5)


def _whole_month(report: MonthlyReport) -> list[tuple[str, float | None]]:
    """The mean wait of every day of the month, None where nobody was served."""
    known = dict(daily_mean_wait(report.days))
    first = report.month.toordinal()
    last = month_end(report.month).toordinal()
    days = [date.fromordinal(ordinal).isoformat() for ordinal in range(first, last + 1)]
    return [(day, known.get(day)) for day in days]


def wrapped(
    page: ReportPage, text: str, width: float, size: float, bold: bool = False,
    max_lines: int = 2, smallest: float = 0.75,
) -> list[str]:  # fmt: skip
    """`text` in lines of at most `width` mm, never cut: the font shrinks (to `smallest` of
    `size` at most) until it takes `max_lines` lines, else it takes more. Leaves the font set."""
    shrink = size
    while True:
        page.set_font(FONT, "B" if bold else "", shrink)
        lines = page.multi_cell(width, 5, text, dry_run=True, output=MethodReturnValue.LINES)
        assert isinstance(lines, list)
        if len(lines) <= max_lines or shrink <= size * smallest:
            return [str(line) for line in lines]
        shrink = max(size * smallest, shrink - 0.5)


def draw_signature(
    page: ReportPage, place: str, title: str, name: str, nip: str, signed_on: date,
    language: str, top: float,
) -> None:  # fmt: skip
    """The signature block at the right: "Tangerang, 30 November 2026", the signer's title,
    room to sign, the name underlined and the NIP (dotted lines where they are not set). A
    long title or name wraps onto a second line (smaller, never cut off)."""
    texts = TEXTS[language]
    left = MARGIN_MM + CONTENT_MM * 0.55
    width = CONTENT_MM * 0.45
    page.set_xy(left, top)
    dated = texts["signature_place_date"].format(place=place, date=long_date(signed_on, language))
    lines = wrapped(page, dated, width, 10, max_lines=1) + wrapped(page, title, width, 10)
    for text in lines:
        page.set_x(left)
        page.cell(width, 5.5, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    names = wrapped(page, name, width, 10, bold=True) if name else []
    room = 18 - 2.75 * max(0, len(lines) + len(names) - 3)  # a longer block signs lower less
    page.set_xy(left, page.get_y() + room)
    page.set_draw_color(*INK)
    for text in names or ["(.................................................)"]:
        page.cell(width, 5.5, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        if names:
            name_width = page.get_string_width(text)
            under = page.get_y() - 0.6
            page.line(left + (width - name_width) / 2, under, left + (width + name_width) / 2,
                      under)  # fmt: skip
    page.set_font(FONT, "", 10)
    page.cell(width, 5.5, texts["nip"].format(nip=nip or "...................................."),
              align=Align.C)  # fmt: skip


def _signature(
    page: ReportPage, letterhead: Letterhead, office: str, signed_on: date, language: str,
    top: float,
) -> None:  # fmt: skip
    draw_signature(page, place_of(letterhead, office), signer_title(letterhead, office),
                   letterhead.head_name, letterhead.head_nip, signed_on, language, top)  # fmt: skip


def draw_footer(page: ReportPage, language: str) -> None:
    page.set_xy(MARGIN_MM, 287)
    page.text_line(TEXTS[language]["generated"], 7, color=MUTED, height=3)


def monthly_pdf(report: MonthlyReport, language: str = "id", logo: Path | None = None) -> bytes:
    """The camat's one-page monthly report."""
    language = language_of(language)
    texts = TEXTS[language]
    page = ReportPage()
    page.set_title(texts["month_title"].format(month=month_name(report.month, language)))
    _letterhead(page, report.letterhead, report.office, logo)
    title = texts["month_title"].format(month=month_name(report.month, language))
    page.text_line(title, 13, bold=True, align="C", height=7)
    page.ln(1)
    total = report.total
    page.heading(texts["totals"])
    draw_boxes(page, [(str(total.get(key) or 0), texts[key])
                  for key in ("issued", "served", "no_show", "unserved")])  # fmt: skip
    wait: Mapping[str, Any] = total.get("wait_s") or {}
    page.heading(texts["waiting_time"])
    draw_boxes(page, [(minutes_text(wait.get("mean"), language), texts["mean"]),
                  (minutes_text(wait.get("median"), language), texts["median"]),
                  (minutes_text(wait.get("p90"), language), texts["p90"]),
                  (percent_text(total.get("within_standard"), language),
                   texts["within_standard"])])  # fmt: skip
    page.heading(texts["within_standard_title"])
    _service_table(page, report, language)
    page.heading(texts["chart_title"])
    _wait_chart(page, _whole_month(report), language)
    page.heading(texts["skm_result"])
    skm = report.skm
    if skm is None:
        page.text_line(texts["skm_none"], 9.5, height=6)
    else:
        grade = str(skm.get("grade") or "")
        line = texts["skm_line"].format(
            ikm=decimal_text(skm.get("ikm"), 2, language), grade=grade,
            performance=texts.get(f"grade_{grade}", skm.get("performance") or ""),
            respondents=skm.get("respondents"),
        )  # fmt: skip
        page.text_line(line, 10, bold=True, height=6)
    _signature(page, report.letterhead, report.office, report.signature_date, language,
               top=max(page.get_y() + 4, 236))  # fmt: skip
    draw_footer(page, language)
    return bytes(page.output())


def skm_pdf(
    skm: Mapping[str, Any],
    office: str,
    letterhead: Letterhead,
    period: str,
    signed_on: date,
    language: str = "id",
    logo: Path | None = None,
) -> bytes:
    """The SKM tables in the layout offices publish: rekapitulasi per unsur, IKM, mutu
    pelayanan, kinerja, respondents, an empty follow-up plan and the signature block."""
    language = language_of(language)
    texts = TEXTS[language]
    names = SKM_ELEMENTS[language]
    page = ReportPage()
    page.set_title(texts["skm_title"])
    _letterhead(page, letterhead, office, logo)
    page.text_line(texts["skm_title"], 12.5, bold=True, align="C", height=7)
    page.text_line(f"{texts['period']}: {period}", 10, align="C", height=5.5)
    page.ln(2)
    respondents = int(skm.get("respondents") or 0)
    nrr: Mapping[str, Any] = skm.get("nrr") or {}
    sums: Mapping[str, Any] = skm.get("sums") or {}
    columns = [(texts["code"], 14.0, "C"), (texts["element"], 80.0, "L"),
               (texts["sum"], 24.0, "R"), (texts["nrr"], 22.0, "R"),
               (texts["nrr_weighted"], 34.0, "R")]  # fmt: skip
    page.set_font(FONT, "B", 9)
    page.set_fill_color(233, 238, 244)
    page.set_draw_color(*GRID)
    for label, width, align in columns:
        page.cell(width, 7, label, border=1, align=Align.coerce(align), fill=True)
    page.ln(7)
    page.set_font(FONT, "", 9)
    for key in ELEMENT_KEYS:
        value = nrr.get(key)
        total = sums.get(key)
        if total is None and value is not None:
            total = round(float(value) * respondents)
        weighted_value = None if value is None else float(value) / 9
        cells = [
            key.upper(),
            names[key],
            "—" if total is None else str(total),
            decimal_text(value, 2, language),
            decimal_text(weighted_value, 3, language),
        ]
        for (_, width, align), text in zip(columns, cells, strict=True):
            page.cell(width, 6.5, text, border=1, align=Align.coerce(align))
        page.ln(6.5)
    weighted = sum(float(nrr[key]) / 9 for key in ELEMENT_KEYS if nrr.get(key) is not None)
    page.set_font(FONT, "B", 9)
    page.cell(sum(width for _, width, _ in columns[:4]), 6.5, texts["nrr_weighted_total"],
              border=1, align=Align.R)  # fmt: skip
    page.cell(columns[4][1], 6.5, decimal_text(weighted if nrr else None, 3, language),
              border=1, align=Align.R)  # fmt: skip
    page.ln(9)
    grade = str(skm.get("grade") or "")
    facts = [
        (texts["ikm"], decimal_text(skm.get("ikm"), 2, language)),
        (texts["grade"], grade or "—"),
        (texts["performance"], str(skm.get("performance") or "—")),
        (texts["respondents"], str(respondents)),
        (texts["respondents_required"], str(skm.get("required_respondents") or "—")),
    ]
    for label, value in facts:
        page.set_font(FONT, "", 10)
        page.cell(80, 6.5, label)
        page.set_font(FONT, "B", 10)
        page.cell(60, 6.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    page.heading(texts["action_plan"])
    plan = [(texts["action_no"], 10.0), (texts["action_element"], 50.0),
            (texts["action_program"], 56.0), (texts["action_when"], 22.0),
            (texts["action_who"], 36.0)]  # fmt: skip
    page.set_draw_color(*GRID)
    page.set_font(FONT, "B", 8.5)
    for label, width in plan:
        page.cell(width, 7, label, border=1, align=Align.C, fill=True)
    page.ln(7)
    page.set_font(FONT, "", 8.5)
    for number in range(1, ACTION_PLAN_ROWS + 1):
        for index, (_, width) in enumerate(plan):
            page.cell(width, 8, str(number) if index == 0 else "", border=1, align=Align.C)
        page.ln(8)
    _signature(page, letterhead, office, signed_on, language, top=max(page.get_y() + 6, 236))
    draw_footer(page, language)
    return bytes(page.output())
