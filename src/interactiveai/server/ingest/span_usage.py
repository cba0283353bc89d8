"""Usage and cost from the open conventions' span attributes (gen_ai.usage.*, llm.token_count.*,
llm.cost.*) and from the explicit cost details of ours and Langfuse's vocabulary."""

from __future__ import annotations

from typing import Any

from interactiveai.server.ingest import vocabulary as v
from interactiveai.server.ingest.usage import as_float, as_int, normalize_cost, normalize_usage
from interactiveai.server.ingest.values import as_object
from interactiveai.server.ingest.vocabulary import Flat, Found

# gen_ai.usage.* / llm.usage.* / llm.token_count.* sub-keys → where normalize_usage wants them.
_TOKEN_KEYS = {
    "input_tokens": "input_tokens",
    "prompt_tokens": "input_tokens",
    "prompt": "input_tokens",
    "output_tokens": "output_tokens",
    "completion_tokens": "output_tokens",
    "completion": "output_tokens",
    "total_tokens": "total_tokens",
    "total": "total_tokens",
}
_TOKEN_DETAILS = {
    "cache_read_input_tokens": ("input_tokens_details", "cache_read"),
    "cache_read.input_tokens": ("input_tokens_details", "cache_read"),
    "cache_creation_input_tokens": ("input_tokens_details", "cache_creation"),
    "cache_creation.input_tokens": ("input_tokens_details", "cache_creation"),
    "reasoning_tokens": ("output_tokens_details", "reasoning"),
    "reasoning.output_tokens": ("output_tokens_details", "reasoning"),
}
_COST_KEYS = {"prompt": "input", "completion": "output", "total": "total"}


def usage_from_families(flats: dict[int, Flat]) -> dict[str, int] | None:
    """Usage from gen_ai.usage.* (first) or llm.token_count.*, normalized like OpenAI usage."""
    for slot in (v.GENAI_USAGE_FLAT, v.LLM_TOKENS_FLAT):
        items = flats.get(slot)
        if not items:
            continue
        raw: dict[str, Any] = {}
        details: dict[str, dict[str, Any]] = {}
        for _, sub, value in sorted(items, key=lambda item: -item[0]):
            if sub in _TOKEN_KEYS:
                raw[_TOKEN_KEYS[sub]] = value
            elif sub in _TOKEN_DETAILS:
                group, name = _TOKEN_DETAILS[sub]
                details.setdefault(group, {})[name] = value
            elif sub.startswith(("prompt_details.", "completion_details.")):
                head, _, name = sub.partition(".")
                group = "input_tokens_details" if head[0] == "p" else "output_tokens_details"
                details.setdefault(group, {})[name] = value
            elif as_int(value) is not None:
                raw[sub] = value
        raw.update(details)
        usage = normalize_usage(raw)
        if usage:
            return usage
    return None


def cost_from_attributes(best: dict[int, Found], flats: dict[int, Flat]) -> dict[str, float] | None:
    """Given cost details win; else gen_ai.usage.cost, else llm.cost.* (USD)."""
    if (given := best.get(v.COST)) is not None:
        obj = as_object(given[1])
        return normalize_cost(obj) if obj is not None else None
    cost: dict[str, float] = {}
    if (total := best.get(v.COST_TOTAL)) is not None and (n := as_float(total[1])) is not None:
        cost["total"] = n
    if total is None or total[0] > 0:  # llm.cost.* only when gen_ai.usage.cost is absent
        for _, sub, value in flats.get(v.LLM_COST_FLAT, ()):
            if sub in _COST_KEYS and (n := as_float(value)) is not None:
                cost.setdefault(_COST_KEYS[sub], n)
    return cost or None
