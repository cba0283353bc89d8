"""Cost from usage: genai-prices, then per-project custom prices that win over it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from interactiveai.server.errors import BadRequestError
from interactiveai.server.pricing import Pricer
from interactiveai.server.pricing.catalog import to_genai_usage
from interactiveai.server.store import prices
from interactiveai.server.store.projects import create_project

T0 = datetime(2025, 6, 1, tzinfo=UTC)


def test_catalog_prices_known_models_and_skips_unknown(engine: Engine) -> None:
    pricer = Pricer()
    with engine.connect() as conn:
        cost = pricer(conn, "none", "gpt-4o-mini", {"input": 1000, "output": 500}, T0)
        assert cost == pytest.approx({"input": 0.00015, "output": 0.0003, "total": 0.00045})
        # Cached input tokens are cheaper: 200 fresh + 800 cached.
        cached = pricer(conn, "none", "gpt-4o-mini", {"input": 200, "input_cached_tokens": 800}, T0)
        assert cached is not None and cached["input"] == pytest.approx(0.00009)
        assert pricer(conn, "none", "no-such-model-xyz", {"input": 10}, T0) is None
        assert pricer(conn, "none", "no-such-model-xyz", {"input": 10}, T0) is None
        assert pricer(conn, "none", "gpt-4o-mini", {"total": 10}, T0) is None


def test_usage_translation() -> None:
    usage = to_genai_usage(
        {"input": 10, "input_cache_creation": 5, "output": 3, "output_reasoning_tokens": 2}
    )
    assert usage is not None
    assert (usage.input_tokens, usage.cache_write_tokens, usage.output_tokens) == (15, 5, 5)


def test_custom_prices_win_and_respect_start_date(engine: Engine) -> None:
    pricer = Pricer()
    with engine.begin() as conn:
        pid = create_project(conn, "p").id
        prices.create_model(
            conn,
            pid,
            model_name="gpt-4o-mini",
            match_pattern="(?i)^gpt-4o-mini$",
            prices={"input": 1.0, "output": 2.0},
        )
        prices.create_model(
            conn,
            pid,
            model_name="gpt-4o-mini",
            match_pattern="(?i)^gpt-4o-mini$",
            prices={"input": {"price": 10.0}, "output": {"price": 20.0}},
            start_date=datetime(2025, 7, 1, tzinfo=UTC),
        )
        prices.create_model(
            conn, pid, model_name="flat", match_pattern="^flat-", prices={"total": 0.5}
        )
    with engine.connect() as conn:
        usage = {"input": 3, "output": 1, "total": 4}
        assert pricer(conn, pid, "GPT-4o-mini", usage, T0) == {
            "input": 3.0,
            "output": 2.0,
            "total": 5.0,
        }
        later = datetime(2025, 8, 1, tzinfo=UTC)
        assert pricer(conn, pid, "gpt-4o-mini", usage, later) == {
            "input": 30.0,
            "output": 20.0,
            "total": 50.0,
        }
        assert pricer(conn, pid, "flat-1", usage, T0) == {"total": 2.0}
        # Another project still gets genai-prices.
        other = pricer(conn, "other", "gpt-4o-mini", usage, T0)
        assert other is not None and other["total"] < 0.01


def test_custom_price_validation(engine: Engine) -> None:
    with engine.begin() as conn:
        pid = create_project(conn, "p").id
    cases: list[tuple[dict[str, object], str]] = [
        ({"model_name": "", "match_pattern": "x", "prices": {"input": 1}}, "modelName"),
        ({"model_name": "m", "match_pattern": "(", "prices": {"input": 1}}, "matchPattern"),
        ({"model_name": "m", "match_pattern": "x", "prices": {}}, "prices"),
        ({"model_name": "m", "match_pattern": "x", "prices": {"input": -1}}, "prices.input"),
        ({"model_name": "m", "match_pattern": "x", "prices": {"input": "a"}}, "prices.input"),
        (
            {"model_name": "m", "match_pattern": "x", "prices": {"input": 1, "total": 2}},
            "prices.total",
        ),
        ({"model_name": "m", "match_pattern": "x", "prices": {"a": 1}, "unit": "KG"}, "unit"),
    ]
    for kwargs, field in cases:
        with engine.begin() as conn, pytest.raises(BadRequestError) as info:
            prices.create_model(conn, pid, **kwargs)  # type: ignore[arg-type]
        assert field in info.value.message
