"""Two Linux network namespaces joined by a veth pair: a small office LAN inside the test."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field


def cannot_create_namespaces() -> str | None:
    """Why namespaces cannot be made here (a skip reason), or None when they can."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is missing"
    probe = f"antrian-probe-{uuid.uuid4().hex[:6]}"
    result = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if result.returncode != 0:
        return f"ip netns add is refused here: {result.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True, text=True)


@dataclass
class OfficeLan:
    """Namespace `server` at 10.231.N.1 and namespace `desk` at 10.231.N.2, multicast on."""

    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    subnet: int = field(default_factory=lambda: 100 + int(uuid.uuid4().hex[:2], 16) % 100)

    @property
    def server(self) -> str:
        return f"antrian-srv-{self.tag}"

    @property
    def desk(self) -> str:
        return f"antrian-desk-{self.tag}"

    @property
    def server_address(self) -> str:
        return f"10.231.{self.subnet}.1"

    @property
    def desk_address(self) -> str:
        return f"10.231.{self.subnet}.2"

    def create(self) -> OfficeLan:
        server_link, desk_link = f"as{self.tag}", f"ad{self.tag}"
        ip("netns", "add", self.server)
        ip("netns", "add", self.desk)
        ip("link", "add", server_link, "type", "veth", "peer", "name", desk_link)
        for namespace, link, address in (
            (self.server, server_link, self.server_address),
            (self.desk, desk_link, self.desk_address),
        ):
            ip("link", "set", link, "netns", namespace)
            ip("-n", namespace, "addr", "add", f"{address}/24", "dev", link)
            ip("-n", namespace, "link", "set", "lo", "up")
            ip("-n", namespace, "link", "set", link, "up")
            # mDNS needs a route for multicast, as a real LAN's default route gives it
            ip("-n", namespace, "route", "add", "224.0.0.0/4", "dev", link)
        return self

    def run_in(self, namespace: str, command: list[str]) -> list[str]:
        return ["ip", "netns", "exec", namespace, *command]

    def destroy(self) -> None:
        for namespace in (self.server, self.desk):
            pids = subprocess.run(
                ["ip", "netns", "pids", namespace], capture_output=True, text=True
            ).stdout.split()
            for pid in pids:
                subprocess.run(["kill", "-9", pid], capture_output=True)
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
