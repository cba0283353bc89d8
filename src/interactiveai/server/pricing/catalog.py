"""Prices from the `genai-prices` package: a model name and our usage keys to cost in USD.

Our usage keys (after ingestion normalized them) split input tokens into fresh input,
cache reads and cache writes, and output into text and reasoning; genai-prices wants the
total input with the cache parts named separately, and all output. This module does that
translation and nothing else.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from genai_prices import Usage, calc_price
from genai_prices.types import TieredPrices

log = logging.getLogger(__name__)

_MISS_LIMIT = 10_000


def _is_cache_read(key: str) -> bool:
    return "cache_read" in key or "cached" in key


def _is_cache_write(key: str) -> bool:
    return "cache_creation" in key or "cache_write" in key


def _split(usage: Mapping[str, int]) -> tuple[int, int, int, int]:
    """(total input, cache reads, cache writes, total output) from our usage keys."""
    input_total = cache_read = cache_write = output_total = 0
    for key, value in usage.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            continue
        k = key.lower()
        if "input" in k or _is_cache_read(k) or _is_cache_write(k):
            input_total += int(value)
            if _is_cache_read(k):
                cache_read += int(value)
            elif _is_cache_write(k):
                cache_write += int(value)
        elif "output" in k:
            output_total += int(value)
    return input_total, cache_read, cache_write, output_total


def to_genai_usage(usage: Mapping[str, int]) -> Usage | None:
    """genai-prices usage from our usage details; None when there is nothing to price."""
    input_total, cache_read, cache_write, output_total = _split(usage)
    if not input_total and not output_total:
        return None
    return Usage(
        input_tokens=input_total,
        output_tokens=output_total,
        cache_read_tokens=cache_read or None,
        cache_write_tokens=cache_write or None,
    )


@dataclass(frozen=True, slots=True)
class _Linear:
    """Prices of one model on one day as per-token rates, read off genai-prices itself.

    genai-prices takes ~70 µs a call, more than the whole write path of a span, so for the
    many models whose price is flat (no tiers) the rates are derived once per model and day
    from genai-prices' own results on unit usages, and applied with a multiply-add.
    """

    fixed_input: float  # per-request fees, in the input (or output) part
    fixed_output: float
    fresh_input: float  # USD per token
    cache_read: float
    cache_write: float
    output: float

    def cost(self, parts: tuple[int, int, int, int]) -> dict[str, float]:
        """Cost details of usage split as `_split` does."""
        input_total, cached_read, cached_write, output_total = parts
        fresh = input_total - cached_read - cached_write
        input_cost = (
            self.fixed_input
            + fresh * self.fresh_input
            + cached_read * self.cache_read
            + cached_write * self.cache_write
        )
        output_cost = self.fixed_output + output_total * self.output
        return {"input": input_cost, "output": output_cost, "total": input_cost + output_cost}


_MTOK = 1_000_000


def _linear(key: str, when: datetime | None) -> _Linear | None:
    """Per-token rates of a model, or None when its price is tiered (not linear)."""
    probe = calc_price(
        Usage(input_tokens=_MTOK, output_tokens=_MTOK), key, genai_request_timestamp=when
    )
    if any(isinstance(v, TieredPrices) for v in vars(probe.model_price).values()):
        return None

    def parts(u: Usage) -> tuple[float, float]:
        c = calc_price(u, key, genai_request_timestamp=when)
        return float(c.input_price), float(c.output_price)

    base_in, base_out = parts(Usage(input_tokens=0, output_tokens=0))
    fresh, _ = parts(Usage(input_tokens=_MTOK, output_tokens=0))
    _, out = parts(Usage(input_tokens=0, output_tokens=_MTOK))
    read, _ = parts(Usage(input_tokens=_MTOK, cache_read_tokens=_MTOK, output_tokens=0))
    write, _ = parts(Usage(input_tokens=_MTOK, cache_write_tokens=_MTOK, output_tokens=0))
    return _Linear(
        fixed_input=base_in,
        fixed_output=base_out,
        fresh_input=(fresh - base_in) / _MTOK,
        cache_read=(read - base_in) / _MTOK,
        cache_write=(write - base_in) / _MTOK,
        output=(out - base_out) / _MTOK,
    )


_UNKNOWN: Any = object()  # not yet looked up (None means: no flat rates)


class Catalog:
    """genai-prices lookups, remembering model names it does not know.

    genai-prices caches its own hits; a miss raises LookupError after scanning every
    provider, which would cost that scan on every observation of an unknown model.
    Flat prices are kept as per-token rates per model and day (see `_Linear`).
    """

    def __init__(self) -> None:
        self._misses: set[str] = set()
        self._rates: dict[tuple[str, date | None], _Linear | None] = {}
        self._lock = threading.Lock()

    def cost(
        self, model: str, usage: Mapping[str, int], start_time: datetime | None
    ) -> dict[str, float] | None:
        """Cost details `{"input", "output", "total"}` in USD, or None for unknown models."""
        key = model.strip().lower()
        if not key or key in self._misses:
            return None
        parts = _split(usage)
        if not parts[0] and not parts[3]:
            return None
        day = start_time.date() if start_time is not None else None
        # The cached rate is the hot path: it runs before any warnings-filter juggling.
        rates = self._rates.get((key, day), _UNKNOWN)
        if isinstance(rates, _Linear):
            return rates.cost(parts)
        try:
            with warnings.catch_warnings():
                # genai-prices warns about prices it estimates; a log line is enough here.
                warnings.simplefilter("ignore")
                if rates is _UNKNOWN:
                    when = datetime.combine(day, time(12), UTC) if day is not None else None
                    rates = _linear(key, when)
                    with self._lock:
                        if len(self._rates) >= _MISS_LIMIT:
                            self._rates.clear()
                        self._rates[(key, day)] = rates
                    if rates is not None:
                        return rates.cost(parts)
                genai_usage = to_genai_usage(usage)
                assert genai_usage is not None
                calc = calc_price(genai_usage, key, genai_request_timestamp=start_time)
        except LookupError:
            with self._lock:
                if len(self._misses) >= _MISS_LIMIT:
                    self._misses.clear()
                self._misses.add(key)
            return None
        except (ValueError, TypeError, ArithmeticError) as exc:
            log.warning("genai-prices could not price %r: %s", model, exc)
            return None
        return {
            "input": float(calc.input_price),
            "output": float(calc.output_price),
            "total": float(calc.total_price),
        }
