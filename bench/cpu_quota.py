"""Run a benchmark's child processes under a CPU quota (a Raspberry-Pi-sized budget).

    with CpuQuota(40) as quota:            # 40 % of one core
        subprocess.Popen(quota.wrap(command))

A Linux cgroup of its own (v2 ``cpu.max`` where ``/sys/fs/cgroup/cgroup.controllers``
exists, else v1 ``cpu.cfs_quota_us``) is created for the benchmark and removed afterwards.
``wrap`` puts a tiny shell in front of the command that moves itself into the cgroup and
then execs the command, so the program is limited from its very first instruction and
the benchmark itself is not. Creating a cgroup needs root: `QuotaUnavailable` says why
not, and the benches print that and skip the measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Final

CGROUP_ROOT: Final = Path("/sys/fs/cgroup")
PERIOD_US: Final = 100_000
JOIN_SCRIPT: Final = 'echo $$ > "$0" && exec "$@"'


class QuotaUnavailable(Exception):
    """No cgroup with a CPU quota can be made here (not root, no cpu controller...)."""


def add_quota_argument(parser: argparse.ArgumentParser) -> None:
    """The shared ``--cpu-quota PERCENT`` option of the start-up benches."""
    parser.add_argument(
        "--cpu-quota",
        type=float,
        metavar="PERCENT",
        help="start the measured programs under this share of one CPU core, e.g. 40",
    )


@contextlib.contextmanager
def optional_quota(percent: float | None) -> Iterator[CpuQuota | None]:
    """A `CpuQuota` when a percentage is given, else None; raises QuotaUnavailable."""
    if percent is None:
        yield None
        return
    with CpuQuota(percent) as quota:
        yield quota


def limited(quota: CpuQuota | None, command: list[str]) -> list[str]:
    """``command``, run inside the quota's cgroup when there is one."""
    return command if quota is None else quota.wrap(command)


class CpuQuota:
    """A cgroup limited to ``percent`` of one core, for as long as the ``with`` lasts."""

    def __init__(self, percent: float) -> None:
        if not 0 < percent <= 100 * (os.cpu_count() or 1):
            raise ValueError(f"--cpu-quota: expected a share of one core > 0, got {percent}")
        self.percent = percent
        self.quota_us = round(PERIOD_US * percent / 100)
        self.path: Path | None = None
        self._procs: Path | None = None
        self.version = ""

    def __enter__(self) -> CpuQuota:
        name = f"antrian-bench-{os.getpid()}"
        try:
            if (CGROUP_ROOT / "cgroup.controllers").exists():
                self._make_v2(CGROUP_ROOT / name)
            elif (CGROUP_ROOT / "cpu" / "cpu.cfs_quota_us").exists():
                self._make_v1(CGROUP_ROOT / "cpu" / name)
            else:
                raise QuotaUnavailable("no cgroup cpu controller found under /sys/fs/cgroup")
        except OSError as exc:
            self._remove()
            raise QuotaUnavailable(f"cannot create a CPU-limited cgroup ({exc})") from exc
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._remove()

    def _make_v1(self, path: Path) -> None:
        path.mkdir()
        self.path = path
        (path / "cpu.cfs_period_us").write_text(f"{PERIOD_US}\n")
        (path / "cpu.cfs_quota_us").write_text(f"{self.quota_us}\n")
        self._procs = path / "cgroup.procs"
        self.version = "v1"

    def _make_v2(self, path: Path) -> None:
        controllers = (CGROUP_ROOT / "cgroup.subtree_control").read_text().split()
        if "cpu" not in controllers:
            (CGROUP_ROOT / "cgroup.subtree_control").write_text("+cpu\n")
        path.mkdir()
        self.path = path
        (path / "cpu.max").write_text(f"{self.quota_us} {PERIOD_US}\n")
        self._procs = path / "cgroup.procs"
        self.version = "v2"

    def wrap(self, command: list[str]) -> list[str]:
        """``command`` preceded by a shell that joins the cgroup, then execs it."""
        if self._procs is None:
            raise RuntimeError("CpuQuota.wrap() outside its with-block")
        return ["/bin/sh", "-c", JOIN_SCRIPT, str(self._procs), *command]

    def describe(self) -> str:
        """E.g. 'CPU quota 40 % of one core (cgroup v1)'."""
        return f"CPU quota {self.percent:g} % of one core (cgroup {self.version})"

    def _remove(self) -> None:
        if self.path is None:
            return
        # The children have exited (the benches wait for them); the kernel may need a moment.
        for _ in range(50):
            try:
                self.path.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
        self.path = None
        self._procs = None
