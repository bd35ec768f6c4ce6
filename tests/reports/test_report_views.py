"""What the /admin report pages show, from hand-made figures: periods, totals, SVG charts."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest

from server.config import parse_config
from server.web.phone_text import Language
from server.web.report_views import BadPeriod, PeriodKind, period_of, report_view, skm_view
from tests.reports.samples import BY_DAY, BY_SERVICE, SKM, TOTAL

TUESDAY = date(2026, 12, 1)
XSS = '<img src=x onerror="alert(1)">'


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ({"period": "today"}, TUESDAY, TUESDAY),
        ({"period": "week"}, date(2026, 11, 30), TUESDAY),  # from Monday
        ({"period": "month"}, date(2026, 12, 1), TUESDAY),
        ({}, date(2026, 12, 1), TUESDAY),
        ({"period": "range", "from": "2026-11-01", "to": "2026-11-30"},
         date(2026, 11, 1), date(2026, 11, 30)),
    ],
)  # fmt: skip
def test_the_period_picker_gives_office_days(
    query: dict[str, str], first: date, last: date
) -> None:
    period = period_of(query, TUESDAY)
    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize(
    "query",
    [{"period": "range", "from": "2026-11-31", "to": "2026-12-01"},
     {"period": "range", "from": "2026-12-02", "to": "2026-12-01"},
     {"period": "range", "from": "2025-01-01", "to": "2026-12-01"},
     {"period": "range", "from": "２０２６-11-01", "to": "2026-12-01"}],
)  # fmt: skip
def test_a_bad_range_is_named(query: dict[str, str]) -> None:
    with pytest.raises(BadPeriod):
        period_of(query, TUESDAY)


def settings_with_markup() -> object:
    return parse_config(
        {
            "services": [{"code": "A", "name": XSS}, {"code": "B", "name": "Perizinan"}],
            "counters": [{"number": 1, "services": ["A", "B"]}],
        }
    )


def test_the_report_view_has_totals_rows_charts_and_downloads() -> None:
    settings = settings_with_markup()
    period = period_of({"period": "range", "from": "2026-11-01", "to": "2026-11-30"}, TUESDAY)
    assert period.kind is PeriodKind.RANGE
    heatmap = [[0] * 24 for _ in range(7)]
    heatmap[0][9] = 42  # Monday 09.00
    by_day = {"rows": BY_DAY, "total": TOTAL, "heatmap": heatmap,
              "busiest_hours": [{"hour": 9, "issued": 42}]}  # fmt: skip
    by_service = {"rows": BY_SERVICE, "total": TOTAL}
    view = report_view(settings, period, "service", by_day, by_service, by_service,  # type: ignore[arg-type]
                       Language.INDONESIAN)  # fmt: skip
    assert view["total"]["issued"] == 600
    assert view["total"]["wait_mean"] == "17,6 menit"  # 1059 s
    assert view["total"]["within_standard"] == "76,5%"
    assert [row["label"] for row in view["rows"]] == [f"A {XSS}", "B Perizinan"]
    assert view["busiest"] == ["09.00–10.00: 42 tiket"]
    for name, chart in view["charts"].items():
        svg = ElementTree.fromstring(str(chart))  # well-formed: the name was escaped
        assert svg.tag.endswith("svg"), name
    assert "&lt;img src=x" in str(view["charts"]["standard"])
    assert "<img" not in str(view["charts"]["standard"])
    assert "Senin 09.00: 42" in str(view["charts"]["heatmap"])
    assert "12,5" in str(view["charts"]["service"])  # A's bar: 750 s
    links = dict(view["downloads"])
    assert links["Ringkasan (XLSX)"] == (
        "/api/v1/reports/summary?from=2026-11-01&to=2026-11-30&group=service&format=xlsx&lang=id"
    )
    assert links["Laporan bulanan 2026-11 (PDF)"] == (
        "/api/v1/reports/monthly?month=2026-11&format=pdf&lang=id"
    )


def test_the_skm_view_names_the_weakest_elements() -> None:
    period = period_of({"period": "month"}, TUESDAY)
    view = skm_view(SKM, period, Language.INDONESIAN)
    assert (view["ikm"], view["grade"], view["respondents"]) == ("81,25", "B", 120)
    assert view["required"] == "minimal 100"
    # the lowest NRR: u8 2.50, u3 2.75, then u5 and u9 3.00 (u5 first, in element order)
    assert [item["name"] for item in view["weakest"]] == [
        "U8 Penanganan Pengaduan, Saran dan Masukan", "U3 Waktu Penyelesaian",
        "U5 Produk Spesifikasi Jenis Pelayanan"]  # fmt: skip
    assert view["comments"][1] == '<script>alert("x")</script>'  # escaped by the page
    ElementTree.fromstring(str(view["chart"]))


def test_the_skm_view_without_respondents() -> None:
    view = skm_view({"respondents": 0}, period_of({}, TUESDAY), Language.ENGLISH)
    assert view["has_data"] is False and len(view["downloads"]) == 2
