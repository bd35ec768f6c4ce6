"""docs/api.md held to the code: its endpoint table is the app's routes, its objects the Structs.

Every route `create_app` registers has a row in the endpoint table, every row is a route
the app serves, and the JSON examples of the objects have exactly the fields of
`client.protocol`'s Structs (as sqlite-utils holds its docs to its code).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest
from aiohttp import web

from client import protocol
from server.config import parse_config
from server.office import Office
from server.web.routes import API_PREFIX, COUNTER_ACTIONS, counter_action, create_app

API_DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
ROW = re.compile(r"^\| `(?P<method>GET|POST|PUT|DELETE|PATCH) (?P<path>/[^`]*)`(?P<rest>[^|]*)\|")
ALTERNATIVE = re.compile(r"· `(/[^`]+)`")
EXAMPLE_VALUES = {"{n}": "2", "{id}": "17", "{code}": "A", "{counter}": "2", "{name}": "phone.js"}
PAGE_MARK = "page:"  # a documented web page's path, served as it is (not under /api/v1)


def documented_endpoints() -> list[tuple[str, str]]:
    """(method, path) of every row of the endpoint table; `· /open` is a second row.

    Rows under "## Web pages" are the pages' own paths (`/t/{id}`), not under /api/v1.
    """
    endpoints = []
    section = ""
    for line in API_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = ROW.match(line)
        if match is None:
            continue
        method, path = match["method"], match["path"].split("?")[0]
        if section == "Web pages":
            path = PAGE_MARK + path
        endpoints.append((method, path))
        for alternative in ALTERNATIVE.findall(match["rest"]):
            endpoints.append((method, path.rsplit("/", 1)[0] + alternative))
    return endpoints


def example_path(path: str) -> str:
    for placeholder, value in EXAMPLE_VALUES.items():
        path = path.replace(placeholder, value)
    if path.startswith(PAGE_MARK):
        return path.removeprefix(PAGE_MARK)
    return API_PREFIX + path


@pytest.fixture
def app(tmp_path: Path) -> web.Application:
    return create_app(Office(parse_config({}), tmp_path))


def app_routes(app: web.Application) -> list[web.AbstractRoute]:
    return [route for route in app.router.routes() if route.method != "HEAD"]


def serves(route: web.AbstractRoute, method: str, path: str) -> bool:
    if route.method != method or route.resource is None:
        return False
    info = route.resource.get_info()
    if "path" in info:
        return bool(info["path"] == path)
    match = info["pattern"].fullmatch(path)
    if match is None:
        return False
    if route.handler is counter_action:  # one handler takes the counter actions it knows
        return match["action"] in COUNTER_ACTIONS
    return True


def test_the_table_parser_reads_the_rows_it_must_judge() -> None:
    endpoints = documented_endpoints()
    assert ("GET", "/health") in endpoints
    assert ("POST", "/services/{code}/open") in endpoints
    assert ("GET", "/events") in endpoints


def test_every_route_of_the_app_is_in_the_endpoint_table(app: web.Application) -> None:
    documented = [(method, example_path(path)) for method, path in documented_endpoints()]
    missing = [
        f"{route.method} {route.resource.canonical if route.resource else '?'}"
        for route in app_routes(app)
        if not any(serves(route, method, path) for method, path in documented)
    ]
    assert missing == []


def test_every_counter_action_is_in_the_endpoint_table() -> None:
    documented = {
        path.rsplit("/", 1)[1]
        for method, path in documented_endpoints()
        if method == "POST" and path.startswith("/counters/{n}/")
    }
    assert set(COUNTER_ACTIONS) <= documented


def test_every_row_of_the_endpoint_table_is_a_route(app: web.Application) -> None:
    unknown = [
        f"{method} {path}"
        for method, path in documented_endpoints()
        if not any(serves(route, method, example_path(path)) for route in app_routes(app))
    ]
    assert unknown == []


def object_example(heading: str) -> dict[str, object]:
    text = API_DOC.read_text(encoding="utf-8")
    section = text.split(f"\n### {heading}\n", 1)[1]
    block = section.split("```json\n", 1)[1].split("```", 1)[0]
    example = json.loads(block)
    assert isinstance(example, dict)
    return example


@pytest.mark.parametrize(
    ("heading", "struct"),
    [
        ("Service", protocol.Service),
        ("Ticket", protocol.Ticket),
        ("Counter", protocol.Counter),
    ],
)
def test_object_examples_have_the_fields_of_the_protocol(
    heading: str, struct: type[msgspec.Struct]
) -> None:
    example = object_example(heading)
    assert set(example) == set(struct.__struct_fields__)
    protocol.convert(example, struct, heading)  # and the values are of the right types
