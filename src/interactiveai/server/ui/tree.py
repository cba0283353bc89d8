"""The observation tree of a trace, flattened for display, with waterfall positions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class TreeRow:
    """One observation in depth-first order: its depth and where its bar sits (0..1000)."""

    obs: dict[str, Any]
    depth: int
    bar_x: int
    bar_width: int
    latency: float | None


def _end(o: dict[str, Any]) -> datetime:
    end: datetime = o["end_time"] or o["start_time"]
    return end


def flatten(observations: list[dict[str, Any]]) -> list[TreeRow]:
    """Observations depth-first (children by start time); unknown parents make roots."""
    if not observations:
        return []
    ids = {o["id"] for o in observations}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for o in observations:
        parent = o["parent_observation_id"] if o["parent_observation_id"] in ids else None
        children.setdefault(parent, []).append(o)
    for kids in children.values():
        kids.sort(key=lambda o: (o["start_time"], o["id"]))
    t0 = min(o["start_time"] for o in observations)
    t1 = max(_end(o) for o in observations)
    span = max((t1 - t0).total_seconds(), 1e-6)
    rows: list[TreeRow] = []
    seen: set[str] = set()
    # An explicit stack instead of recursion: deep agent traces must not hit the limit.
    stack: list[tuple[dict[str, Any], int]] = [(o, 0) for o in reversed(children.get(None, []))]
    while stack:
        o, depth = stack.pop()
        if o["id"] in seen:  # a parent cycle in bad data
            continue
        seen.add(o["id"])
        start = (o["start_time"] - t0).total_seconds()
        length = (_end(o) - o["start_time"]).total_seconds()
        x = int(start / span * 1000)
        width = max(4, int(length / span * 1000))
        latency = length if o["end_time"] is not None else None
        rows.append(TreeRow(o, depth, min(x, 996), min(width, 1000 - min(x, 996)), latency))
        for kid in reversed(children.get(o["id"], [])):
            stack.append((kid, depth + 1))
    # Observations only reachable through a cycle are still shown, at the top level.
    for o in observations:
        if o["id"] not in seen:
            rows.append(TreeRow(o, 0, 0, 4, None))
    return rows
