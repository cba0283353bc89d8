"""Usage and cost: normalize the shapes clients send, and total them the way the spec says.

Independent of OTLP: the Langfuse batch ingestion route uses the same functions.

Normalized usage keys are `input`, `output`, `total` plus details such as
`input_cached_tokens`, `input_cache_creation`, `output_reasoning_tokens`. Details that a
provider counts *inside* its prompt/completion figure (OpenAI's `*_tokens_details`) are taken
out of `input`/`output`, so that the sum of all keys containing "input" is the provider's
prompt figure again and nothing is counted twice. Anthropic's cache keys are already outside
its `input_tokens`, so they are moved, not subtracted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

_INPUT_KEYS = ("input", "prompt_tokens", "promptTokens", "input_tokens", "inputTokens")
_OUTPUT_KEYS = ("output", "completion_tokens", "completionTokens", "output_tokens", "outputTokens")
_TOTAL_KEYS = ("total", "total_tokens", "totalTokens")
_INPUT_DETAIL_KEYS = ("prompt_tokens_details", "input_tokens_details", "promptTokensDetails")
_OUTPUT_DETAIL_KEYS = (
    "completion_tokens_details",
    "output_tokens_details",
    "completionTokensDetails",
)
# Anthropic reports cache tokens beside (not inside) input_tokens.
_BESIDE_INPUT = {
    "cache_read_input_tokens": "input_cached_tokens",
    "cache_creation_input_tokens": "input_cache_creation",
}
_INPUT_DETAIL_NAMES = {
    "cached_tokens": "input_cached_tokens",
    "cachedTokens": "input_cached_tokens",
    "cache_read": "input_cached_tokens",
    "cache_read_tokens": "input_cached_tokens",
    "cache_write": "input_cache_creation",
    "cache_creation": "input_cache_creation",
    "cache_creation_tokens": "input_cache_creation",
    "audio_tokens": "input_audio_tokens",
    "audio": "input_audio_tokens",
}
_OUTPUT_DETAIL_NAMES = {
    "reasoning_tokens": "output_reasoning_tokens",
    "reasoningTokens": "output_reasoning_tokens",
    "reasoning": "output_reasoning_tokens",
    "audio_tokens": "output_audio_tokens",
    "audio": "output_audio_tokens",
}
_CONSUMED = frozenset(
    (*_INPUT_KEYS, *_OUTPUT_KEYS, *_TOTAL_KEYS, *_INPUT_DETAIL_KEYS, *_OUTPUT_DETAIL_KEYS, "unit")
)
_COST_NAMES = {
    "inputCost": "input",
    "outputCost": "output",
    "totalCost": "total",
    "input_cost": "input",
    "output_cost": "output",
    "total_cost": "total",
}


# Counts must fit a signed 64-bit column; anything larger is not a real token count.
_MAX_COUNT = 2**63 - 1


def as_int(value: Any) -> int | None:
    """`value` as a non-negative token count, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= _MAX_COUNT else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and 0 <= value <= _MAX_COUNT else None
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return as_int(int(text))
        try:
            return as_int(float(text))
        except ValueError:
            return None
    return None


def as_float(value: Any) -> float | None:
    """`value` as a finite float, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _first(raw: Mapping[str, Any], keys: tuple[str, ...]) -> int | None:
    for key in keys:
        if key in raw and (n := as_int(raw[key])) is not None:
            return n
    return None


def _details(
    raw: Mapping[str, Any], keys: tuple[str, ...], names: Mapping[str, str], prefix: str
) -> dict[str, int]:
    """Breakdowns nested under e.g. `prompt_tokens_details`, renamed to our detail keys."""
    out: dict[str, int] = {}
    for key in keys:
        nested = raw.get(key)
        if isinstance(nested, Mapping):
            for name, value in nested.items():
                n = as_int(value)
                if n:  # zero details carry nothing and only clutter the map
                    out[names.get(name, f"{prefix}_{name}")] = n
    return out


def normalize_usage(raw: Mapping[str, Any]) -> dict[str, int]:
    """Usage in any known shape (OpenAI, Anthropic, Langfuse v2, free-form) as our int map."""
    out: dict[str, int] = {}
    for key, value in raw.items():
        if key in _CONSUMED or key.endswith(("Cost", "_cost")):
            continue
        n = as_int(value)
        if n is not None:
            out[_BESIDE_INPUT.get(key, key)] = n
    input_details = _details(raw, _INPUT_DETAIL_KEYS, _INPUT_DETAIL_NAMES, "input")
    output_details = _details(raw, _OUTPUT_DETAIL_KEYS, _OUTPUT_DETAIL_NAMES, "output")
    prompt = _first(raw, _INPUT_KEYS)
    if prompt is not None:
        out["input"] = max(0, prompt - sum(input_details.values()))
    completion = _first(raw, _OUTPUT_KEYS)
    if completion is not None:
        out["output"] = max(0, completion - sum(output_details.values()))
    out.update(input_details)
    out.update(output_details)
    total = _first(raw, _TOTAL_KEYS)
    if total is None and any("input" in k or "output" in k for k in out):
        # Only invent a total when there is something token-like to add up.
        total = usage_totals(out)[2]
    if total is not None:
        out["total"] = total
    return out


def normalize_cost(raw: Mapping[str, Any]) -> dict[str, float]:
    """Cost details (USD) as a float map; Langfuse v2 `inputCost`/... become input/output/total."""
    out: dict[str, float] = {}
    for key, value in raw.items():
        number = as_float(value)
        if number is not None:
            out[_COST_NAMES.get(key, key)] = number
    return out


def usage_totals(usage: Mapping[str, int | float]) -> tuple[int, int, int]:
    """(input, output, total): sums of keys containing input/output; total = `total` or the sum."""
    inp = out = 0
    for key, value in usage.items():
        if "input" in key:
            inp += int(value)
        elif "output" in key:
            out += int(value)
    total = usage.get("total")
    return inp, out, int(total) if total is not None else inp + out


def cost_totals(cost: Mapping[str, float]) -> tuple[float, float, float]:
    """(input, output, total) cost, aggregated with the same rule as usage_totals."""
    inp = out = 0.0
    for key, value in cost.items():
        if "input" in key:
            inp += value
        elif "output" in key:
            out += value
    total = cost.get("total")
    return inp, out, float(total) if total is not None else inp + out
