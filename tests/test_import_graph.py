"""Two import rules that need the whole reachable graph (tests/test_layers.py holds the
direct ones): the domain reaches only itself and `server.errors` (no config, no files, no
environment), and `antrian doctor`, which runs on kiosk and counter PCs, reaches no server
module. Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "central",
    "server",
    "client",
    "kiosk",
    "counter_display",
    "printer_drivers",
    "launcher",
    "qt_common",
)


def module_files() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def _resolve(name: str) -> str | None:
    """The project module `name` is, or the package it lives in; None outside the project."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def direct_imports(module: str) -> frozenset[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from server import config` imports the module server.config
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            resolved = _resolve(name)
            if resolved is not None and resolved != module:
                found.add(resolved)
    return frozenset(found)


def reachable(module: str) -> set[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        for imported in direct_imports(todo.pop()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def modules_of(package: str) -> list[str]:
    return sorted(name for name in MODULES if under(name, package))


def test_the_scanner_sees_the_imports_it_must_judge() -> None:
    assert "server.domain.schedule" in direct_imports("server.domain.queue")
    assert "server.config" in direct_imports("server.main")
    assert "printer_drivers" in reachable("kiosk.settings")


@pytest.mark.parametrize("module", modules_of("server.domain"))
def test_the_domain_imports_only_itself_and_the_errors(module: str) -> None:
    wrong = sorted(
        name for name in reachable(module)
        if not under(name, "server.domain") and name not in ("server", "server.errors")
    )  # fmt: skip
    assert wrong == [], f"{module} reaches {wrong}"


@pytest.mark.parametrize("module", ["launcher.doctor", "launcher.doctor_texts"])
def test_the_doctor_does_not_import_the_server(module: str) -> None:
    wrong = sorted(name for name in reachable(module) if under(name, "server"))
    assert wrong == [], f"{module} reaches {wrong}"


@pytest.mark.parametrize("module", modules_of("server"))
def test_the_office_server_never_reaches_the_central(module: str) -> None:
    wrong = sorted(name for name in reachable(module) if under(name, "central"))
    assert wrong == [], f"{module} reaches {wrong}"
