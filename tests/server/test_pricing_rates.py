"""The per-token rates cached from genai-prices give the same cost as calling it each time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from genai_prices import calc_price

from interactiveai.server.pricing.catalog import Catalog, to_genai_usage

WHEN = datetime(2025, 6, 1, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("model", "usage"),
    [
        ("gpt-4o-mini", {"input": 350, "output": 80}),
        ("gpt-4o", {"input": 12_345, "input_cached_tokens": 2_000, "output": 678}),
        ("claude-sonnet-4", {"input": 1000, "input_cache_creation": 200, "output": 300}),
        ("claude-3-5-haiku", {"input": 5, "output": 0}),
        ("gemini-2.5-pro", {"input": 300_000, "output": 100}),  # tiered: no cached rates
        ("gemini-2.5-pro", {"input": 1_000, "output": 100}),
    ],
)
def test_cached_rates_match_genai_prices(model: str, usage: dict[str, int]) -> None:
    catalog = Catalog()
    for _ in range(2):  # the second call uses the cached rates
        cost = catalog.cost(model, usage, WHEN)
        assert cost is not None
        genai_usage = to_genai_usage(usage)
        assert genai_usage is not None
        reference = calc_price(genai_usage, model, genai_request_timestamp=WHEN)
        assert cost["input"] == pytest.approx(float(reference.input_price), rel=1e-9)
        assert cost["output"] == pytest.approx(float(reference.output_price), rel=1e-9)
        assert cost["total"] == pytest.approx(float(reference.total_price), rel=1e-9)


def test_unknown_model_has_no_cost() -> None:
    assert Catalog().cost("no-such-model-xyz", {"input": 10}, WHEN) is None
