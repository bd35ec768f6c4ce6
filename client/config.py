"""The client side of antrian.toml: one program's section plus environment overrides."""

from __future__ import annotations

import functools
import logging
import operator
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import msgspec

from client import config_texts as texts
from client.errors import ConfigError
from client.i18n import DEFAULT_LANGUAGE, Language

logger = logging.getLogger(__name__)

PROGRAMS = ("kiosk", "counter", "display")
DEFAULT_PORT = 8470
DEFAULT_DISCOVERY_TIMEOUT_S = 3.0
CONFIG_FILE_NAME = "antrian.toml"
ENV_CONFIG = "ANTRIAN_CONFIG"
ENV_SERVER = "ANTRIAN_SERVER"
ENV_TOKEN = "ANTRIAN_TOKEN"
ENV_LANGUAGE = "ANTRIAN_LANG"
MAX_DISCOVERY_TIMEOUT_S = 60
# The keys every device section has, and their types; a program adds its own.
COMMON_KEYS: dict[str, type | tuple[type, ...]] = {
    "server": str,
    "servers": list,
    "token": str,
    "language": str,
    "discovery": bool,
    "discovery_timeout_s": (int, float),
    "office": str,
}

# A program-specific key maps to the type(s) its value may have.
OptionTypes = Mapping[str, type | tuple[type, ...]]


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Settings common to the kiosk, counter and display, plus their own options."""

    program: str
    path: Path | None = None
    server: str | None = None
    # every address to look for the active server at (`server` first); an HA hall has two
    servers: tuple[str, ...] = ()
    token: str | None = None
    language: Language = DEFAULT_LANGUAGE
    discovery: bool = True
    discovery_timeout_s: float = DEFAULT_DISCOVERY_TIMEOUT_S
    office: str | None = None
    options: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


def default_search_paths() -> tuple[Path, ...]:
    """Where the config file is looked for when neither --config nor ANTRIAN_CONFIG is set."""
    return (
        Path.cwd() / CONFIG_FILE_NAME,
        Path.home() / ".config" / "antrian" / CONFIG_FILE_NAME,
        Path("/etc/antrian") / CONFIG_FILE_NAME,
    )


def configured_language(environ: Mapping[str, str]) -> str:
    """The language of config messages: ANTRIAN_LANG=en for English, else Indonesian."""
    return texts.language_of(environ.get(ENV_LANGUAGE))


def find_config_file(
    explicit: str | os.PathLike[str] | None,
    environ: Mapping[str, str],
    search_paths: Sequence[Path] | None = None,
) -> Path | None:
    """The config file to read: explicit path, then ANTRIAN_CONFIG, then the first found."""
    chosen = explicit if explicit is not None else environ.get(ENV_CONFIG) or None
    if chosen is not None:
        path = Path(chosen).expanduser()
        if not path.is_file():
            source = "--config" if explicit is not None else ENV_CONFIG
            language = configured_language(environ)
            raise ConfigError(texts.say("file.missing", language, source=source, path=path))
        return path
    for candidate in search_paths if search_paths is not None else default_search_paths():
        if candidate.is_file():
            return candidate
    return None


class _BadAddress(ValueError):
    """A server address that is not one; `text_id` says how."""

    def __init__(self, text_id: str) -> None:
        super().__init__(text_id)
        self.text_id = text_id


def _server_url(value: str) -> str:
    text = value.strip().rstrip("/")
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise _BadAddress("server_port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _BadAddress("server_url")
    if port is None and parts.scheme == "http":
        text = f"{parts.scheme}://{parts.netloc}:{DEFAULT_PORT}{parts.path}"
    return text


def normalize_server_url(value: str, where: str, language: str = texts.DEFAULT_LANGUAGE) -> str:
    """An http(s) URL with a port from "host", "host:port" or a full URL."""
    try:
        return _server_url(value)
    except _BadAddress as exc:
        problem = texts.say(exc.text_id, language, got=texts.show_value(value))
        raise ConfigError(f"{where}: {problem}") from None


def _read_file(path: Path, language: str) -> dict[str, object]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(texts.say("file.toml", language, path=path, error=exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(texts.say("file.unreadable", language, path=path, error=exc)) from exc


def _annotation(expected: type | tuple[type, ...]) -> Any:
    """The msgspec type for a declared option type: (int, float) -> int | float."""
    kinds = expected if isinstance(expected, tuple) else (expected,)
    mapped: list[Any] = [
        dict[str, Any] if kind is dict else list[Any] if kind is list else kind for kind in kinds
    ]
    return functools.reduce(operator.or_, mapped)


@functools.cache
def _section_schema(program: str, options: tuple[tuple[str, Any], ...]) -> type[msgspec.Struct]:
    """The schema of one program's section: the common keys and the program's own."""
    fields = [
        (key, _annotation(kind) | None, None) for key, kind in (*COMMON_KEYS.items(), *options)
    ]
    return msgspec.defstruct(
        f"{program.title()}Section", fields, forbid_unknown_fields=True, kw_only=True
    )


_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<key>[^`]+)`$")
_EXPECTED = re.compile(r"^Expected `(?P<types>[^`]+)`, got `[^`]+` - at `\$\.(?P<key>\w+)")
_TYPE_NAMES = {"int": "type.int", "float": "type.float", "str": "type.str", "bool": "type.bool",
               "array": "type.array", "object": "type.object"}  # fmt: skip


def _explain(
    error: msgspec.ValidationError,
    program: str,
    schema: type[msgspec.Struct],
    section: Mapping[str, object],
    language: str,
) -> ConfigError:
    """A msgspec message in words, naming the section and the key."""
    message = str(error)
    if match := _UNKNOWN.match(message):
        key = match.group("key")
        allowed = sorted(schema.__struct_fields__)
        problem = texts.say(
            "unknown_key", language, key=key, suggestion=texts.suggestion(key, allowed, language),
            allowed=", ".join(allowed),
        )  # fmt: skip
        return ConfigError(texts.say("frame.section", language, section=program, problem=problem))
    if match := _EXPECTED.match(message):
        key = match.group("key")
        names = [
            texts.say(_TYPE_NAMES[name], language)
            for name in match.group("types").split(" | ")
            if name in _TYPE_NAMES
        ]
        expected = texts.say("type.or", language).join(dict.fromkeys(names))
        got = texts.show_value(section.get(key))
        problem = texts.say("type", language, expected=expected, got=got)
        return _key_error(program, key, problem, language)
    return ConfigError(f"[{program}]: {message}")


def _key_error(program: str, key: str, problem: str, language: str) -> ConfigError:
    return ConfigError(texts.say("frame", language, section=program, key=key, problem=problem))


def load_config(
    program: str,
    path: str | os.PathLike[str] | None = None,
    *,
    options: OptionTypes | None = None,
    environ: Mapping[str, str] | None = None,
    search_paths: Sequence[Path] | None = None,
) -> ClientConfig:
    """Load the ``[program]`` section of antrian.toml with the environment overrides.

    ``path`` is the --config argument (None when not given). ``options`` declares the
    program's own keys and their types; any other key in the section is a ConfigError.
    Without a file every setting has its default. ANTRIAN_SERVER and ANTRIAN_TOKEN
    override the file. Messages are in Indonesian, in English with ANTRIAN_LANG=en.
    """
    if program not in PROGRAMS:
        raise ValueError(f"unknown program {program!r}, expected one of {PROGRAMS}")
    environment = os.environ if environ is None else environ
    language = configured_language(environment)
    option_types = dict(options or {})
    clashing = set(COMMON_KEYS) & set(option_types)
    if clashing:
        raise ValueError(f"program options clash with common keys: {sorted(clashing)}")
    file_path = find_config_file(path, environment, search_paths)
    section: Mapping[str, object] = {}
    if file_path is not None:
        document = _read_file(file_path, language)
        raw_section = document.get(program, {})
        if not isinstance(raw_section, dict):
            problem = texts.say(
                "not_table", language, section=program, got=texts.show_value(raw_section)
            )
            raise ConfigError(
                texts.say("frame.section", language, section=program, problem=problem)
            )
        section = raw_section
        logger.info("configuration from %s", file_path)

    schema = _section_schema(program, tuple(option_types.items()))
    try:
        parsed: Any = msgspec.convert(section, schema)
    except msgspec.ValidationError as exc:
        raise _explain(exc, program, schema, section, language) from None

    language_value = parsed.language if parsed.language is not None else DEFAULT_LANGUAGE
    if language_value not in tuple(Language):
        problem = texts.say("language", language, got=texts.show_value(language_value))
        raise _key_error(program, "language", problem, language)
    timeout_value = (
        parsed.discovery_timeout_s
        if parsed.discovery_timeout_s is not None
        else DEFAULT_DISCOVERY_TIMEOUT_S
    )
    if not 0 < timeout_value <= MAX_DISCOVERY_TIMEOUT_S:
        problem = texts.say(
            "timeout", language, high=MAX_DISCOVERY_TIMEOUT_S, got=texts.show_value(timeout_value)
        )
        raise _key_error(program, "discovery_timeout_s", problem, language)

    servers: list[str] = []
    if environment.get(ENV_SERVER):  # one address, or several separated by commas
        servers = [
            normalize_server_url(part, ENV_SERVER, language)
            for part in environment[ENV_SERVER].split(",")
            if part.strip()
        ]
    else:
        written = [("server", parsed.server)] if parsed.server else []
        written += [("servers", value) for value in parsed.servers or ()]
        for key, value in written:
            if not isinstance(value, str):
                problem = texts.say("type", language, expected=texts.say("type.str", language),
                                    got=texts.show_value(value))  # fmt: skip
                raise _key_error(program, key, problem, language)
            try:
                servers.append(_server_url(value))
            except _BadAddress as exc:
                problem = texts.say(exc.text_id, language, got=texts.show_value(value))
                raise _key_error(program, key, problem, language) from None
    servers = list(dict.fromkeys(servers))
    server = servers[0] if servers else None
    token_value = environment.get(ENV_TOKEN) or parsed.token
    program_options = {key: getattr(parsed, key) for key in option_types if key in section}
    return ClientConfig(
        program=program,
        path=file_path,
        server=server,
        servers=tuple(servers),
        token=str(token_value) if token_value else None,
        language=Language(str(language_value)),
        discovery=parsed.discovery if parsed.discovery is not None else True,
        discovery_timeout_s=float(timeout_value),
        office=parsed.office or None,
        options=MappingProxyType(program_options),
    )


def has_screen(environ: Mapping[str, str] | None = None) -> bool:
    """True in a desktop session where a window can be seen (not offscreen, not over SSH)."""
    environment = os.environ if environ is None else environ
    if environment.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY"))
