"""How an input or output is shown: a chat transcript when it is messages, else text or JSON.

Recognized message shapes (any mix, in lists or wrapped in a request/response object):

- OpenAI chat: `{role, content, tool_calls: [{id, function: {name, arguments}}], tool_call_id}`,
  content parts `{type: text|input_text|output_text|image_url, ...}`, responses `{choices: [...]}`;
  the Responses API items `{type: message|function_call|function_call_output}`.
- Anthropic: `{role, content: [{type: text|tool_use|tool_result|thinking}]}`, requests with a
  top-level `system`, responses `{type: "message", content: [...]}`.
- OpenTelemetry GenAI: `{role, parts: [{type: text|tool_call|tool_call_response|reasoning}]}`;
  Gemini: `{role, parts: [{text}|{functionCall}|{functionResponse}]}`, `contents`/`candidates`.
- LangChain-style `{type: human|ai|system|tool, content}`.

Values too big to render richly (over `RICH_LIMIT` characters of JSON) are shown as a
preview of raw text with a "show all" control that fetches the whole value on demand, so a
1 MB output never weighs on the page. Everything returned here is plain text; escaping is
the template's job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

RICH_LIMIT = 100_000
PREVIEW_CHARS = 8_000
# A lone string under one of these keys is shown as text (e.g. the seed's {"message": ...}).
_TEXT_KEYS = {
    "message",
    "text",
    "content",
    "query",
    "question",
    "input",
    "output",
    "prompt",
    "answer",
    "response",
    "completion",
    "result",
}
_ROLE_ALIASES = {"human": "user", "ai": "assistant", "model": "assistant", "bot": "assistant"}


@dataclass(slots=True)
class Part:
    """One piece of a message: text, a tool call, a tool result, an image or raw JSON."""

    kind: str  # text | tool_call | tool_result | image | json | reasoning
    text: str
    name: str | None = None
    ref: str | None = None
    error: bool = False


@dataclass(slots=True)
class Message:
    """One chat turn."""

    role: str
    parts: list[Part] = field(default_factory=list)
    name: str | None = None

    @property
    def role_class(self) -> str:
        """The CSS class of the role (user, assistant, system, tool or other)."""
        role = _ROLE_ALIASES.get(self.role.lower(), self.role.lower())
        if role == "developer":
            role = "system"
        if role in ("function", "tool_result", "ipython"):
            role = "tool"
        return role if role in ("user", "assistant", "system", "tool") else "other"


@dataclass(slots=True)
class Content:
    """A value prepared for display."""

    kind: str  # empty | text | chat | json | raw
    text: str = ""
    label: str | None = None
    messages: list[Message] = field(default_factory=list)
    size: int = 0
    truncated: bool = False


def to_json_text(value: Any) -> str:
    """Pretty JSON (strings as they are)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else to_json_text(value)


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str):
        s = value.strip()
        if s[:1] in ("{", "[") and s[-1:] in ("}", "]"):
            try:
                return json.loads(s)
            except ValueError:
                return value
    return value


def _block(block: Any) -> list[Part]:
    """Parts of one content block (OpenAI, Anthropic, GenAI or Gemini shape)."""
    if isinstance(block, str):
        return [Part("text", block)]
    if not isinstance(block, dict):
        return [Part("json", to_json_text(block))]
    kind = str(block.get("type") or "")
    if kind in ("text", "input_text", "output_text") or (not kind and "text" in block):
        return [Part("text", _str(block.get("text", block.get("content"))))]
    if kind in ("thinking", "reasoning", "redacted_thinking"):
        return [Part("reasoning", _str(block.get("thinking", block.get("content", ""))))]
    if kind in ("tool_use", "tool_call", "function_call", "server_tool_use"):
        args = block.get("input", block.get("arguments"))
        return [Part("tool_call", to_json_text(_maybe_json(args)), block.get("name"), _ref(block))]
    if kind in ("tool_result", "tool_call_response", "function_call_output"):
        result = block.get("content", block.get("response", block.get("output")))
        text = "\n".join(p.text for p in _parts(result)) if isinstance(result, list) else None
        return [
            Part(
                "tool_result",
                text if text is not None else to_json_text(_maybe_json(result)),
                block.get("name"),
                block.get("tool_use_id") or _ref(block),
                bool(block.get("is_error")),
            )
        ]
    if kind in ("image_url", "image", "input_image"):
        url = block.get("image_url")
        url = url.get("url") if isinstance(url, dict) else url
        if not isinstance(url, str):
            url = "(image)"
        if url.startswith("data:"):
            url = url[:48] + "…"  # base64 payloads are noise here
        return [Part("image", url)]
    if "functionCall" in block:
        call = block["functionCall"] or {}
        return [Part("tool_call", to_json_text(call.get("args")), call.get("name"))]
    if "functionResponse" in block:
        resp = block["functionResponse"] or {}
        return [Part("tool_result", to_json_text(resp.get("response")), resp.get("name"))]
    return [Part("json", to_json_text(block))]


def _ref(block: dict[str, Any]) -> str | None:
    ref = block.get("id", block.get("call_id", block.get("tool_call_id")))
    return str(ref) if ref is not None else None


def _parts(content: Any) -> list[Part]:
    if content is None:
        return []
    if isinstance(content, list):
        return [p for block in content for p in _block(block)]
    if isinstance(content, str):
        return [Part("text", content)]
    return _block(content)


def _is_message(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    if "role" in item and any(k in item for k in ("content", "parts", "tool_calls", "contents")):
        return True
    kind = item.get("type")
    if kind in ("human", "ai", "system", "tool") and "content" in item:
        return True
    return kind in ("message", "function_call", "function_call_output") and (
        "content" in item or "arguments" in item or "output" in item
    )


def _message(item: dict[str, Any]) -> Message:
    kind = item.get("type")
    if kind in ("function_call", "function_call_output"):
        role = "assistant" if kind == "function_call" else "tool"
        return Message(role, _block(item))
    role = str(item.get("role") or kind or "assistant")
    parts = _parts(item.get("content"))
    parts += _parts(item.get("parts"))
    parts += _parts(item.get("contents"))
    for call in item.get("tool_calls") or []:
        if isinstance(call, dict):
            function = call.get("function")
            fn: dict[str, Any] = function if isinstance(function, dict) else call
            args = _maybe_json(fn.get("arguments", fn.get("args")))
            parts.append(Part("tool_call", to_json_text(args), fn.get("name"), _ref(call)))
    legacy = item.get("function_call")
    if isinstance(legacy, dict):
        args = _maybe_json(legacy.get("arguments"))
        parts.append(Part("tool_call", to_json_text(args), legacy.get("name")))
    if role == "tool" and item.get("tool_call_id"):
        for p in parts:
            if p.kind == "text":
                p.ref = str(item["tool_call_id"])
    name = item.get("name")
    return Message(role, parts, name if isinstance(name, str) else None)


def as_messages(value: Any) -> list[Message] | None:
    """The chat messages `value` holds, or None when it is not a chat shape."""
    if isinstance(value, list):
        if value and all(_is_message(v) for v in value):
            return [_message(v) for v in value]
        return None
    if not isinstance(value, dict):
        return None
    if _is_message(value):
        return [_message(value)]
    for key in ("messages", "contents"):
        inner = value.get(key)
        if isinstance(inner, list) and inner and all(_is_message(v) for v in inner):
            out = [_message(v) for v in inner]
            system = value.get("system", value.get("system_instruction"))
            if system:
                out.insert(0, Message("system", _parts(system)))
            return out
    for key in ("choices", "candidates"):
        inner = value.get(key)
        if isinstance(inner, list) and inner:
            found = []
            for choice in inner:
                if isinstance(choice, dict):
                    msg = choice.get("message", choice.get("content", choice.get("delta")))
                    if isinstance(msg, dict) and _is_message(msg):
                        found.append(_message(msg))
                    elif isinstance(msg, dict) and "parts" in msg:
                        found.append(Message("assistant", _parts(msg.get("parts"))))
                    elif isinstance(choice.get("text"), str):
                        found.append(Message("assistant", [Part("text", choice["text"])]))
            return found or None
    return None


def prepare(value: Any) -> Content:
    """Decide how to show one input/output value."""
    if value is None:
        return Content("empty")
    if isinstance(value, str):
        size = len(value)
        if size > RICH_LIMIT:
            return Content("raw", value[:PREVIEW_CHARS], size=size, truncated=True)
        parsed = _maybe_json(value)
        if parsed is value:
            return Content("text", value, size=size)
        value = parsed
    text = to_json_text(value)
    size = len(text)
    if size > RICH_LIMIT:
        return Content("raw", text[:PREVIEW_CHARS], size=size, truncated=True)
    messages = as_messages(value)
    if messages is not None:
        return Content("chat", messages=messages, size=size)
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key in _TEXT_KEYS and isinstance(inner, str):
            return Content("text", inner, label=key, size=size)
    return Content("json", text, size=size)


def human_size(chars: int) -> str:
    """1.2 MB, 34 kB, 512 B (characters counted as bytes; close enough for a label)."""
    if chars >= 1_000_000:
        return f"{chars / 1_000_000:.1f} MB"
    if chars >= 1_000:
        return f"{chars / 1_000:.0f} kB"
    return f"{chars} B"
