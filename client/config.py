"""The client side of antrian.toml: one program's section plus environment overrides."""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

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

# A program-specific key maps to the type(s) its value may have.
OptionTypes = Mapping[str, type | tuple[type, ...]]


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Settings common to the kiosk, counter and display, plus their own options."""

    program: str
    path: Path | None = None
    server: str | None = None
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
            raise ConfigError(f"{source}: no such file: {path}")
        return path
    for candidate in search_paths if search_paths is not None else default_search_paths():
        if candidate.is_file():
            return candidate
    return None


def normalize_server_url(value: str, where: str) -> str:
    """An http(s) URL with a port from "host", "host:port" or a full URL."""
    text = value.strip().rstrip("/")
    if "://" not in text:
        text = f"http://{text}"
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{where}: bad port in {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f'{where}: expected a server address like "http://192.168.1.10:8470"')
    if port is None and parts.scheme == "http":
        text = f"{parts.scheme}://{parts.netloc}:{DEFAULT_PORT}{parts.path}"
    return text


def _type_names(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    names = {
        bool: "true or false",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return " or ".join(names.get(kind, kind.__name__) for kind in types)


def _has_type(value: object, expected: type | tuple[type, ...]) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, int) and float in types:
        return True
    return isinstance(value, types)


def _read_file(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc


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
    override the file.
    """
    if program not in PROGRAMS:
        raise ValueError(f"unknown program {program!r}, expected one of {PROGRAMS}")
    environment = os.environ if environ is None else environ
    option_types = dict(options or {})
    file_path = find_config_file(path, environment, search_paths)
    section: Mapping[str, object] = {}
    if file_path is not None:
        document = _read_file(file_path)
        raw_section = document.get(program, {})
        if not isinstance(raw_section, dict):
            raise ConfigError(f"{program}: expected a table [{program}]")
        section = raw_section
        logger.info("configuration from %s", file_path)

    common: dict[str, type | tuple[type, ...]] = {
        "server": str,
        "token": str,
        "language": str,
        "discovery": bool,
        "discovery_timeout_s": (int, float),
        "office": str,
    }
    clashing = set(common) & set(option_types)
    if clashing:
        raise ValueError(f"program options clash with common keys: {sorted(clashing)}")
    program_options: dict[str, object] = {}
    for key, value in section.items():
        expected = common.get(key) or option_types.get(key)
        if expected is None:
            known = ", ".join(sorted({*common, *option_types}))
            raise ConfigError(f"{program}.{key}: unknown key (known keys: {known})")
        if not _has_type(value, expected):
            raise ConfigError(f"{program}.{key}: expected {_type_names(expected)}")
        if key in option_types:
            program_options[key] = value

    language_value = section.get("language", DEFAULT_LANGUAGE)
    if language_value not in tuple(Language):
        raise ConfigError(f'{program}.language: expected "id" or "en"')

    server_value = environment.get(ENV_SERVER) or section.get("server")
    server = (
        normalize_server_url(
            str(server_value), ENV_SERVER if environment.get(ENV_SERVER) else f"{program}.server"
        )
        if server_value
        else None
    )
    token_value = environment.get(ENV_TOKEN) or section.get("token")
    timeout_value = section.get("discovery_timeout_s", DEFAULT_DISCOVERY_TIMEOUT_S)
    assert isinstance(timeout_value, int | float)
    if not 0 < timeout_value <= 60:
        raise ConfigError(f"{program}.discovery_timeout_s: expected a number of seconds, 0-60")
    office_value = section.get("office")
    return ClientConfig(
        program=program,
        path=file_path,
        server=server,
        token=str(token_value) if token_value else None,
        language=Language(str(language_value)),
        discovery=bool(section.get("discovery", True)),
        discovery_timeout_s=float(timeout_value),
        office=str(office_value) if office_value else None,
        options=MappingProxyType(program_options),
    )


def has_screen(environ: Mapping[str, str] | None = None) -> bool:
    """True in a desktop session where a window can be seen (not offscreen, not over SSH)."""
    environment = os.environ if environ is None else environ
    if environment.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(environment.get("DISPLAY") or environment.get("WAYLAND_DISPLAY"))
