"""Schema mistakes in words: msgspec's messages as Indonesian (or English) sentences.

msgspec says "Expected `int` >= 1 - at `$.services[1].quota`"; people read
"Pengaturan salah di Layanan B, kunci "quota": harus paling kecil 1, tertulis 0".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

import msgspec

from server import config_texts as texts
from server import settings_schema as schema
from server.config_texts import Path as KeyPath
from server.errors import ConfigError
from server.settings_schema import WEEKDAYS

_AT = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")
_EXPECTED = re.compile(r"^Expected `(?P<types>[^`]+)`, got `(?P<got>[^`]+)`$")
_LIMIT = re.compile(r"^Expected `(?P<type>[^`]+)` (?P<op>>=|<=|>|<) (?P<limit>[-\d.]+)$")
_LENGTH = re.compile(r"^Expected `(?P<type>str|array)` of length >= 1$")
_MISSING = re.compile(r"^Object missing required field `(?P<key>[^`]+)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<key>[^`]+)`$")
_CHOICE = re.compile(r"^Invalid enum value (?P<value>.+)$")

# which struct describes the table at a path (list positions written as 0)
_TABLES: dict[tuple[str | int, ...], type[msgspec.Struct]] = {
    (): schema.OfficeDocument,
    ("office",): schema.OfficeSection,
    ("priority",): schema.PrioritySection,
    ("hours",): schema.HoursSection,
    ("breaks", 0): schema.BreakSection,
    ("holidays", 0): schema.HolidaySection,
    ("services", 0): schema.ServiceSection,
    ("services", 0, "hours"): schema.HoursSection,
    ("services", 0, "priority"): schema.ServicePrioritySection,
    ("counters", 0): schema.CounterSection,
    ("server",): schema.ServerSection,
    ("survey",): schema.SurveySection,
    ("city",): schema.CitySection,
}
_TYPE_NAMES = {"int": "type.int", "float": "type.float", "str": "type.str", "bool": "type.bool",
               "array": "type.array", "object": "type.object", "date": "type.date"}  # fmt: skip


def decode(
    value: Any, struct: type[Any], prefix: KeyPath, document: Mapping[str, Any], language: str
) -> Any:
    """`value` as `struct`; a mistake is a ConfigError naming its place in `document`."""
    try:
        return schema.decode(value, struct)
    except msgspec.ValidationError as exc:
        raise _explain(str(exc), prefix, document, language) from None


def _explain(
    message: str, prefix: KeyPath, document: Mapping[str, Any], language: str
) -> ConfigError:
    """A msgspec message ("Expected `int` >= 1 - at `$.services[0].quota`") in words."""
    found = _AT.match(message)
    assert found is not None  # the pattern matches any text
    what = found.group("what")
    path: KeyPath = prefix + tuple(
        name if name else int(index) for name, index in _STEP.findall(found.group("path") or "")
    )
    got = texts.show_value(texts.lookup(document, path))

    def problem(text_id: str, key: str | None = None, /, **params: object) -> ConfigError:
        # a missing or unknown key is named in the message; its table is the place
        key_path = (*path, key) if key else path
        named = {"key": key} if key else {}
        return error(document, path, language, text_id, key_path=key_path, **named, **params)

    if match := _MISSING.match(what):
        key = match.group("key")
        hint_key = f"missing.hint.{key}"
        hint = texts.say(hint_key, language) if hint_key in texts.TEXTS["id"] else ""
        return problem("missing", key, hint=hint)
    if match := _UNKNOWN.match(what):
        key = match.group("key")
        struct = _TABLES.get(tuple(0 if isinstance(step, int) else step for step in path))
        allowed = schema.allowed_keys(struct) if struct is not None else ()
        return problem(
            "unknown_key", key,
            suggestion=texts.suggestion(key, allowed, language), allowed=", ".join(allowed),
        )  # fmt: skip
    if _is_day_spec(path) and (_EXPECTED.match(what) or _LENGTH.match(what)):
        return problem("time_range", value=texts.lookup(document, path))
    if match := _LENGTH.match(what):
        if len(path) == 3 and path[0] == "counters" and path[2] == "services":
            return problem("counter.no_services")
        return problem("not_empty" if match.group("type") == "str" else "empty_list")
    if match := _LIMIT.match(what):
        limit = match.group("limit").removesuffix(".0")
        operator = match.group("op")
        key = {">=": "at_least", "<=": "at_most", ">": "above"}.get(operator, "at_least")
        return problem(key, limit=limit, got=got)
    if match := _EXPECTED.match(what):
        names = [
            texts.say(_TYPE_NAMES[name], language)
            for name in match.group("types").split(" | ")
            if name in _TYPE_NAMES
        ]
        expected = texts.say("type.or", language).join(names) or match.group("types")
        return problem("type", expected=expected, got=got)
    if what.startswith("Invalid RFC3339 encoded date"):
        return problem("type", expected=texts.say("type.date", language), got=got)
    if match := _CHOICE.match(what):
        value = texts.lookup(document, path)
        suggestion = texts.suggestion(str(value), WEEKDAYS, language)
        return problem("choice", got=got, allowed=", ".join(WEEKDAYS), suggestion=suggestion)
    return ConfigError(f"{texts.dotted(path)}: {what}", texts.dotted(path))


def _is_day_spec(path: KeyPath) -> bool:
    return bool(path) and path[-1] in WEEKDAYS and "hours" in path and "days" not in path


def error(
    document: Mapping[str, Any],
    path: KeyPath,
    language: str,
    text_id: str,
    /,
    key_path: KeyPath | None = None,
    **params: object,
) -> ConfigError:
    """The mistake `text_id` at the table `path`; `key_path` (default `path`) is its key."""
    problem = texts.say(text_id, language, **params)
    machine_path = texts.dotted(path if key_path is None else key_path)
    if not path:
        return ConfigError(texts.say("frame.file", language, problem=problem), machine_path)
    where = texts.where(document, path, language)
    message = texts.say("frame", language, where=where, problem=problem)
    return ConfigError(message, machine_path)


def fail(
    document: Mapping[str, Any],
    path: KeyPath,
    language: str,
    text_id: str,
    /,
    key_path: KeyPath | None = None,
    **params: object,
) -> NoReturn:
    """Raise `error(...)`."""
    raise error(document, path, language, text_id, key_path=key_path, **params)
