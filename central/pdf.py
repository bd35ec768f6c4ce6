"""The city's reports as PDF (fpdf2, the office reports' page and fonts).

`city_summary_pdf`: the offices side by side for a period — the city's totals, then one
row per office ranked by the share served within standard, with the visitors, the waiting
time and (with the SKM) each office's IKM, and the city's row; grouped further (office ×
month, …) the rows follow the groups and the ranking comes after them. `city_skm_pdf`: each
office's IKM, grade and respondents, the city's (every respondent pooled) and the city's
NRR per element. Both under the city's kop surat and signature block (`--letterhead`).

Thirteen offices fit one A4 page; more rows go on to the next page under the table's
header again, and the signature block follows the last row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from central.letterhead import CityLetterhead
from central.reports import OFFICE_GROUP, CitySummary
from central.skm import CitySkm, city_skm
from central.store import CentralStore
from central.texts import CITY_ZONE
from server.reports import skm
from server.reports.csv_text import GROUP_HEADERS, group_cell
from server.reports.export_text import (
    SKM_ELEMENTS,
    TEXTS,
    decimal_text,
    language_of,
    long_date,
    minutes_text,
    month_name,
    percent_text,
)
from server.reports.figures import Figures
from server.reports.pdf import (
    BAD,
    CONTENT_MM,
    FONT,
    GOOD,
    GRID,
    MUTED,
    ReportPage,
    draw_boxes,
    draw_footer,
    draw_letterhead,
    draw_signature,
)
from server.reports.request import BadReportRequest
from server.reports.summary import Group, GroupValue

PAGE_HEIGHT_MM = 297.0
BOTTOM_MM = 282.0  # where a page turns over; the footer line is below
SIGNATURE_MM = 45.0
SIGNATURE_TOP_MM = 236.0  # as on the office's monthly page
HEADER_FILL = (233, 238, 244)
HEADING_WITH_ROWS_MM = 28.0  # a heading, a table's header row and its first row
PDF_ROWS_MAX = 500  # a month of 13 offices by day is 403 rows; more is for CSV/XLSX
PDF_INNER_GROUPS_MAX = 2  # office and two more groups fit the page's width
GOOD_SHARE = 0.8  # the office's monthly page draws its bar green from here
ALIGNS = {"L": "LEFT", "R": "RIGHT", "C": "CENTER"}
WORDS = {
    "id": {
        "summary_title": "Rekapitulasi Pelayanan Kantor Kecamatan",
        "skm_title": "Indeks Kepuasan Masyarakat (IKM) per Kantor",
        "city_totals": "Seluruh kantor",
        "by_office": "Per kantor, menurut peringkat sesuai standar",
        "rows": "Per kantor",
        "ranking": "Peringkat sesuai standar waktu tunggu",
        "rank": "Peringkat",
        "office": "Kantor",
        "city": "Kota",
        "city_pooled": "Kota (seluruh responden)",
        "no": "No",
        "continued": "(lanjutan)",
        "pooled_note": "IKM kota dihitung dari seluruh responden, bukan rata-rata IKM kantor.",
        "city_nrr": "NRR kota per unsur pelayanan",
        "office_nrr": "NRR per unsur pelayanan",
        "service_only": "Hanya layanan {service}",
        "no_offices": "Belum ada kantor.",
    },
    "en": {
        "summary_title": "Service Summary of the District Offices",
        "skm_title": "Community Satisfaction Index (IKM) per Office",
        "city_totals": "All offices",
        "by_office": "Per office, by rank within standard",
        "rows": "Per office",
        "ranking": "Ranking by waiting time within standard",
        "rank": "Rank",
        "office": "Office",
        "city": "City",
        "city_pooled": "City (all respondents)",
        "no": "No",
        "continued": "(continued)",
        "pooled_note": "The city's IKM pools every respondent; it is not the mean of the offices'.",
        "city_nrr": "The city's NRR per service element",
        "office_nrr": "NRR per service element",
        "service_only": "Service {service} only",
        "no_offices": "No offices yet.",
    },
}


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    width: float
    align: str = "R"


class CityPage(ReportPage):
    """A report page that turns over by itself before the bottom margin, the report's title
    (continued) heading each further page, "Dibuat oleh Antrian" at the foot of each."""

    def __init__(self, title: str, language: str) -> None:
        self.title_text = title
        self.language = language
        super().__init__()
        self.set_title(title)
        self.set_auto_page_break(True, margin=PAGE_HEIGHT_MM - BOTTOM_MM)

    def header(self) -> None:
        if self.page_no() > 1:
            self.text_line(f"{self.title_text} {WORDS[self.language]['continued']}", 10,
                           bold=True, color=MUTED, height=8)  # fmt: skip

    def footer(self) -> None:
        draw_footer(self, self.language)

    def heading(self, text: str) -> None:
        """A section's heading, on the next page unless its first lines fit below it."""
        if self.get_y() + HEADING_WITH_ROWS_MM > BOTTOM_MM:
            self.add_page()
        super().heading(text)


def _table(
    page: CityPage, columns: Sequence[Column], rows: Sequence[Sequence[str]],
    bold_last: bool = False, shares: Sequence[float | None] = (),
) -> None:  # fmt: skip
    """A bordered table (fpdf2's: long names wrap, and the header row comes again on each
    new page); a share in `shares` colours the last column green from 80%, else red."""
    page.set_font(FONT, "", 8.5)
    page.set_draw_color(*GRID)
    page.set_line_width(0.2)
    headings = FontFace(emphasis="BOLD", size_pt=7.5, fill_color=HEADER_FILL)
    with page.table(
        width=CONTENT_MM, align="L", col_widths=[column.width for column in columns],
        text_align=[ALIGNS[column.align] for column in columns], headings_style=headings,
        line_height=4.4, padding=(0.9, 1.2), v_align="M",
    ) as table:  # fmt: skip
        heading = table.row()
        for column in columns:
            heading.cell(column.label)
        for index, values in enumerate(rows):
            row = table.row()
            last = bold_last and index == len(rows) - 1
            share = shares[index] if index < len(shares) else None
            for position, text in enumerate(values):
                color = None
                if share is not None and position == len(values) - 1:
                    color = GOOD if share >= GOOD_SHARE else BAD
                style = FontFace(emphasis="BOLD" if last else None, color=color)
                row.cell(text, style=style)
    page.ln(1)


def _start(
    title: str, letterhead: CityLetterhead, first: date, last: date, language: str,
    service: str | None = None,
) -> CityPage:  # fmt: skip
    texts = TEXTS[language]
    page = CityPage(title, language)
    if letterhead.region or letterhead.unit or letterhead.address or letterhead.logo:
        draw_letterhead(page, letterhead.region, letterhead.unit, letterhead.address,
                        letterhead.logo_path)  # fmt: skip
    page.text_line(title, 13, bold=True, align="C", height=7)
    period = f"{long_date(first, language)} – {long_date(last, language)}"
    page.text_line(f"{texts['period']}: {period}", 10, align="C", height=5.5)
    if service is not None:
        page.text_line(WORDS[language]["service_only"].format(service=service), 10, bold=True,
                       align="C", height=5.5)  # fmt: skip
    page.ln(1)
    return page


def _finish(page: CityPage, letterhead: CityLetterhead, signed_on: date) -> bytes:
    """The signature block below the last table (on a new page if it does not fit)."""
    if page.get_y() + 6 + SIGNATURE_MM > BOTTOM_MM:
        page.add_page()
    top = page.get_y() + 6
    if page.page_no() == 1:
        top = max(top, SIGNATURE_TOP_MM)  # where the office's monthly page signs
    page.set_auto_page_break(False)
    title = letterhead.head_title or "......................"
    draw_signature(page, letterhead.place, title, letterhead.head_name, letterhead.head_nip,
                   signed_on, page.language, top)  # fmt: skip
    return bytes(page.output())


def _wait(figures: Figures, language: str) -> str:
    return minutes_text((figures.to_json()["wait_s"] or {}).get("mean"), language)


def _ikm(index: skm.Index | None, language: str) -> str:
    if index is None or index.ikm is None:
        return "—"
    return f"{decimal_text(float(index.ikm), 2, language)} ({index.grade})"


def city_summary_pdf(
    result: CitySummary, letterhead: CityLetterhead, signed_on: date, language: str = "id",
    skm_result: CitySkm | None = None, service: str | None = None,
) -> bytes:  # fmt: skip
    """The city summary of `GET /api/v1/city/reports/summary?format=pdf` (`service`: the
    figures are of that service only, said under the period)."""
    language = language_of(language)
    texts, words = TEXTS[language], WORDS[language]
    page = _start(words["summary_title"], letterhead, result.first, result.last, language,
                  service)  # fmt: skip
    total = result.total.total
    page.heading(words["city_totals"])
    share = percent_text(total.within_standard, language)
    draw_boxes(page, [(str(total.issued), texts["issued"]), (str(total.served), texts["served"]),
                      (_wait(total, language), texts["wait_mean"]),
                      (share, texts["within_standard"])])  # fmt: skip
    inner = [Group(group) for group in result.groups if group != OFFICE_GROUP]
    if not result.by_office:
        page.text_line(words["no_offices"], 9.5, color=MUTED, height=8)
    elif inner:
        _grouped_rows(page, result, inner, language)
        _compact_ranking(page, result, language)
    else:
        _ranking(page, result, language, skm_result)
    return _finish(page, letterhead, signed_on)


def _ranking(
    page: CityPage, result: CitySummary, language: str, skm_result: CitySkm | None
) -> None:
    """One row per office by rank within standard, with its visitors, mean wait and IKM,
    then the city's row."""
    texts, words = TEXTS[language], WORDS[language]
    by_id = {office.id: summary.total for office, summary in result.by_office}
    indexes = {office.id: index for office, index in skm_result.by_office} if skm_result else {}
    columns = [Column(words["rank"], 17, "C"), Column(words["office"], 43, "L"),
               Column(texts["issued"], 16), Column(texts["served"], 16),
               Column(texts["no_show"], 17), Column(texts["wait_mean"], 23)]  # fmt: skip
    if skm_result is not None:
        columns.append(Column(texts["ikm_short"], 19))
    columns.append(Column(texts["within_standard"], CONTENT_MM - sum(c.width for c in columns)))
    rows: list[list[str]] = []
    shares: list[float | None] = []
    for line in result.ranking():
        figures = by_id[line["office"]]
        rank = "—" if line["rank"] is None else str(line["rank"])
        rows.append(_office_row(rank, line["office_name"], figures, language,
                                indexes.get(line["office"]) if skm_result else False))  # fmt: skip
        shares.append(figures.within_standard)
    total = result.total.total
    rows.append(_office_row("", words["city"], total, language,
                            skm_result.city if skm_result else False))  # fmt: skip
    shares.append(total.within_standard)
    page.heading(words["by_office"])
    _table(page, columns, rows, bold_last=True, shares=shares)


def _office_row(
    rank: str, name: str, figures: Figures, language: str, index: skm.Index | bool | None
) -> list[str]:
    """A row of the ranking table; `index` False: the table has no IKM column."""
    row = [rank, name, str(figures.issued), str(figures.served), str(figures.no_show),
           _wait(figures, language)]  # fmt: skip
    if index is not False:
        row.append(_ikm(index if isinstance(index, skm.Index) else None, language))
    row.append(percent_text(figures.within_standard, language))
    return row


def _grouped_rows(
    page: CityPage, result: CitySummary, inner: Sequence[Group], language: str
) -> None:
    """Office × month (or another group): a row per office and group value, in order."""
    texts, words = TEXTS[language], WORDS[language]
    columns = [Column(words["office"], 46 - 6 * len(inner), "L"),
               *(Column(GROUP_HEADERS[language][group], 28 if len(inner) == 1 else 24, "L")
                 for group in inner),
               Column(texts["issued"], 14), Column(texts["served"], 15),
               Column(texts["no_show"], 15), Column(texts["wait_mean"], 22)]  # fmt: skip
    columns.append(Column(texts["within_standard"], CONTENT_MM - sum(c.width for c in columns)))
    rows: list[list[str]] = []
    shares: list[float | None] = []
    for office, summary in result.by_office:
        for row in summary.rows:
            values = [_group_text(group, value, language) for group, value in row.keys]
            figures = row.figures
            rows.append([office.name, *values, str(figures.issued), str(figures.served),
                         str(figures.no_show), _wait(figures, language),
                         percent_text(figures.within_standard, language)])  # fmt: skip
            shares.append(figures.within_standard)
    total = result.total.total
    rows.append([words["city"], *[""] * len(inner), str(total.issued), str(total.served),
                 str(total.no_show), _wait(total, language),
                 percent_text(total.within_standard, language)])  # fmt: skip
    shares.append(total.within_standard)
    page.heading(words["rows"])
    _table(page, columns, rows, bold_last=True, shares=shares)


def _compact_ranking(page: CityPage, result: CitySummary, language: str) -> None:
    """Rank, office, served and the share within standard (after a grouped table)."""
    texts, words = TEXTS[language], WORDS[language]
    columns = [Column(words["rank"], 20, "C"), Column(words["office"], 90, "L"),
               Column(texts["served"], 24)]  # fmt: skip
    columns.append(Column(texts["within_standard"], CONTENT_MM - sum(c.width for c in columns)))
    rows = [["—" if line["rank"] is None else str(line["rank"]), line["office_name"],
             str(line["served"]), percent_text(line["within_standard"], language)]
            for line in result.ranking()]  # fmt: skip
    page.heading(words["ranking"])
    _table(page, columns, rows, shares=[line["within_standard"] for line in
                                                   result.ranking()])  # fmt: skip


def _group_text(group: Group, value: GroupValue, language: str) -> str:
    """A group's value on paper: "Desember 2026" for the month "2026-12", else as in CSV."""
    if group is Group.MONTH and isinstance(value, str) and len(value) == len("2026-12"):
        return month_name(date.fromisoformat(f"{value}-01"), language)
    return str(group_cell(group, value, language) or "—")


def city_skm_pdf(
    result: CitySkm, letterhead: CityLetterhead, signed_on: date, language: str = "id",
    one_office: bool = False,
) -> bytes:  # fmt: skip
    """The city SKM of `GET /api/v1/city/reports/skm?format=pdf`; `one_office` (`office=ID`):
    that office's figures under its own name, without the city's."""
    language = language_of(language)
    texts, words = TEXTS[language], WORDS[language]
    page = _start(words["skm_title"], letterhead, result.first, result.last, language)
    shown = result.by_office[0][1] if one_office and result.by_office else result.city
    page.heading(result.by_office[0][0].name if one_office and result.by_office
                 else words["city_pooled"])  # fmt: skip
    draw_boxes(page, [(_ikm(shown, language), texts["ikm_short"]),
                      (_performance(shown, language), texts["performance"]),
                      (str(shown.respondents), texts["respondents"])])  # fmt: skip
    if not one_office:
        page.text_line(words["pooled_note"], 8, color=MUTED, height=5)
    columns = [Column(words["no"], 10, "C"), Column(words["office"], 64, "L"),
               Column(texts["respondents"], 26), Column(texts["ikm_short"], 18),
               Column(texts["performance"], 34, "L")]  # fmt: skip
    columns.append(Column(texts["grade"], CONTENT_MM - sum(c.width for c in columns), "C"))
    rows = [[str(number), office.name, str(index.respondents), _score(index, language),
             _performance(index, language), index.grade or "—"]
            for number, (office, index) in enumerate(result.by_office, start=1)]  # fmt: skip
    if not one_office:
        rows.append(["", words["city_pooled"], str(shown.respondents), _score(shown, language),
                     _performance(shown, language), shown.grade or "—"])  # fmt: skip
    page.heading(words["rows"])
    _table(page, columns, rows, bold_last=not one_office)
    page.heading(words["office_nrr"] if one_office else words["city_nrr"])
    names = SKM_ELEMENTS[language]
    width = CONTENT_MM / len(skm.ELEMENTS)
    element_columns = [Column(key.upper(), width, "C") for key in skm.ELEMENTS]
    nrr = shown.nrr or {}
    values = [decimal_text(float(nrr[key]), 2, language) if key in nrr else "—"
              for key in skm.ELEMENTS]  # fmt: skip
    _table(page, element_columns, [values])
    page.set_font(FONT, "", 7)
    page.set_text_color(*MUTED)
    legend = "  ".join(f"{key.upper()} {names[key]}" for key in skm.ELEMENTS)
    page.multi_cell(CONTENT_MM, 3.4, legend, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    page.set_text_color(0, 0, 0)
    return _finish(page, letterhead, signed_on)


def _score(index: skm.Index, language: str) -> str:
    return "—" if index.ikm is None else decimal_text(float(index.ikm), 2, language)


def _performance(index: skm.Index, language: str) -> str:
    if index.grade is None:
        return "—"
    if language == "en":
        return skm.PERFORMANCE_EN[index.grade]
    return index.performance or TEXTS[language].get(f"grade_{index.grade}", "")


def city_summary_report_pdf(
    store: CentralStore, result: CitySummary, letterhead: CityLetterhead, signed: date,
    language: str, service: str | None = None,
) -> bytes:  # fmt: skip
    """`city_summary_pdf` with each office's IKM of the same period when the summary is by
    office alone over every service (blocking: reads the survey answers)."""
    inner = [group for group in result.groups if group != OFFICE_GROUP]
    answers = None if inner or service else city_skm(store, result.first, result.last)
    return city_summary_pdf(result, letterhead, signed, language, answers, service)


def check_printable(result: CitySummary) -> None:
    """BadReportRequest unless the summary fits a printed report: office and at most two
    more groups (the page's width), at most PDF_ROWS_MAX rows (a year by day is for CSV)."""
    inner = [group for group in result.groups if group != OFFICE_GROUP]
    if len(inner) > PDF_INNER_GROUPS_MAX:
        raise BadReportRequest(
            f"PDF paling banyak office dan {PDF_INNER_GROUPS_MAX} pengelompokan lain; "
            "unduh CSV atau XLSX untuk lebih banyak",
            f"a PDF takes office and at most {PDF_INNER_GROUPS_MAX} more groups; "
            "download CSV or XLSX for more",
        )
    rows = sum(len(summary.rows) for _office, summary in result.by_office) if inner else 0
    if rows > PDF_ROWS_MAX:
        raise BadReportRequest(
            f"PDF paling banyak {PDF_ROWS_MAX} baris, yang diminta {rows}: persempit periode "
            "atau pengelompokan, atau unduh CSV atau XLSX",
            f"a PDF takes at most {PDF_ROWS_MAX} rows, this one has {rows}: narrow the "
            "period or the groups, or download CSV or XLSX",
        )


def signed_on(now: datetime, last: date) -> date:
    """The date under the signature: the period's last day, or today (in the city's own
    date, WIB, as the default month of the reports page) while the period runs."""
    return min(last, now.astimezone(CITY_ZONE).date())
