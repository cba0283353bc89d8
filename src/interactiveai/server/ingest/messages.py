"""Rebuild chat messages that instrumentations flatten into many span attributes.

OpenInference writes `llm.input_messages.<i>.message.role/content/...` and older
OpenTelemetry GenAI (OpenLLMetry) writes `gen_ai.prompt.<i>.role/content`; the UI wants the
list of messages back. The GenAI semconv's `gen_ai.input.messages` is already a JSON list;
its `gen_ai.system_instructions` go first as a system message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from interactiveai.server.ingest.values import maybe_json

# OpenInference wraps each list element in a namespace segment ("0.message.role",
# "tool_calls.0.tool_call.function.name"); dropping it gives the natural message shape.
_WRAPPERS = frozenset(("message", "tool_call", "message_content"))


def _set_path(node: dict[Any, Any], parts: list[str], value: Any) -> None:
    last = len(parts) - 1
    skip_wrapper = False
    for i, part in enumerate(parts):
        if skip_wrapper and part in _WRAPPERS and i < last:
            skip_wrapper = False
            continue
        key: Any = int(part) if part.isdigit() else part
        skip_wrapper = isinstance(key, int)
        if i == last:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child


def _listify(node: Any) -> Any:
    """Dicts keyed only by integers become lists in index order, all the way down."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_listify(node[k]) for k in sorted(node)]
    return {str(k): _listify(v) for k, v in node.items()}


def rebuild_messages(items: Iterable[tuple[str, Any]]) -> list[Any] | None:
    """Messages from (path after the family prefix, value) pairs, e.g. ("0.message.role", "user")."""
    root: dict[Any, Any] = {}
    for path, value in items:
        parts = path.split(".")
        if parts[0].isdigit():  # else not an indexed message; the classifier keeps those out
            _set_path(root, parts, value)
    if not root:
        return None
    messages = _listify(root)
    return messages if isinstance(messages, list) else [messages]


def genai_messages(messages: Any, system_instructions: Any) -> Any:
    """`gen_ai.input.messages` decoded, with `gen_ai.system_instructions` first as a system turn."""
    decoded = maybe_json(messages) if messages is not None else None
    if system_instructions is None:
        return decoded
    instructions = maybe_json(system_instructions)
    if isinstance(instructions, list):
        system: dict[str, Any] = {"role": "system", "parts": instructions}
    else:
        system = {"role": "system", "content": instructions}
    if decoded is None:
        return [system]
    if isinstance(decoded, list):
        return [system, *decoded]
    return [system, decoded]
