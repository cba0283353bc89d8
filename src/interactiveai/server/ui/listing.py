"""The sessions list's state, all of it in the URL: filters, sort and page.

The query parameters (a shared link reproduces the view exactly):

`q` id substring · `env` (repeatable) · `user` · `tag` (repeatable) · `bookmarked=1` ·
`range` (1h, 24h, 7d, 30d, 90d) or `from`/`to` (ISO date or datetime, UTC unless an offset
is given) · `score` (repeatable: `name`, `name>=0.8`, `name=good`; also built from the form's
`score_name`/`score_op`/`score_value`) · `cost_min`/`cost_max` (USD), `tokens_min`/`tokens_max`,
`duration_min`/`duration_max` (seconds), `traces_min`/`traces_max` · `sort` (`field.asc|desc`
or `score:<name>.asc|desc`) · `page`, `limit`.

Bad values do not fail the page: they are reported above the table and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from interactiveai.server.store.queries import Page, SessionFilter
from interactiveai.server.store.session_scores import ScoreCondition

LIMITS = (25, 50, 100)
DEFAULT_SORT = "createdAt.desc"
# Columns of text: a first click sorts them A to Z (numbers and times go largest first).
TEXT_SORTS = frozenset({"id", "environment", "userIds", "tags", "usage"})
RANGES = {
    "1h": timedelta(hours=1),
    "24h": timedelta(days=1),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
# URL parameter prefix -> SessionFilter range name.
RANGE_PARAMS = {
    "cost": "totalCost",
    "tokens": "totalTokens",
    "duration": "durationSeconds",
    "traces": "countTraces",
}
SCORE_OPS = (">=", "<=", "!=", ">", "<", "=")
_SCORE_RE = re.compile(r"^(.+?)(>=|<=|!=|>|<|=)(.*)$")
# Filters of the folded "more filters" panel.
ADVANCED_KEYS = (
    "from",
    "to",
    "score",
    *(f"{p}_{b}" for p in RANGE_PARAMS for b in ("min", "max")),
)
# Parameters that describe the view; `page` is dropped whenever one of them changes.
FILTER_KEYS = ("q", "env", "user", "tag", "bookmarked", "range", *ADVANCED_KEYS)
# The pinned cohort: another view's filters, kept in the URL to compare this view against.
PIN_KEY = "cmp"


def parse_time(value: str) -> datetime:
    """ISO date or datetime; naive values are UTC."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_score(text: str) -> ScoreCondition:
    """`name`, `name>=0.8` or `name=label` as a condition on session scores."""
    m = _SCORE_RE.match(text)
    if m is None:
        return ScoreCondition(text.strip())
    name, op, raw = m.group(1).strip(), m.group(2), m.group(3).strip()
    if not name or not raw:
        raise ValueError(f"score filter {text!r}: write name>=0.8 or name=label")
    try:
        return ScoreCondition(name, op, float(raw))
    except ValueError:
        if op not in ("=", "!="):
            raise ValueError(f"score filter {text!r}: {op} needs a number") from None
        return ScoreCondition(name, op, raw)


@dataclass(slots=True)
class ListState:
    """The parsed view and the parameters that reproduce it."""

    params: dict[str, list[str]]
    filter: SessionFilter
    sort: str
    page: int
    limit: int
    errors: list[str] = field(default_factory=list)

    @property
    def sort_field(self) -> str:
        """The sorted field (`totalCost`, `score:quality`...)."""
        return self.sort.rsplit(".", 1)[0]

    @property
    def sort_desc(self) -> bool:
        """True when sorted descending."""
        return not self.sort.endswith(".asc")

    @property
    def active_filters(self) -> int:
        """How many filter parameters are set (shown on the filter panel's toggle)."""
        return sum(1 for k in FILTER_KEYS if self.params.get(k))

    @property
    def advanced_filters(self) -> bool:
        """True when a filter of the folded panel (dates, score, ranges) is set."""
        return any(self.params.get(k) for k in ADVANCED_KEYS)

    def first(self, key: str) -> str:
        """The first value of a parameter, or ''."""
        values = self.params.get(key) or [""]
        return values[0]

    def link(self, **changes: Any) -> str:
        """A query string for this view with some parameters changed (None removes one)."""
        params = {k: list(v) for k, v in self.params.items()}
        if any(k in FILTER_KEYS for k in changes):
            params.pop("page", None)
        for key, value in changes.items():
            if value is None or value == "" or value == []:
                params.pop(key, None)
            else:
                params[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        pairs = [(k, v) for k, vs in params.items() for v in vs if v != ""]
        return "?" + urlencode(pairs)

    @property
    def filter_query(self) -> str:
        """This view's filters alone, as a query string (what pinning keeps)."""
        pairs = [(k, v) for k in FILTER_KEYS for v in self.params.get(k, [])]
        return urlencode(pairs)

    @property
    def pinned(self) -> str:
        """The pinned cohort's filter query, or ''."""
        return self.first(PIN_KEY)

    def sort_link(self, name: str) -> str:
        """Sort by `name`, flipping the direction when it is already the sort column."""
        if self.sort_field == name:
            direction = "asc" if self.sort_desc else "desc"
        else:
            direction = "asc" if name in TEXT_SORTS else "desc"
        return self.link(sort=f"{name}.{direction}", page=None)


def _number(
    params: QueryParams, key: str, errors: list[str], *, integer: bool = False
) -> float | None:
    raw = params.get(key, "").strip()
    if not raw:
        return None
    try:
        return float(int(raw)) if integer else float(raw)
    except ValueError:
        errors.append(f"{key}: {raw!r} is not a number")
        return None


def parse_list_state(params: QueryParams, now: datetime | None = None) -> ListState:
    """Read the view from the URL; problems are collected, not raised."""
    errors: list[str] = []
    keep: dict[str, list[str]] = {}
    for key in (*FILTER_KEYS, "sort", "page", "limit", PIN_KEY):
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            keep[key] = values
    # The form's three score fields become one `score` parameter.
    score_name = params.get("score_name", "").strip()
    if score_name:
        op = params.get("score_op", "")
        value = params.get("score_value", "").strip()
        text = f"{score_name}{op}{value}" if op in SCORE_OPS and value else score_name
        keep.setdefault("score", []).append(text)

    f = SessionFilter()
    f.id_search = params.get("q", "").strip() or None
    f.environments = keep.get("env", [])
    f.user_id = params.get("user", "").strip() or None
    f.tags = keep.get("tag", [])
    if params.get("bookmarked") in ("1", "true", "on"):
        f.bookmarked = True
    preset = params.get("range", "")
    if preset:
        if preset in RANGES:
            f.from_timestamp = (now or datetime.now(UTC)) - RANGES[preset]
        else:
            errors.append(f"range: {preset!r} is not one of {', '.join(RANGES)}")
    for key in ("from", "to"):
        raw = params.get(key, "").strip()
        if raw:
            try:
                when = parse_time(raw)
            except ValueError:
                errors.append(f"{key}: {raw!r} is not a date (YYYY-MM-DD or ISO 8601)")
                continue
            if key == "from":
                f.from_timestamp = when
            else:
                f.to_timestamp = when
    conditions: list[ScoreCondition] = []
    for text in keep.get("score", []):
        try:
            conditions.append(parse_score(text))
        except ValueError as exc:
            errors.append(str(exc))
    f.scores = conditions
    for prefix, name in RANGE_PARAMS.items():
        lo = _number(params, f"{prefix}_min", errors)
        hi = _number(params, f"{prefix}_max", errors)
        if lo is not None or hi is not None:
            f.ranges[name] = (lo, hi)

    sort = params.get("sort", "") or DEFAULT_SORT
    if "." not in sort:
        sort += ".desc"
    page_n = _number(params, "page", errors, integer=True)
    limit_n = _number(params, "limit", errors, integer=True)
    page = max(1, int(page_n or 1))
    limit = int(limit_n) if limit_n in LIMITS else 50
    return ListState(keep, f, sort, page, limit, errors)


def page_of(state: ListState) -> Page:
    """The Page to ask the query layer for."""
    return Page(page=state.page, limit=state.limit)
