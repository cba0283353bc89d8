"""Usage and cost normalization and totals (shared by OTLP and Langfuse batch ingestion)."""

from __future__ import annotations

from typing import Any

import pytest

from interactiveai.server.ingest.usage import (
    cost_totals,
    normalize_cost,
    normalize_usage,
    usage_totals,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            {
                "prompt_tokens": 100,
                "completion_tokens": 50,
                "total_tokens": 150,
                "prompt_tokens_details": {"cached_tokens": 20, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 10},
            },
            {
                "input": 80,
                "input_cached_tokens": 20,
                "output": 40,
                "output_reasoning_tokens": 10,
                "total": 150,
            },
            id="openai-chat",
        ),
        pytest.param(
            {"promptTokens": 7, "completionTokens": 3, "totalTokens": 10},
            {"input": 7, "output": 3, "total": 10},
            id="camelCase",
        ),
        pytest.param(
            {
                "input_tokens": 90,
                "output_tokens": 30,
                "total_tokens": 120,
                "input_tokens_details": {"cached_tokens": 40},
                "output_tokens_details": {"reasoning_tokens": 5},
            },
            {
                "input": 50,
                "input_cached_tokens": 40,
                "output": 25,
                "output_reasoning_tokens": 5,
                "total": 120,
            },
            id="openai-responses",
        ),
        pytest.param(
            {
                "input_tokens": 10,
                "output_tokens": 20,
                "cache_read_input_tokens": 300,
                "cache_creation_input_tokens": 40,
                "cache_creation": {"ephemeral_5m_input_tokens": 40},
                "service_tier": "standard",
            },
            {
                "input": 10,
                "input_cached_tokens": 300,
                "input_cache_creation": 40,
                "output": 20,
                "total": 370,
            },
            id="anthropic",
        ),
        pytest.param(
            {"input": 5, "output": 6, "total": 11, "unit": "TOKENS", "inputCost": 0.01},
            {"input": 5, "output": 6, "total": 11},
            id="langfuse-v2-usage",
        ),
        pytest.param(
            {"input": 5, "output": 6, "input_audio": 2, "images": 3},
            {"input": 5, "output": 6, "input_audio": 2, "images": 3, "total": 13},
            id="usage-details-free-keys",
        ),
        pytest.param({"requests": 2}, {"requests": 2}, id="nothing-token-like-no-total"),
        pytest.param(
            {"input": "12", "output": 3.0, "bad": "x", "neg": -1, "flag": True},
            {"input": 12, "output": 3, "total": 15},
            id="lenient-numbers",
        ),
        pytest.param(
            {"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 50}},
            {"input": 0, "input_cached_tokens": 50, "total": 50},
            id="never-negative",
        ),
        pytest.param({}, {}, id="empty"),
    ],
)
def test_normalize_usage(raw: dict[str, Any], expected: dict[str, int]) -> None:
    assert normalize_usage(raw) == expected


def test_normalized_usage_is_a_fixed_point() -> None:
    once = normalize_usage(
        {
            "prompt_tokens": 100,
            "completion_tokens": 50,
            "prompt_tokens_details": {"cached_tokens": 20},
            "completion_tokens_details": {"reasoning_tokens": 10},
        }
    )
    assert normalize_usage(once) == once


def test_usage_totals_follow_the_key_rule() -> None:
    usage = {"input": 80, "input_cached_tokens": 20, "output": 40, "output_reasoning_tokens": 10}
    assert usage_totals(usage) == (100, 50, 150)
    assert usage_totals({**usage, "total": 999}) == (100, 50, 999)
    assert usage_totals({}) == (0, 0, 0)


def test_normalize_cost_and_totals() -> None:
    assert normalize_cost({"inputCost": 0.5, "outputCost": 1, "totalCost": "1.5"}) == {
        "input": 0.5,
        "output": 1.0,
        "total": 1.5,
    }
    assert normalize_cost({"input": 1, "bad": "x", "nan": float("nan"), "b": True}) == {
        "input": 1.0
    }
    assert cost_totals({"input": 0.25, "input_cached": 0.25, "output": 1.0}) == (0.5, 1.0, 1.5)
    assert cost_totals({"input": 1.0, "total": 3.0}) == (1.0, 0.0, 3.0)
