"""`antrian-server settings export [FILE]` and `settings import FILE`.

Export prints (or writes) the stored office settings as antrian.toml's office sections;
import checks such a file and stores it: through the running server's API when one is
active on the database (it applies the settings at once), else directly in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import tomllib
from pathlib import Path
from typing import Any

from server.config import Config, configured_language, parse_office_settings
from server.domain.settings import OfficeSettings
from server.errors import AntrianError, ConfigError
from server.office import Office
from server.pair_cli import ask_running_server
from server.settings_document import office_settings_document
from server.settings_schema import OFFICE_SECTIONS
from server.storage import open_store


def add_settings_commands(commands: Any) -> None:
    settings = commands.add_parser("settings", help="the office settings stored in the database")
    settings_commands = settings.add_subparsers(dest="settings_command", required=True)
    export = settings_commands.add_parser(
        "export", help="print the stored settings as TOML (or write them to FILE)"
    )
    export.add_argument("file", nargs="?", help="e.g. pengaturan.toml; none: print")
    load = settings_commands.add_parser(
        "import", help="check a TOML file of office sections and store it as the settings"
    )
    load.add_argument("file", help="e.g. pengaturan.toml (as `settings export` writes it)")


def run_settings(config: Config, arguments: argparse.Namespace) -> int:
    if arguments.settings_command == "export":
        return export_settings(config, Path(arguments.file) if arguments.file else None)
    return import_settings(config, Path(arguments.file))


def stored_document(config: Config) -> dict[str, Any]:
    """The settings in the database; the TOML's while none were ever stored."""
    store = open_store(config)
    try:
        store.open_existing()
        stored = store.load_settings()
    finally:
        store.close()
    return stored if stored is not None else office_settings_document(config)


def export_settings(config: Config, target: Path | None) -> int:
    text = settings_toml(stored_document(config))
    if target is None:
        print(text, end="")
    else:
        target.write_text(text, encoding="utf-8")
    return 0


def import_settings(config: Config, source: Path) -> int:
    language = configured_language()
    try:
        with source.open("rb") as file:
            document = tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: {exc}") from exc
    office_sections = {key: value for key, value in document.items() if key in OFFICE_SECTIONS}
    settings = parse_office_settings(office_sections, language)  # a mistake: ConfigError
    return asyncio.run(_store(config, settings, office_settings_document(settings)))


async def _store(config: Config, settings: OfficeSettings, body: dict[str, Any]) -> int:
    office = Office(config, config.server.data_dir)
    await office.start()
    try:
        if not office.standby:
            await office.replace_settings(settings, by=_actor())
            print(f"stored the settings of {source_name(body)} in {office.store.description}")
            return 0
        active = office.active_server()
    finally:
        await office.close()
    if active is None or not active.url:
        raise AntrianError("another server is active on this database but its address is unknown")
    store = open_store(config)
    try:
        store.open_existing()
        await asyncio.to_thread(
            ask_running_server, store, active.url, "PUT", "/api/v1/settings", body, "settings-cli"
        )
    finally:
        store.close()
    print(f"the running server at {active.url} applied the settings of {source_name(body)}")
    return 0


def source_name(body: dict[str, Any]) -> str:
    return str(body["office"]["name"])


def _actor() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return f"CLI ({login})"


# ------------------------------------------------------------------ TOML


def settings_toml(document: dict[str, Any]) -> str:
    """The settings document as TOML tables that `settings import` and antrian.toml read."""
    lines = ["# Antrian office settings (antrian-server settings export)"]
    # empty arrays of tables first: a key after a table header would belong to that table
    for section, value in document.items():
        if isinstance(value, list) and not value:
            lines.append(f"{section} = []")
    for section, value in document.items():
        if isinstance(value, dict):
            _table(lines, f"[{section}]", section, value)
        elif isinstance(value, list):
            for entry in value:
                _table(lines, f"[[{section}]]", section, entry)
    return "\n".join(lines) + "\n"


def _table(lines: list[str], header: str, name: str, table: dict[str, Any]) -> None:
    lines += ["", header]
    nested = []
    for key, value in table.items():
        if isinstance(value, dict):
            nested.append((key, value))
        elif value is not None:  # TOML has no null: an unset key is left out
            lines.append(f"{key} = {_value(value)}")
    for key, value in nested:
        _table(lines, f"[{name}.{key}]", f"{name}.{key}", value)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


__all__ = ["add_settings_commands", "run_settings", "settings_toml"]
