"""The SKM index (IKM) as Permenpan RB 14/2017 computes it, in exact arithmetic.

Pure: sums of answers in, figures out. Per element, NRR = sum of its answers ÷ respondents;
the weighted NRR = NRR × 1/9 (nine elements, equal weight); IKM = Σ weighted NRR × 25
(the 1–4 scale converted to 25–100). NRR stay exact fractions; only the IKM is rounded,
half up to 2 decimals, and graded on that rounded value:

    A Sangat Baik 88.31–100 · B Baik 76.61–88.30 · C Kurang Baik 65.00–76.60 ·
    D Tidak Baik 25.00–64.99

The respondents a period needs (Krejcie & Morgan, 1970) for N visitors served:
s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)), X² = 3.841, P = 0.5, d = 0.05, rounded up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

ELEMENTS = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
ELEMENT_NAMES: Mapping[str, Mapping[str, str]] = {
    "id": {
        "u1": "Persyaratan",
        "u2": "Sistem, Mekanisme, dan Prosedur",
        "u3": "Waktu Penyelesaian",
        "u4": "Biaya/Tarif",
        "u5": "Produk Spesifikasi Jenis Pelayanan",
        "u6": "Kompetensi Pelaksana",
        "u7": "Perilaku Pelaksana",
        "u8": "Penanganan Pengaduan, Saran dan Masukan",
        "u9": "Sarana dan Prasarana",
    },
    "en": {
        "u1": "Requirements",
        "u2": "Systems, mechanisms and procedures",
        "u3": "Completion time",
        "u4": "Cost/fee",
        "u5": "Service products",
        "u6": "Staff competence",
        "u7": "Staff conduct",
        "u8": "Handling of complaints, suggestions and feedback",
        "u9": "Facilities and infrastructure",
    },
}
WEIGHT = Fraction(1, len(ELEMENTS))
SCALE_FACTOR = 25
# the lower bound of each grade, on the IKM rounded to 2 decimals
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("0"), "D", "Tidak Baik"),
)
PERFORMANCE_EN = {"A": "Very good", "B": "Good", "C": "Poor", "D": "Bad"}
WEAKEST_SHOWN = 3
# Krejcie–Morgan: chi-square for 1 degree of freedom at 95 %, population proportion, margin
CHI_SQUARE = Fraction(3841, 1000)
PROPORTION = Fraction(1, 2)
MARGIN = Fraction(5, 100)


@dataclass(frozen=True, slots=True)
class AnswerSums:
    """How many answered, and the sum of each element's answers (u1..u9)."""

    respondents: int
    sums: tuple[int, ...]

    def __add__(self, other: AnswerSums) -> AnswerSums:
        return AnswerSums(
            self.respondents + other.respondents,
            tuple(mine + theirs for mine, theirs in zip(self.sums, other.sums, strict=True)),
        )


NO_ANSWERS = AnswerSums(0, (0,) * len(ELEMENTS))


@dataclass(frozen=True, slots=True)
class Index:
    """The figures of one set of answers; all None when there were no respondents."""

    respondents: int
    nrr: dict[str, Fraction] | None
    weighted: dict[str, Fraction] | None
    ikm_exact: Fraction | None
    ikm: Decimal | None  # rounded half up to 2 decimals
    grade: str | None
    performance: str | None
    weakest: tuple[str, ...]  # the lowest NRR first (ties in element order)


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """`value` rounded half up (away from zero for these positive values) to `places`."""
    scale = 10**places
    units = math.floor(value * scale + Fraction(1, 2))
    return Decimal(units).scaleb(-places)


def grade_of(ikm: Decimal) -> tuple[str, str]:
    """(grade, performance) of a rounded IKM."""
    for lowest, grade, performance in GRADES:
        if ikm >= lowest:
            return grade, performance
    raise AssertionError("unreachable: the last grade has no lower bound")


def index_of(answers: AnswerSums) -> Index:
    """NRR per element, weighted NRR, IKM, grade, performance and the weakest elements."""
    if answers.respondents <= 0:
        return Index(0, None, None, None, None, None, None, ())
    nrr = {
        key: Fraction(total, answers.respondents)
        for key, total in zip(ELEMENTS, answers.sums, strict=True)
    }
    weighted = {key: value * WEIGHT for key, value in nrr.items()}
    exact = sum(weighted.values(), Fraction(0)) * SCALE_FACTOR
    rounded = round_half_up(exact)
    grade, performance = grade_of(rounded)
    order = sorted(ELEMENTS, key=lambda key: (nrr[key], ELEMENTS.index(key)))
    return Index(
        answers.respondents, nrr, weighted, exact, rounded, grade, performance,
        tuple(order[:WEAKEST_SHOWN]),
    )  # fmt: skip


def required_respondents(population: int) -> int:
    """Krejcie–Morgan sample size for `population` visitors served (0 for none)."""
    if population <= 0:
        return 0
    variance = PROPORTION * (1 - PROPORTION)
    size = (CHI_SQUARE * population * variance) / (
        MARGIN**2 * (population - 1) + CHI_SQUARE * variance
    )
    return math.ceil(size)


def total(groups: Iterable[AnswerSums]) -> AnswerSums:
    result = NO_ANSWERS
    for group in groups:
        result = result + group
    return result
