"""What the benchmarks share: a database to run on (SQLite file or a throwaway PostgreSQL)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.postgres import PostgresCluster, pg_bin_dir  # noqa: E402


@contextmanager
def database(kind: str, sqlite_path: Path) -> Iterator[str]:
    """Yield a database URL of `kind` ("sqlite" or "postgresql"), removed afterwards for PG."""
    if kind == "sqlite":
        yield f"sqlite:///{sqlite_path}"
        return
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed (make test-deps)")
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    try:
        yield cluster.url()
    finally:
        cluster.stop()


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (a server with worker processes)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, ()))
    return tree


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its descendants, MiB."""
    total = 0.0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100) of `values`."""
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process and its descendants have used so far, seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total
