"""Jinja2 environment of the UI: autoescaping always on, and the formatting filters.

Nothing from an application is ever marked safe: names, inputs, outputs, metadata, tags and
ids reach templates as plain strings and are escaped on output. The only `Markup` built
here comes from numbers and datetimes.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from interactiveai.server.ui.content import to_json_text
from interactiveai.server.ui.security import csrf_token, finish

TEMPLATES = Path(__file__).parent / "templates"


def money(value: float | None) -> str:
    """USD, aligned in columns: $12.34 from a dollar, else 4 decimals ($0.0620), 6 when tiny."""
    if value is None:
        return "–"
    v = float(value)
    if v == 0:
        return "$0"
    if abs(v) >= 1:
        return f"${v:,.2f}"
    if abs(v) >= 0.0001:
        return f"${v:.4f}"
    if abs(v) >= 0.000001:
        return f"${v:.6f}"
    return "<$0.000001"


def count(value: float | None) -> str:
    """An integer with thousands separators."""
    if value is None:
        return "–"
    return f"{int(value):,}"


def duration(seconds: float | None) -> str:
    """Human duration: 840 ms, 4.2 s, 3m 20s, 2h 05m, 3d 4h."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    s = float(seconds)
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 60:
        return f"{s:.1f} s"
    m, sec = divmod(round(s), 60)
    if m < 60:
        return f"{m}m {sec:02d}s"
    h, m = divmod(m, 60)
    if h < 48:
        return f"{h}h {m:02d}m"
    d, h = divmod(h, 24)
    return f"{d}d {h}h"


def iso(value: datetime | None) -> str:
    """Machine-readable UTC time (the `datetime` attribute of <time>)."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_text(value: datetime | None) -> str:
    """Human UTC time; JavaScript replaces it with the viewer's local time."""
    if value is None:
        return "–"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from start to end, or None when either is unknown."""
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def score_value(score: dict[str, Any]) -> str:
    """A score's value as text: the label of categorical/boolean ones, else the number."""
    if score.get("string_value") is not None:
        return str(score["string_value"])
    value = score.get("value")
    if value is None:
        return "–"
    return f"{float(value):g}"


def path_part(value: str) -> str:
    """Quote an id for use as one path segment (ids may hold '/', '?', '#'...)."""
    return quote(value, safe="")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=money,
        count=count,
        duration=duration,
        iso=iso,
        utc=utc_text,
        score_value=score_value,
        path_part=path_part,
        pretty=to_json_text,
    )
    # The translation feature ships its behaviour as static/translate.js; pages load it when
    # it is there (see docs/ui.md, "Translation hook").
    translate_js = (Path(__file__).parent / "static" / "translate.js").exists()
    env.globals.update(seconds_between=seconds_between, translate_js=translate_js)
    return env


ENV = _environment()


def render(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """Render a template into a response with the security headers and CSRF cookie."""
    html = ENV.get_template(name).render(
        {"request": request, "csrf_token": csrf_token(request), **context}
    )
    return finish(request, HTMLResponse(html, status_code=status))  # type: ignore[return-value]
