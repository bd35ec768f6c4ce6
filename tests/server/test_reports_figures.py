"""The reports' arithmetic alone: percentiles, figures, groups and request parsing."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.reports.figures import Stats, figures_of, percentile
from server.reports.request import BadReportRequest, parse_groups, parse_month, parse_range
from server.reports.summary import Group, summarize
from server.reports.visit import Visit, VisitStatus, ended, visit_from_record

JAKARTA = ZoneInfo("Asia/Jakarta")
durations = st.lists(
    st.floats(min_value=0, max_value=86_400, allow_nan=False), min_size=2, max_size=60
)


@given(durations)
def test_median_and_p90_interpolate_like_the_inclusive_quantiles(values: list[float]) -> None:
    ordered = sorted(values)
    # the standard library's "inclusive" method is the same linear interpolation
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert percentile(ordered, 0.9) == pytest.approx(deciles[8], abs=1e-6)
    assert percentile(ordered, 0.5) == pytest.approx(statistics.median(values), abs=1e-6)
    assert percentile(ordered, 0.0) == ordered[0] and percentile(ordered, 1.0) == ordered[-1]


@given(st.floats(min_value=0, max_value=86_400, allow_nan=False))
def test_one_value_is_every_statistic(value: float) -> None:
    assert Stats.of([value]) == Stats(value, value, value, value, count=1)


def test_percentiles_worked_by_hand() -> None:
    # rank (4 - 1) * 0.9 = 2.7: 30 + 0.7 * (40 - 30)
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.9) == pytest.approx(37.0)
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.5) == pytest.approx(25.0)
    assert Stats.of([]).to_json() == {"mean": None, "median": None, "p90": None, "max": None}
    with pytest.raises(ValueError):
        percentile([], 0.5)


def visit(
    number: str, status: VisitStatus, issued: str, called: str | None = None,
    finished: str | None = None, service: str = "A", day: date = date(2026, 11, 23),
) -> Visit:  # fmt: skip
    def moment(text: str | None) -> datetime | None:
        if text is None:
            return None
        hours, minutes = (int(part) for part in text.split(":"))
        return datetime.combine(day, datetime.min.time(), JAKARTA) + timedelta(
            hours=hours, minutes=minutes
        )

    issued_at = moment(issued)
    assert issued_at is not None
    return Visit.of(
        number=number, service=service, issued_service=service, priority=False, status=status,
        day=day, issued_at=issued_at, called_at=moment(called), finished_at=moment(finished),
        counter=1 if called else None, clerk=None,
    )  # fmt: skip


def test_only_served_visits_have_times_and_count_for_the_standard() -> None:
    visits = [
        # waits 600, 660, 3600: mean 4860 / 3; p90 at rank 1.8 = 660 + 0.8 * 2940
        visit("A001", VisitStatus.DONE, "08:00", "08:10", "08:15"),  # 600 s: within 10 min
        visit("A002", VisitStatus.DONE, "08:00", "08:11", "08:12"),  # 660 s: over
        visit("A003", VisitStatus.NO_SHOW, "08:00", "08:20", "08:21"),
        visit("B001", VisitStatus.DONE, "08:00", "09:00", "09:01", service="B"),  # no target
        visit("A004", VisitStatus.VOIDED, "08:30", finished="08:30"),
    ]
    figures = figures_of(visits, {"A": 600.0})
    assert (figures.issued, figures.served, figures.no_show, figures.voided) == (5, 3, 1, 1)
    assert figures.wait_s.to_json() == {"mean": 1620.0, "median": 660.0, "p90": 3012.0,
                                        "max": 3600.0}  # fmt: skip
    assert figures.within_standard == 0.5
    assert visits[2].wait_s is None and visits[2].service_s is None


def test_waiting_and_called_visits_of_an_ended_day_are_unserved() -> None:
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    visits = [
        visit("A001", VisitStatus.WAITING, "08:00", day=monday),
        visit("A002", VisitStatus.CALLED, "08:00", "08:05", day=monday),
        visit("A001", VisitStatus.WAITING, "08:00", day=tuesday),
    ]
    assert [v.status for v in ended(visits, today=tuesday)] == [
        VisitStatus.UNSERVED, VisitStatus.UNSERVED, VisitStatus.WAITING,
    ]  # fmt: skip


def test_groups_read_the_office_local_hour_and_iso_week() -> None:
    late = visit("A001", VisitStatus.DONE, "23:30", "23:40", "23:45", day=date(2026, 11, 29))
    result = summarize(
        [late], date(2026, 11, 29), date(2026, 11, 29),
        [Group.WEEK, Group.WEEKDAY, Group.HOUR, Group.MONTH], {}, JAKARTA,
    )  # fmt: skip
    # Sunday 29 November 2026 23:30 in Jakarta is 16:30 UTC: hour 23, ISO week 48, day 7
    keys = dict(result.rows[0].keys)
    assert keys == {Group.WEEK: "2026-W48", Group.WEEKDAY: 7, Group.HOUR: 23,
                    Group.MONTH: "2026-11"}  # fmt: skip
    assert result.heatmap[6][23] == 1


def test_a_visit_rebuilt_from_a_ticket_record_is_the_same() -> None:
    record = {
        "id": 4, "day": "2026-11-23", "number": "A003", "issued_service": "A", "service": "B",
        "priority": True, "status": "done", "issued_at": "2026-11-23T08:20:00+07:00",
        "counter": 2, "called_at": "2026-11-23T09:10:00+07:00",
        "finished_at": "2026-11-23T09:20:00+07:00", "recalls": 1, "requeued": False,
        "transferred_from": "A", "clerk": "Siti", "transfers": 1, "requeues": 0,
    }  # fmt: skip
    rebuilt = visit_from_record(record)
    assert (rebuilt.wait_s, rebuilt.service_s, rebuilt.clerk, rebuilt.transfers) == (
        3000.0, 600.0, "Siti", 1,
    )  # fmt: skip
    assert rebuilt.to_json(JAKARTA)["issued_at"] == "2026-11-23T08:20:00+07:00"
    older = {key: value for key, value in record.items()
             if key not in {"clerk", "transfers", "requeues"}}  # fmt: skip
    assert visit_from_record(older).transfers == 1 and visit_from_record(older).clerk is None


def test_ranges_months_and_groups_are_read_strictly() -> None:
    assert parse_range("2024-01-01", "2024-12-31") == (date(2024, 1, 1), date(2024, 12, 31))
    assert parse_month("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert parse_month("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert parse_groups("Day, service") == (Group.DAY, Group.SERVICE)
    assert parse_groups(None) == ()
    for bad in ("2026-13", "2026-1", "26-01", "２０２６-01"):
        with pytest.raises(BadReportRequest):
            parse_month(bad)
    with pytest.raises(BadReportRequest) as raised:
        parse_range("2024-01-01", "2025-01-01")  # 367 days
    assert raised.value.message("en") == "a report covers at most 366 days"


def test_a_day_of_midnight_utc_is_read_in_office_time() -> None:
    moment = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)  # 00:30 on the 24th in Jakarta
    night = Visit.of("A001", "A", "A", False, VisitStatus.VOIDED, date(2026, 11, 24), moment,
                  None, moment, None, None)  # fmt: skip
    result = summarize([night], night.day, night.day, [Group.HOUR], {}, JAKARTA)
    assert dict(result.rows[0].keys) == {Group.HOUR: 0}
