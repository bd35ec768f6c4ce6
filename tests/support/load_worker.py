"""A separate OS process that issues tickets or calls next, printing one JSON line each.

python -m tests.support.load_worker issue API TOKEN COUNT SERVICES
python -m tests.support.load_worker call API TOKEN COUNTER MAX_CALLS
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request


def post(
    url: str, token: str, body: dict[str, object] | None = None
) -> tuple[int, dict[str, object]]:
    data = json.dumps(body).encode() if body is not None else b""
    request = urllib.request.Request(
        url, data=data, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def main(argv: list[str]) -> int:
    mode, api, token = argv[0], argv[1], argv[2]
    if mode == "issue":
        count, services = int(argv[3]), argv[4]
        for index in range(count):
            try:
                status, body = post(
                    f"{api}/tickets", token, {"service": services[index % len(services)]}
                )
            except OSError as exc:  # the server was killed: stop, report what was acknowledged
                print(json.dumps({"status": 0, "error": str(exc)}), flush=True)
                return 0
            print(
                json.dumps({"status": status, "number": body.get("number"), "id": body.get("id")}),
                flush=True,
            )
    elif mode == "call":
        counter, limit = int(argv[3]), int(argv[4])
        for _ in range(limit):
            status, body = post(f"{api}/counters/{counter}/next", token)
            if status == 404 and body.get("error") == "queue_empty":
                break
            print(
                json.dumps({"status": status, "number": body.get("number"), "id": body.get("id")}),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
