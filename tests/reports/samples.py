"""Hand-made report figures in the JSON shapes of DESIGN.md, for the exporters' tests.

The numbers are chosen so that what a report shows can be worked out by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from server.config import parse_config
from server.domain.settings import OfficeSettings
from server.reports.monthly import MonthlyReport, build_monthly


def stats(mean: float | None, median: float | None = None, p90: float | None = None,
          maximum: float | None = None) -> dict[str, float | None]:  # fmt: skip
    return {"mean": mean, "median": median, "p90": p90, "max": maximum}


def figures(issued: int, served: int, no_show: int, unserved: int, wait_mean: float | None,
            within: float | None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "issued": issued, "served": served, "no_show": no_show, "voided": 0,
        "unserved": unserved, "transferred": 0, "requeued": 0,
        "wait_s": stats(wait_mean, wait_mean, wait_mean, wait_mean),
        "service_s": stats(300.0, 300.0, 300.0, 300.0),
        "within_standard": within, **extra,
    }  # fmt: skip


# service A: 400 issued, 360 served, mean wait 12.5 min; B: 200 issued, 150 served, 30 min
BY_SERVICE = [
    figures(400, 360, 30, 10, 750.0, 0.875, service="A"),
    figures(200, 150, 40, 10, 1800.0, 0.5, service="B"),
]
TOTAL = figures(600, 510, 70, 20, 1059.0, 0.7647)
TOTAL["wait_s"] = {"mean": 1059.0, "median": 840.0, "p90": 2400.0, "max": 5400.0}
# two days: 2 Nov mean wait 10 min, 3 Nov 20 min
BY_DAY = [
    figures(300, 260, 30, 10, 600.0, 0.9, day="2026-11-02"),
    figures(300, 250, 40, 10, 1200.0, 0.6, day="2026-11-03"),
]
SKM = {
    "respondents": 120,
    "nrr": {
        "u1": 3.5,
        "u2": 3.25,
        "u3": 2.75,
        "u4": 4.0,
        "u5": 3.0,
        "u6": 3.5,
        "u7": 3.75,
        "u8": 2.5,
        "u9": 3.0,
    },
    "ikm": 81.25,  # Σ NRR = 29.25; 29.25 × 1/9 × 25 = 81.25
    "grade": "B",
    "performance": "Baik",
    "required_respondents": 100,
    "profile": {"gender": {"L": 70, "P": 50}, "education": {"SMA": 80, "S1": 40}},
    "suggestions": [
        {"day": "2026-11-02", "service": "A", "comment": "Ruang tunggu panas"},
        {"day": "2026-11-03", "service": "B", "comment": '<script>alert("x")</script>'},
        {"day": "2026-11-04", "service": "A", "comment": "=1+1"},
    ],
}


def settings() -> OfficeSettings:
    return parse_config(
        {
            "office": {
                "name": "Kecamatan Karawaci",
                "region": "Pemerintah Kota Tangerang",
                "address": "Jl. Raya Karawaci No. 1, Kota Tangerang 15115",
                "head_name": "Drs. H. Ahmad Fauzi, M.Si.",
                "head_nip": "19800101 200501 1 001",
            },
            "services": [
                {"code": "A", "name": "Administrasi Kependudukan", "target_wait_minutes": 15},
                {"code": "B", "name": "Perizinan", "target_wait_minutes": 30},
            ],
            "counters": [{"number": 1, "services": ["A", "B"]}],
        }
    )


def monthly(skm: dict[str, Any] | None = SKM) -> MonthlyReport:
    return build_monthly(settings(), date(2026, 11, 1), TOTAL, BY_SERVICE, BY_DAY, skm)
