"""Walking a trace's input/output (any JSON value) to reach the strings a person reads.

Keys are never translated. Values under keys that hold machine data (roles, ids, model
names, tool calls and their arguments, URLs, types...) are kept whole. Message lists
(`[{"role": "user", "content": "..."}]`), OpenAI content parts (`{"type": "text",
"text": ...}`) and Anthropic blocks (`{"type": "tool_use", "input": {...}}`) come out
right from these rules. A string that is itself a JSON object or array (common when an
app records serialised payloads) is walked too and serialised back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from interactiveai.server.translate.protect import is_prose

# Values under these keys are data for programs, not text for people, at any depth.
SKIP_KEYS: frozenset[str] = frozenset(
    {
        "role",
        "id",
        "type",
        "name",
        "model",
        "object",
        "finish_reason",
        "stop_reason",
        "tool_calls",
        "function_call",
        "tool_call_id",
        "arguments",
        "parameters",
        "tools",
        "functions",
        "tool_choice",
        "response_format",
        "json_schema",
        "schema",
        "url",
        "uri",
        "href",
        "src",
        "image_url",
        "input_audio",
        "audio",
        "file",
        "file_id",
        "filename",
        "path",
        "mime_type",
        "media_type",
        "format",
        "encoding",
        "language",
        "lang",
        "locale",
        "status",
        "code",
        "signature",
        "hash",
        "token",
        "key",
        "email",
        "version",
        "release",
        "environment",
        "timestamp",
        "created",
        "created_at",
        "updated_at",
        "date",
        "usage",
        "logprobs",
        "index",
        "base64",
    }
)
_ID_KEY = re.compile(r"(?:^|[_-])(?:id|ids|key|uuid|hash|url|uri|path)$", re.IGNORECASE)
# In these block types, `input`/`arguments` are a tool's arguments, not a message.
_TOOL_BLOCKS = frozenset(
    {"tool_use", "tool_call", "function_call", "function", "server_tool_use", "mcp_tool_use"}
)

StringMap = Callable[[str], str]


def skip_key(key: str) -> bool:
    """Whether the value under `key` is machine data to keep as it is."""
    k = key.lower()
    return k in SKIP_KEYS or bool(_ID_KEY.search(k)) or k.endswith("camelid")


def transform(value: Any, fn: StringMap) -> Any:
    """A copy of `value` with `fn` applied to every prose string leaf.

    `fn` is called once per occurrence, in document order; everything else (keys,
    numbers, booleans, None, skipped subtrees, non-prose strings) is returned as it was.
    """
    return _walk(value, fn)


def prose_strings(value: Any) -> list[str]:
    """The distinct prose string leaves of `value`, in document order."""
    seen: dict[str, None] = {}

    def record(text: str) -> str:
        seen.setdefault(text, None)
        return text

    _walk(value, record)
    return list(seen)


def _walk(value: Any, fn: StringMap) -> Any:
    if isinstance(value, str):
        return _walk_string(value, fn)
    if isinstance(value, list):
        return [_walk(item, fn) for item in value]
    if isinstance(value, tuple):
        return [_walk(item, fn) for item in value]
    if isinstance(value, dict):
        tool_block = str(value.get("type", "")).lower() in _TOOL_BLOCKS
        out: dict[Any, Any] = {}
        for key, item in value.items():
            keep = not isinstance(key, str) or skip_key(key)
            if tool_block and isinstance(key, str):
                keep = keep or key.lower() in ("input", "arguments", "parameters")
            out[key] = item if keep else _walk(item, fn)
        return out
    return value


def _walk_string(text: str, fn: StringMap) -> Any:
    embedded = _embedded_json(text)
    if embedded is not None:
        walked = _walk(embedded, fn)
        if walked == embedded:
            return text
        # Keep the layout the app used: indented if it was multi-line, compact otherwise.
        indent = 2 if "\n" in text.strip() else None
        return json.dumps(walked, ensure_ascii=False, indent=indent)
    if is_prose(text):
        return fn(text)
    return text


def _embedded_json(text: str) -> dict[str, Any] | list[Any] | None:
    s = text.strip()
    if len(s) < 2 or (s[0], s[-1]) not in (("{", "}"), ("[", "]")):
        return None
    try:
        data = json.loads(s)
    except ValueError:
        return None
    return data if isinstance(data, dict | list) else None
