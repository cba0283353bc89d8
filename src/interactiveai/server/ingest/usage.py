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
_IN, _OUT, _TOTAL, _IN_DETAILS, _OUT_DETAILS, _SKIP = range(6)
# key → (role, rank): the first key of each list wins when a client sends several.
_ROLES: dict[str, tuple[int, int]] = {
    key: (role, rank)
    for role, keys in (
        (_IN, _INPUT_KEYS),
        (_OUT, _OUTPUT_KEYS),
        (_TOTAL, _TOTAL_KEYS),
        (_IN_DETAILS, _INPUT_DETAIL_KEYS),
        (_OUT_DETAILS, _OUTPUT_DETAIL_KEYS),
        (_SKIP, ("unit",)),
    )
    for rank, key in enumerate(keys)
}
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


def _details(nested: Any, names: Mapping[str, str], prefix: str, into: dict[str, int]) -> int:
    """Add a breakdown such as `prompt_tokens_details` to `into`; returns what it adds up to."""
    added = 0
    if isinstance(nested, Mapping):
        for name, value in nested.items():
            n = as_int(value)
            if n:  # zero details carry nothing and only clutter the map
                into[names.get(name, f"{prefix}_{name}")] = n
                added += n
    return added


def normalize_usage(raw: Mapping[str, Any]) -> dict[str, int]:
    """Usage in any known shape (OpenAI, Anthropic, Langfuse v2, free-form) as our int map."""
    out: dict[str, int] = {}
    # One pass: the known keys are noted by role (lowest rank wins), the rest kept as is.
    found: dict[int, tuple[int, Any]] = {}
    for key, value in raw.items():
        role = _ROLES.get(key)
        if role is not None:
            if role[0] not in found or role[1] < found[role[0]][0]:
                found[role[0]] = (role[1], value)
        elif not key.endswith(("Cost", "_cost")) and (n := as_int(value)) is not None:
            out[_BESIDE_INPUT.get(key, key)] = n
    if not found:
        total = None
    else:
        details: dict[str, int] = {}
        in_details = _details(
            found.get(_IN_DETAILS, (0, None))[1], _INPUT_DETAIL_NAMES, "input", details
        )
        out_details = _details(
            found.get(_OUT_DETAILS, (0, None))[1], _OUTPUT_DETAIL_NAMES, "output", details
        )
        if _IN in found and (n := as_int(found[_IN][1])) is not None:
            out["input"] = max(0, n - in_details)
        if _OUT in found and (n := as_int(found[_OUT][1])) is not None:
            out["output"] = max(0, n - out_details)
        out.update(details)
        total = as_int(found[_TOTAL][1]) if _TOTAL in found else None
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
