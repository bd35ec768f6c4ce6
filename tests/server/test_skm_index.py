"""The IKM arithmetic of Permenpan RB 14/2017, against figures worked out by hand here.

Method: NRR per element = sum of its answers ÷ respondents; NRR weighted = NRR × 1/9;
IKM = Σ NRR weighted × 25, rounded half up to 2 decimals; graded on the rounded value.
A handy identity for checking by hand: IKM = 25 × (sum of all answers) ÷ (9 × respondents).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from server.reports.skm import (
    AnswerSums,
    grade_of,
    index_of,
    required_respondents,
    round_half_up,
    total,
)


def sums_of(*respondents: tuple[int, ...]) -> AnswerSums:
    """The sums of a few respondents' nine answers (a tiny independent helper)."""
    return AnswerSums(
        len(respondents), tuple(sum(answers[i] for answers in respondents) for i in range(9))
    )


def test_four_respondents_worked_by_hand() -> None:
    # respondent 1: 4 4 3 4 3 3 4 2 3 (sum 30)
    # respondent 2: 3 3 3 4 3 3 3 2 3 (sum 27)
    # respondent 3: 4 3 2 4 3 4 4 1 3 (sum 28)
    # respondent 4: 3 3 3 4 4 3 4 2 2 (sum 28)
    # per element sums: 14 13 11 16 13 13 15 7 11 -> NRR 3.5 3.25 2.75 4 3.25 3.25 3.75
    # 1.75 2.75; Σ NRR = 28.25; Σ NRR/9 = 3.138888…; IKM = 78.4722… -> 78.47, B Baik
    answers = sums_of(
        (4, 4, 3, 4, 3, 3, 4, 2, 3),
        (3, 3, 3, 4, 3, 3, 3, 2, 3),
        (4, 3, 2, 4, 3, 4, 4, 1, 3),
        (3, 3, 3, 4, 4, 3, 4, 2, 2),
    )
    index = index_of(answers)
    assert index.respondents == 4
    assert index.nrr is not None and index.weighted is not None
    assert index.nrr["u1"] == Fraction(7, 2) and index.nrr["u8"] == Fraction(7, 4)
    assert index.weighted["u4"] == Fraction(4, 9)
    assert index.ikm == Decimal("78.47")
    assert (index.grade, index.performance) == ("B", "Baik")
    # the lowest NRR first: u8 1.75, then u3 and u9 at 2.75 (in element order)
    assert index.weakest == ("u8", "u3", "u9")


def test_everyone_answering_4_is_100_and_everyone_answering_1_is_25() -> None:
    assert index_of(AnswerSums(10, (40,) * 9)).ikm == Decimal("100.00")
    lowest = index_of(AnswerSums(10, (10,) * 9))
    assert lowest.ikm == Decimal("25.00") and lowest.grade == "D"


def test_no_respondents_gives_nulls() -> None:
    index = index_of(AnswerSums(0, (0,) * 9))
    assert (index.nrr, index.ikm, index.grade, index.performance) == (None, None, None, None)
    assert index.weakest == ()


# IKM = 25·S/(9n). With n respondents and S the sum of all their answers:
# n = 36: IKM = 25·S/324.
#   S = 1145 -> 88.3487… -> 88.35 A;   S = 1144 -> 88.2716… -> 88.27 B
# n = 900 (9n = 8100): IKM = S/324
#   S = 28613 -> 88.3117… -> 88.31 A (the lowest A)
#   S = 28610 -> 88.3024… -> 88.30 B (the highest B)
#   S = 24823 -> 76.6142… -> 76.61 B (the lowest B)
#   S = 24821 -> 76.6080… -> 76.61 B: rounds up onto the B boundary
#   S = 24819 -> 76.6018… -> 76.60 C (the highest C)
#   S = 21060 -> 65.0000  -> 65.00 C (the lowest C, exact)
#   S = 21059 -> 64.9969… -> 65.00 C: rounds up to 65.00, graded C, not D
#   S = 21057 -> 64.9907… -> 64.99 D
# Exact halves of a cent, n = 5000 (9n = 45000): IKM = S/1800
#   S = 158949 -> 88.305 exactly -> 88.31 A;  S = 137889 -> 76.605 -> 76.61 B;
#   S = 116991 -> 64.995 -> 65.00 C (a float would round 64.995 down to 64.99)
@pytest.mark.parametrize(
    ("respondents", "sum_of_all", "ikm", "grade"),
    [
        (36, 1145, "88.35", "A"),
        (36, 1144, "88.27", "B"),
        (900, 28613, "88.31", "A"),
        (900, 28610, "88.30", "B"),
        (900, 24823, "76.61", "B"),
        (900, 24821, "76.61", "B"),
        (900, 24819, "76.60", "C"),
        (900, 21060, "65.00", "C"),
        (900, 21059, "65.00", "C"),
        (900, 21057, "64.99", "D"),
        (5000, 158949, "88.31", "A"),
        (5000, 137889, "76.61", "B"),
        (5000, 116991, "65.00", "C"),
    ],
)
def test_grades_at_the_boundaries_are_taken_on_the_rounded_ikm(
    respondents: int, sum_of_all: int, ikm: str, grade: str
) -> None:
    # spread the total over the nine elements (only the total matters for the IKM)
    base, extra = divmod(sum_of_all, 9)
    sums = tuple(base + (1 if index < extra else 0) for index in range(9))
    index = index_of(AnswerSums(respondents, sums))
    assert index.ikm == Decimal(ikm)
    assert index.grade == grade


def test_rounding_is_half_up_and_the_grade_bounds_are_inclusive() -> None:
    assert round_half_up(Fraction(88305, 1000)) == Decimal("88.31")
    assert round_half_up(Fraction(64995, 1000)) == Decimal("65.00")
    assert round_half_up(Fraction(88304999, 1000000)) == Decimal("88.30")
    # binary floating point rounds some halves down (64.005 is 64.00499… as a float): why
    # exact arithmetic is used
    assert round(64.005, 2) == 64.0
    assert round_half_up(Fraction(64005, 1000)) == Decimal("64.01")
    assert grade_of(Decimal("100.00")) == ("A", "Sangat Baik")
    assert grade_of(Decimal("88.31")) == ("A", "Sangat Baik")
    assert grade_of(Decimal("88.30")) == ("B", "Baik")
    assert grade_of(Decimal("76.61")) == ("B", "Baik")
    assert grade_of(Decimal("76.60")) == ("C", "Kurang Baik")
    assert grade_of(Decimal("65.00")) == ("C", "Kurang Baik")
    assert grade_of(Decimal("64.99")) == ("D", "Tidak Baik")
    assert grade_of(Decimal("25.00")) == ("D", "Tidak Baik")


def test_totals_add_services_together() -> None:
    combined = total([AnswerSums(2, (6,) * 9), AnswerSums(3, (12,) * 9)])
    assert combined == AnswerSums(5, (18,) * 9)
    # 18/5 = 3.6 per element -> IKM = 3.6 × 25 = 90.00
    assert index_of(combined).ikm == Decimal("90.00")


@pytest.mark.parametrize(
    ("population", "needed"),
    # s = 3.841·N·0.25 / (0.0025·(N−1) + 0.96025), worked by hand and rounded UP (the
    # published table rounds to the nearest: 44 for 50, 217 for 500):
    # 10 -> 9.771 -> 10; 50 -> 48.0125/1.08275 = 44.34 -> 45; 100 -> 96.025/1.20775 = 79.51
    # -> 80; 500 -> 480.125/2.20775 = 217.47 -> 218; 1000 -> 960.25/3.45775 = 277.71 -> 278
    [(0, 0), (1, 1), (10, 10), (50, 45), (100, 80), (500, 218), (1000, 278), (5000, 357),
     (10000, 370), (100000, 383), (1000000, 384)],
)  # fmt: skip
def test_required_respondents_follow_krejcie_morgan(population: int, needed: int) -> None:
    assert required_respondents(population) == needed
