"""How inputs and outputs are recognized: chat shapes, text, JSON, big values; URL state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.datastructures import QueryParams

from interactiveai.server.store.session_scores import ScoreCondition
from interactiveai.server.ui.content import RICH_LIMIT, prepare
from interactiveai.server.ui.listing import parse_list_state
from interactiveai.server.ui.templating import duration, money
from interactiveai.server.ui.tree import flatten


def _shape(value: object) -> list[tuple[str, list[tuple[str, str | None]]]]:
    c = prepare(value)
    assert c.kind == "chat", c
    return [(m.role_class, [(p.kind, p.name) for p in m.parts]) for m in c.messages]


def test_openai_messages_with_tool_calls_and_results() -> None:
    value = {
        "model": "gpt-4o",
        "messages": [
            {"role": "developer", "content": "rules"},
            {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": 1}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
        ],
    }  # fmt: skip
    assert _shape(value) == [
        ("system", [("text", None)]),
        ("user", [("text", None), ("image", None)]),
        ("assistant", [("tool_call", "f")]),
        ("tool", [("text", None)]),
    ]
    call = prepare(value).messages[2].parts[0]
    assert call.text == '{\n  "a": 1\n}' and call.ref == "c1"


def test_openai_response_and_responses_api() -> None:
    response = {"choices": [{"message": {"role": "assistant", "content": "ok"}}]}
    assert _shape(response) == [("assistant", [("text", None)])]
    items = [
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "x"}]},
        {"type": "function_call", "name": "g", "arguments": "{}", "call_id": "k"},
        {"type": "function_call_output", "call_id": "k", "output": "done"},
    ]
    assert _shape(items) == [
        ("assistant", [("text", None)]),
        ("assistant", [("tool_call", "g")]),
        ("tool", [("tool_result", None)]),
    ]


def test_anthropic_genai_gemini_langchain() -> None:
    anthropic = {
        "system": "Be brief.",
        "messages": [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": [{"type": "thinking", "thinking": "hmm"}, {"type": "tool_use", "id": "t", "name": "s", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": "r"}], "is_error": True}]},
        ],
    }  # fmt: skip
    shape = _shape(anthropic)
    assert shape[0] == ("system", [("text", None)])
    assert shape[2] == ("assistant", [("reasoning", None), ("tool_call", "s")])
    assert prepare(anthropic).messages[3].parts[0].error is True
    genai = [
        {"role": "system", "parts": [{"type": "text", "content": "sys"}]},
        {"role": "assistant", "parts": [{"type": "tool_call", "id": "1", "name": "w", "arguments": {"c": "Paris"}}]},
        {"role": "tool", "parts": [{"type": "tool_call_response", "id": "1", "response": "sunny"}]},
    ]  # fmt: skip
    assert _shape(genai) == [
        ("system", [("text", None)]),
        ("assistant", [("tool_call", "w")]),
        ("tool", [("tool_result", None)]),
    ]
    gemini = {
        "contents": [
            {"role": "model", "parts": [{"text": "a"}, {"functionCall": {"name": "f", "args": {}}}]}
        ]
    }
    assert _shape(gemini) == [("assistant", [("text", None), ("tool_call", "f")])]
    assert _shape([{"type": "human", "content": "x"}, {"type": "ai", "content": "y"}]) == [
        ("user", [("text", None)]),
        ("assistant", [("text", None)]),
    ]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (None, "empty"),
        ("plain words", "text"),
        ('[{"role": "user", "content": "json string of messages"}]', "chat"),
        ({"message": "My order #12345 hasn't arrived yet"}, "text"),
        ({"a": 1, "b": [1, 2]}, "json"),
        ([1, 2, 3], "json"),
        ({"role": "user"}, "json"),
        (42, "json"),
        ("{not json", "text"),
    ],
)
def test_kinds(value: object, kind: str) -> None:
    assert prepare(value).kind == kind


def test_big_values_are_cut() -> None:
    big = prepare("x" * (RICH_LIMIT + 1))
    assert big.kind == "raw" and big.truncated and len(big.text) < 10_000
    assert big.size == RICH_LIMIT + 1
    messages = [{"role": "user", "content": "y" * RICH_LIMIT}]
    assert prepare(messages).kind == "raw"


def test_list_state_from_the_url() -> None:
    now = datetime(2025, 3, 2, tzinfo=UTC)
    state = parse_list_state(
        QueryParams(
            "q=tick&env=production&env=staging&user=u&tag=a&tag=b&bookmarked=1&range=24h"
            "&to=2025-03-03&score=quality>=0.5&score_name=label&score_op=%3D&score_value=good"
            "&cost_min=0.1&traces_max=9&sort=totalCost.asc&page=3&limit=100"
        ),
        now,
    )
    f = state.filter
    assert state.errors == []
    assert (f.id_search, list(f.environments), f.user_id, list(f.tags)) == (
        "tick", ["production", "staging"], "u", ["a", "b"],
    )  # fmt: skip
    assert f.bookmarked is True
    assert f.from_timestamp == datetime(2025, 3, 1, tzinfo=UTC)
    assert f.to_timestamp == datetime(2025, 3, 3, tzinfo=UTC)
    assert list(f.scores) == [
        ScoreCondition("quality", ">=", 0.5),
        ScoreCondition("label", "=", "good"),
    ]
    assert f.ranges == {"totalCost": (0.1, None), "countTraces": (None, 9.0)}
    assert (state.sort, state.page, state.limit) == ("totalCost.asc", 3, 100)
    assert "sort=totalCost.desc" in state.sort_link("totalCost")
    assert "page=" not in state.sort_link("totalCost")
    assert "page" not in state.link(user="v")
    bad = parse_list_state(QueryParams("cost_min=x&range=1y&from=nope&score=q>=high&limit=7"))
    assert len(bad.errors) == 4 and bad.limit == 50


def test_formatting() -> None:
    assert [money(v) for v in (None, 0, 0.5, 0.0123, 12.3456, 4.2e-5, 1e-9)] == [
        "–", "$0", "$0.5000", "$0.0123", "$12.35", "$0.000042", "<$0.000001",
    ]  # fmt: skip
    assert [duration(s) for s in (None, 0.25, 4.2, 200, 7500, 200_000)] == [
        "–", "250 ms", "4.2 s", "3m 20s", "2h 05m", "2d 7h",
    ]  # fmt: skip


def test_tree_order_depth_and_bars() -> None:
    t = datetime(2025, 1, 1, tzinfo=UTC)

    def obs(i: str, parent: str | None, start: int, end: int | None) -> dict[str, object]:
        from datetime import timedelta

        return {
            "id": i,
            "parent_observation_id": parent,
            "start_time": t + timedelta(seconds=start),
            "end_time": None if end is None else t + timedelta(seconds=end),
        }

    rows = flatten(
        [
            obs("c", "a", 5, 10),
            obs("a", None, 0, 10),
            obs("b", "a", 1, 2),
            obs("o", "gone", 3, None),
        ]
    )
    assert [(r.obs["id"], r.depth) for r in rows] == [("a", 0), ("b", 1), ("c", 1), ("o", 0)]
    assert (rows[0].bar_x, rows[0].bar_width) == (0, 1000)
    assert (rows[2].bar_x, rows[2].bar_width) == (500, 500)
    assert rows[3].latency is None
