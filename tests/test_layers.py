"""The intended layers, held by reading every module's imports (no code is run).

domain ← application (office, record) ← storage adapters and web edge; `client/` never
imports `server/`; `printer_drivers/` imports no other project package; `qt_common/` (the
Qt widgets the programs share) imports neither program nor the server.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = (
    "central",
    "server",
    "client",
    "kiosk",
    "counter_display",
    "printer_drivers",
    "launcher",
    "qt_common",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def violations(where: str, forbidden: tuple[str, ...]) -> list[str]:
    target = ROOT / where
    paths = [target] if target.is_file() else modules(where)
    assert paths, f"{where} has no modules"
    bad = []
    for path in paths:
        for name in sorted(imports_of(path)):
            if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden):
                bad.append(f"{module_name(path)} imports {name}")
    return bad


RULES = [
    ("server/domain", ("server.office", "server.record", "server.storage", "server.web",
                       "aiohttp", "sqlite3", "psycopg", "client")),
    ("server/office.py", ("server.web", "server.storage.sqlite", "server.storage.postgres",
                          "server.storage.repository", "server.storage.schema", "aiohttp",
                          "sqlite3", "psycopg")),
    ("server/record.py", ("server.web", "server.office", "server.storage.sqlite",
                          "server.storage.postgres", "aiohttp", "sqlite3", "psycopg")),
    ("server/storage", ("server.web", "server.office", "aiohttp")),
    # the reports' arithmetic is pure; their queries go through the storage port only
    ("server/reports", ("server.web", "server.office", "aiohttp", "sqlite3", "psycopg",
                        "server.storage.sqlite", "server.storage.postgres",
                        "server.storage.repository", "server.storage.schema",
                        "server.storage.writer")),
    ("server/reports/figures.py", ("server.storage", "server.record")),
    ("server/reports/summary.py", ("server.storage", "server.record")),
    ("server/reports/visit.py", ("server.storage", "server.record")),
    ("server/auth.py", ("sqlite3", "psycopg", "server.storage.sqlite", "server.storage.postgres",
                        "server.storage.repository", "server.storage.schema", "server.office")),
    ("server/web", ("sqlite3", "psycopg", "server.storage.sqlite", "server.storage.postgres",
                    "server.storage.repository", "server.storage.schema",
                    "server.storage.writer")),
    # the city's central may use the server, never the reverse; the server has no Qt
    ("server", ("central", "qt_common")),
    ("central", ("client", "kiosk", "counter_display", "launcher", "printer_drivers",
                 "qt_common")),
    ("client", ("server", "kiosk", "counter_display", "launcher", "qt_common",
                "PySide6.QtWidgets")),
    ("printer_drivers", ("server", "client", "kiosk", "counter_display", "launcher",
                         "qt_common")),
    ("kiosk", ("server", "counter_display", "launcher")),
    ("counter_display", ("server", "kiosk", "launcher")),
    # what the Qt programs share: neither program's own code, nor the server
    ("qt_common", ("server", "central", "kiosk", "counter_display", "launcher")),
]  # fmt: skip


@pytest.mark.parametrize(("where", "forbidden"), RULES, ids=[rule[0] for rule in RULES])
def test_imports_run_the_intended_way(where: str, forbidden: tuple[str, ...]) -> None:
    assert violations(where, forbidden) == []


def test_the_checker_sees_a_forbidden_import() -> None:
    sample = ROOT / "server" / "domain" / "model.py"
    assert module_name(sample) == "server.domain.model"
    assert "enum.StrEnum" in imports_of(sample)
    assert violations("server/web", ("aiohttp",)), "the web edge imports aiohttp: must be seen"
