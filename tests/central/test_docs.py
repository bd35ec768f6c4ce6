"""docs/city.md held to the central's routes: every route has a row, every row is a route."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

from central.store import CentralStore
from central.web import create_app

CITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "city.md"
ROW = re.compile(r"^\| `(?P<method>GET|POST|PUT|DELETE) (?P<path>/[^` ?]*)")
EXAMPLES = {"{id}": "3", "{name}": "city.js"}


def documented() -> set[tuple[str, str]]:
    rows = set()
    for line in CITY_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match is not None:
            rows.add((match["method"], match["path"]))
    return rows


def routes() -> list[web.AbstractRoute]:
    app = create_app(CentralStore("postgresql://nobody@127.0.0.1:1/none"))
    return [route for route in app.router.routes() if route.method != "HEAD"]


def serves(route: web.AbstractRoute, method: str, path: str) -> bool:
    if route.method != method or route.resource is None:
        return False
    for placeholder, value in EXAMPLES.items():
        path = path.replace(placeholder, value)
    info = route.resource.get_info()
    if "path" in info:
        return bool(info["path"] == path)
    return info["pattern"].fullmatch(path) is not None


def test_every_route_of_the_central_is_documented() -> None:
    rows = documented()
    assert ("GET", "/api/v1/city/offices") in rows
    missing = [
        route.resource.canonical if route.resource else "?"
        for route in routes()
        if not any(serves(route, method, path) for method, path in rows)
    ]
    assert missing == []


def test_every_documented_row_is_a_route() -> None:
    known = routes()
    unknown = [row for row in documented() if not any(serves(route, *row) for route in known)]
    assert unknown == []
