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
from datetime import datetime

from genai_prices import Usage, calc_price

log = logging.getLogger(__name__)

_MISS_LIMIT = 10_000


def _is_cache_read(key: str) -> bool:
    return "cache_read" in key or "cached" in key


def _is_cache_write(key: str) -> bool:
    return "cache_creation" in key or "cache_write" in key


def to_genai_usage(usage: Mapping[str, int]) -> Usage | None:
    """genai-prices usage from our usage details; None when there is nothing to price."""
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
    if not input_total and not output_total:
        return None
    return Usage(
        input_tokens=input_total,
        output_tokens=output_total,
        cache_read_tokens=cache_read or None,
        cache_write_tokens=cache_write or None,
    )


class Catalog:
    """genai-prices lookups, remembering model names it does not know.

    genai-prices caches its own hits; a miss raises LookupError after scanning every
    provider, which would cost that scan on every observation of an unknown model.
    """

    def __init__(self) -> None:
        self._misses: set[str] = set()
        self._lock = threading.Lock()

    def cost(
        self, model: str, usage: Mapping[str, int], start_time: datetime | None
    ) -> dict[str, float] | None:
        """Cost details `{"input", "output", "total"}` in USD, or None for unknown models."""
        key = model.strip().lower()
        if not key or key in self._misses:
            return None
        genai_usage = to_genai_usage(usage)
        if genai_usage is None:
            return None
        try:
            with warnings.catch_warnings():
                # genai-prices warns about prices it estimates; a log line is enough here.
                warnings.simplefilter("ignore")
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
