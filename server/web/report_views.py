"""What the /admin report and SKM pages show, built from the reports' JSON figures.

Pure: the period picker's choice becomes dates; summaries (`/api/v1/reports/summary`
JSON) and the SKM result become totals, tables, SVG charts (`server.reports.charts`) and
download links. The pages render these with Jinja2; charts are already escaped SVG.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from server.domain.settings import OfficeSettings
from server.reports import charts
from server.reports.export_text import ELEMENT_KEYS, SKM_ELEMENTS, WEEKDAYS, suggestions_of
from server.web.phone_text import Language
from server.web.report_text import REPORT_TEXTS

Figures = Mapping[str, Any]
GROUPS = ("day", "week", "month", "weekday", "hour", "service", "counter", "clerk")
WEAKEST_SHOWN = 3
MAX_RANGE_DAYS = 366


class PeriodKind(StrEnum):
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"
    RANGE = "range"


class BadPeriod(ValueError):
    """The picker's dates cannot be read; the message is shown on the page."""


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    first: date
    last: date

    def query(self, **extra: str) -> str:
        """The API query of this period, with `extra` parameters."""
        return urlencode({"from": self.first.isoformat(), "to": self.last.isoformat(), **extra})


def _date(text: str, name: str) -> date:
    if not (len(text) == 10 and text.isascii()):
        raise BadPeriod(f"'{name}' harus tanggal YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise BadPeriod(f"'{name}' bukan tanggal yang ada") from exc


def period_of(query: Mapping[str, str], today: date) -> Period:
    """`?period=today|week|month|range&from=…&to=…` as dates (office-local, inclusive)."""
    text = query.get("period", "month")
    kind = PeriodKind(text) if text in set(PeriodKind) else PeriodKind.MONTH
    if kind is PeriodKind.TODAY:
        return Period(kind, today, today)
    if kind is PeriodKind.WEEK:
        return Period(kind, today - timedelta(days=today.weekday()), today)
    if kind is PeriodKind.MONTH:
        return Period(kind, today.replace(day=1), today)
    first = _date(query.get("from", ""), "from")
    last = _date(query.get("to", ""), "to")
    if last < first:
        raise BadPeriod("'to' lebih awal dari 'from'")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise BadPeriod(f"paling lama {MAX_RANGE_DAYS} hari")
    return Period(kind, first, last)


def group_of(query: Mapping[str, str]) -> str:
    group = query.get("group", "day")
    return group if group in GROUPS else "day"


def _minutes(seconds: object) -> float | None:
    return None if seconds is None else float(seconds) / 60  # type: ignore[arg-type]


def _minutes_text(seconds: object, language: Language) -> str:
    value = _minutes(seconds)
    if value is None:
        return "—"
    number = f"{value:.1f}"
    if language is Language.INDONESIAN:
        number = number.replace(".", ",")
    return REPORT_TEXTS[language]["minutes"].format(value=number)


def _percent_text(share: object, language: Language) -> str:
    if share is None:
        return "—"
    number = f"{float(share) * 100:.1f}"  # type: ignore[arg-type]
    return (number.replace(".", ",") if language is Language.INDONESIAN else number) + "%"


def _service_name(settings: OfficeSettings, code: object, language: Language) -> str:
    service = settings.service(str(code))
    if service is None:
        return str(code)
    return f"{code} {service.name_en if language is Language.ENGLISH else service.name}"


def _group_label(group: str, value: object, settings: OfficeSettings, language: Language) -> str:
    if value is None:
        return "—"
    if group == "service":
        return _service_name(settings, value, language)
    if group == "weekday" and isinstance(value, int) and 1 <= value <= 7:
        return WEEKDAYS[str(language)][value - 1]
    if group == "hour" and isinstance(value, int):
        return f"{value:02d}.00"
    if group == "counter":
        counter = settings.counter(int(value)) if isinstance(value, int) else None
        return counter.name if counter is not None and counter.name else f"Loket {value}"
    return str(value)


def _row(figures: Figures, label: str, language: Language) -> dict[str, Any]:
    wait: Mapping[str, Any] = figures.get("wait_s") or {}
    return {
        "label": label,
        "issued": figures.get("issued", 0),
        "served": figures.get("served", 0),
        "no_show": figures.get("no_show", 0),
        "unserved": figures.get("unserved", 0),
        "wait_mean": _minutes_text(wait.get("mean"), language),
        "wait_median": _minutes_text(wait.get("median"), language),
        "wait_p90": _minutes_text(wait.get("p90"), language),
        "within_standard": _percent_text(figures.get("within_standard"), language),
    }


def report_view(
    settings: OfficeSettings,
    period: Period,
    group: str,
    by_day: Figures,
    by_service: Figures,
    grouped: Figures,
    language: Language,
) -> dict[str, Any]:
    """Totals, charts, the table of the chosen group and the download links."""
    texts = REPORT_TEXTS[language]
    lang = str(language)
    day_points = [(str(row.get("day", ""))[5:].replace("-", "/"),
                   _minutes((row.get("wait_s") or {}).get("mean")))
                  for row in by_day.get("rows") or []]  # fmt: skip
    service_rows = list(by_service.get("rows") or [])
    service_points = [(str(row.get("service")), _minutes((row.get("wait_s") or {}).get("mean")))
                      for row in service_rows]  # fmt: skip
    shares = [(_service_name(settings, row.get("service"), language), row.get("within_standard"))
              for row in service_rows]  # fmt: skip
    heatmap: Sequence[Sequence[int]] = by_day.get("heatmap") or [[0] * 24 for _ in range(7)]
    busiest = list(by_day.get("busiest_hours") or [])
    busy_points = [(f"{busy['hour']:02d}.00", float(busy["issued"])) for busy in busiest]
    none = texts["no_data"]
    month = period.last.strftime("%Y-%m")
    summary = "/api/v1/reports/summary?"
    visits = "/api/v1/reports/visits?"
    monthly = "/api/v1/reports/monthly?"
    downloads = [
        (texts["summary_csv"], summary + period.query(group=group, format="csv", lang=lang)),
        (texts["summary_xlsx"], summary + period.query(group=group, format="xlsx", lang=lang)),
        (texts["visits_csv"], visits + period.query(format="csv", lang=lang)),
        (texts["visits_xlsx"], visits + period.query(format="xlsx", lang=lang)),
        (
            texts["monthly_pdf"].format(month=month),
            monthly + urlencode({"month": month, "format": "pdf", "lang": lang}),
        ),
        (
            texts["monthly_xlsx"].format(month=month),
            monthly + urlencode({"month": month, "format": "xlsx", "lang": lang}),
        ),
    ]
    total: Figures = grouped.get("total") or {}
    return {
        "period": period,
        "group": group,
        "groups": GROUPS,
        "total": _row(total, texts["total"], language),
        "has_data": bool(total.get("issued")),
        "rows": [
            _row(row, _group_label(group, row.get(group), settings, language), language)
            for row in grouped.get("rows") or []
        ],
        "charts": {
            "day": Markup(charts.bar_chart(day_points, texts["chart_day"], lang, empty=none)),
            "service": Markup(
                charts.bar_chart(service_points, texts["chart_service"], lang, empty=none)
            ),
            "standard": Markup(charts.share_bars(shares, texts["chart_standard"], lang)),
            "heatmap": Markup(charts.heatmap(heatmap, WEEKDAYS[lang], texts["chart_heatmap"])),
            "busiest": Markup(
                charts.bar_chart(busy_points, texts["chart_busiest"], lang, 0, empty=none)
            ),
        },
        "busiest": [
            texts["busiest_hour"].format(
                hour=f"{busy['hour']:02d}",
                next=f"{(busy['hour'] + 1) % 24:02d}",
                issued=busy["issued"],
            )
            for busy in busiest
        ],
        "downloads": downloads,
    }


def skm_view(skm: Figures | None, period: Period, language: Language) -> dict[str, Any]:
    """IKM, grade, the NRR per element as bars, the weakest elements, suggestions."""
    texts = REPORT_TEXTS[language]
    lang = str(language)
    names = SKM_ELEMENTS[lang]
    downloads = [
        (texts["skm_xlsx"], f"/api/v1/reports/skm?{period.query(format='xlsx', lang=lang)}"),
        (texts["skm_pdf"], f"/api/v1/reports/skm?{period.query(format='pdf', lang=lang)}"),
    ]
    if not skm or not skm.get("respondents"):
        return {"period": period, "has_data": False, "downloads": downloads}
    nrr: Mapping[str, Any] = skm.get("nrr") or {}
    elements: list[tuple[str, float | None]] = [
        (f"{key.upper()} {names[key]}", None if nrr.get(key) is None else float(nrr[key]))
        for key in ELEMENT_KEYS
    ]
    ranked = sorted(
        ((name, value) for name, value in elements if value is not None), key=lambda item: item[1]
    )
    ikm = skm.get("ikm")
    ikm_text = "—" if ikm is None else f"{float(ikm):.2f}"
    if language is Language.INDONESIAN:
        ikm_text = ikm_text.replace(".", ",")
    required = skm.get("required_respondents")
    return {
        "period": period,
        "has_data": True,
        "ikm": ikm_text,
        "grade": skm.get("grade") or "—",
        "performance": skm.get("performance") or "",
        "respondents": skm.get("respondents"),
        "required": texts["respondents_required"].format(required=required) if required else "",
        "chart": Markup(charts.score_bars(elements, texts["nrr_chart"], lang)),
        "weakest": [
            {"name": name, "nrr": f"{float(value):.2f}".replace(".", "," if lang == "id" else ".")}
            for name, value in ranked[:WEAKEST_SHOWN]
        ],
        "comments": [text for _, _, text in suggestions_of(skm) if text],
        "downloads": downloads,
    }
