"""Whatever an office sends the ingest, the answer is a 4xx JSON error in Indonesian, never
a 5xx, and nothing is stored from a refused batch."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.central import RunningCentral

INGEST = "/api/v1/city/ingest"
FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LOG = str(uuid.uuid4())
SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
    st.sampled_from(["2026-12-01", "2026-12-01T08:00:00+07:00", "2026-12-01T08:00:00",
                     "9999-12-31T23:59:59+14:00", "\x00", "waiting", "done"]),
)  # fmt: skip
KEYS = ["id", "v", "type", "at", "day", "ticket", "tickets", "counter", "clerk", "data",
        "status", "issued_at", "number", "service", "priority", "called_at", "office"]  # fmt: skip
VALUE = st.recursive(
    SCALAR,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=6)
    ),
    max_leaves=20,
)
GOOD_EVENT = {"id": 1, "type": "ticket.issued", "at": "2026-12-01T08:00:00+07:00"}
EVENT = st.one_of(
    VALUE,
    st.dictionaries(st.sampled_from(KEYS), VALUE, max_size=8).map(lambda extra: GOOD_EVENT | extra),
)
BODY = st.one_of(
    VALUE,
    st.fixed_dictionaries(
        {"log_id": st.one_of(st.just(LOG), SCALAR), "events": st.lists(EVENT, max_size=3)}
    ),
    st.fixed_dictionaries({"log_id": st.just(LOG), "events": VALUE}),
)


def refused(status: int, body: Any) -> bool:
    return 400 <= status < 500 and isinstance(body, dict) and bool(body.get("message"))


@FUZZ
@given(body=BODY)
async def test_a_random_body_is_refused_or_stored_never_a_5xx(
    central: RunningCentral, body: Any
) -> None:
    if not hasattr(central, "token"):
        _office_id, central.token = await central.add_office(f"Kantor {uuid.uuid4()}")  # type: ignore[attr-defined]
    status, answer = await central.call("POST", INGEST, central.token, body)  # type: ignore[attr-defined]
    assert status < 500, answer
    if status != 200:
        assert refused(status, answer), answer


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"[" * 100_000, b'{"log_id": "x"}', b"\xff\xfe", b'{"events": [] , "log_id": 1}',
     json.dumps({"log_id": LOG, "events": [GOOD_EVENT] * 1001}).encode()],
)  # fmt: skip
async def test_a_broken_body_is_a_400_in_indonesian(central: RunningCentral, raw: bytes) -> None:
    _office_id, token = await central.add_office("Kecamatan Karawaci")
    status, answer = await central.call("POST", INGEST, token, raw=raw)
    assert status == 400, answer
    assert answer["error"] in {"bad_json", "bad_request"}
    assert any(word in answer["message"] for word in ("harus", "bukan", "Paling"))


async def test_a_batch_with_one_bad_event_stores_nothing(central: RunningCentral) -> None:
    office_id, token = await central.add_office("Kecamatan Karawaci")
    second = {"id": 2, "type": "ticket.issued", "at": "kemarin"}
    status, answer = await central.call(
        "POST", INGEST, token, {"log_id": LOG, "events": [GOOD_EVENT, second]}
    )
    assert (status, answer["path"]) == (400, "events[1].at")
    assert await central.events(office_id) == []


async def test_events_out_of_order_are_refused(central: RunningCentral) -> None:
    _office_id, token = await central.add_office("Kecamatan Karawaci")
    events = [GOOD_EVENT | {"id": 2}, GOOD_EVENT | {"id": 1}]
    status, answer = await central.call("POST", INGEST, token, {"log_id": LOG, "events": events})
    assert status == 400
    assert "berurutan" in answer["message"]


@pytest.mark.parametrize(
    ("record", "status"),
    [("x", 400), ("", 400), ("١٢", 400), ("1.5", 400), ("-1", 400), ("9" * 40, 400),
     ("%00", 400), ("0", 404), ("OTHER", 404)],
)  # fmt: skip
async def test_a_bad_record_on_an_office_log_is_a_4xx_in_indonesian(
    central: RunningCentral, record: str, status: int
) -> None:
    """`?record=` on `/offices/{id}/log`: junk, Unicode digits, huge numbers, another
    office's record: a 400 or a 404 with an Indonesian message, never a 5xx."""
    office_id, _token = await central.add_office("Kecamatan Karawaci")
    other_id, _other = await central.add_office("Kecamatan Cipondoh")
    wanted = str(other_id) if record == "OTHER" else record
    answered, answer = await central.call(
        "GET", f"/api/v1/city/offices/{office_id}/log?record={wanted}"
    )
    assert answered == status, answer
    assert answer["message"] and answer["error"] in {"bad_request", "unknown_record"}
    assert any(word in answer["message"] for word in ("harus", "bukan milik"))
