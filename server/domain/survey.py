"""An SKM answer (Permenpan RB 14/2017): nine elements on 1-4, an optional profile, a comment.

Pure: parsing a submitted body into a `SurveyAnswer` and the rules it must keep. The
messages of `BadSurvey` are the key of a text (`server.web.survey_text`) and its values,
so the web edge says them in Indonesian or English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

# the keys follow the regulation's list of elements; a questionnaire may ask in another order
ELEMENTS = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
SCALE = (1, 2, 3, 4)
GENDERS = ("L", "P")
EDUCATIONS = ("tidak_sekolah", "SD", "SMP", "SMA", "D1-D3", "D4-S1", "S2", "S3", "lainnya")
OCCUPATIONS = ("PNS", "TNI", "POLRI", "swasta", "wirausaha", "pelajar", "lainnya")
MIN_AGE = 10
MAX_AGE = 120
MAX_COMMENT_CHARS = 1000
# the tablet shows the counter's last finished visitor for this long
TABLET_WINDOW = timedelta(minutes=15)


class Channel(StrEnum):
    """Where the answer was given."""

    PHONE = "phone"
    TABLET = "tablet"


class BadSurvey(ValueError):
    """A submitted survey that breaks a rule; `text` names the message, `values` fill it."""

    def __init__(self, text: str, **values: object) -> None:
        super().__init__(text)
        self.text = text
        self.values = values


@dataclass(frozen=True, slots=True)
class Respondent:
    """The optional profile the questionnaire asks for (personal data: kept apart)."""

    age: int | None = None
    gender: str | None = None
    education: str | None = None
    occupation: str | None = None

    @property
    def empty(self) -> bool:
        return self == Respondent()


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """One visitor's answer: `answers` in the order of `ELEMENTS`."""

    answers: tuple[int, ...]
    respondent: Respondent = Respondent()
    comment: str | None = None

    def as_dict(self) -> dict[str, int]:
        return dict(zip(ELEMENTS, self.answers, strict=True))


def parse_answer(body: Mapping[str, Any]) -> SurveyAnswer:
    """The body of `POST …/survey` (JSON, or a form turned into the same shape)."""
    answers = body.get("answers")
    if not isinstance(answers, Mapping):
        raise BadSurvey("answers_missing")
    unknown = sorted(str(key) for key in answers if key not in ELEMENTS)
    if unknown:
        raise BadSurvey("answer_unknown", key=unknown[0][:20])
    values = []
    for key in ELEMENTS:
        if key not in answers or answers[key] in (None, ""):
            raise BadSurvey("answer_missing", key=key)
        values.append(_scale_value(key, answers[key]))
    respondent = _respondent(body.get("respondent"))
    return SurveyAnswer(tuple(values), respondent, _comment(body.get("comment")))


def _scale_value(key: str, value: object) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 1:
        value = int(value)  # a plain HTML form sends text
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise BadSurvey("answer_range", key=key)
    return value


def _respondent(value: object) -> Respondent:
    if value is None:
        return Respondent()
    if not isinstance(value, Mapping):
        raise BadSurvey("respondent_object")
    unknown = sorted(
        str(key) for key in value if key not in ("age", "gender", "education", "occupation")
    )
    if unknown:
        raise BadSurvey("respondent_unknown", key=unknown[0][:20])
    return Respondent(
        age=_age(value.get("age")),
        gender=_choice("gender", value.get("gender"), GENDERS),
        education=_choice("education", value.get("education"), EDUCATIONS),
        occupation=_choice("occupation", value.get("occupation"), OCCUPATIONS),
    )


def _age(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip()[:4])
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_AGE <= value <= MAX_AGE:
        raise BadSurvey("age_range", low=MIN_AGE, high=MAX_AGE)
    return value


def _choice(field: str, value: object, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in allowed:
        raise BadSurvey("choice", field=field, allowed=", ".join(allowed))
    return value


def _comment(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadSurvey("comment_text")
    # control characters (other than line breaks) have no place in a suggestion
    text = "".join(char for char in value if char in "\n\t" or char.isprintable()).strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise BadSurvey("comment_long", limit=MAX_COMMENT_CHARS)
    return text or None
