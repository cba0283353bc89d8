"""Translation through any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, LiteLLM...).

One request carries either one text (sent as it is) or several short texts as a JSON
array of strings, answered by a JSON array of the same length; an answer that does not
fit is retried text by text, so batching saves round trips without risking a mix-up.
Texts longer than `max_chunk_chars` are split at paragraph/sentence boundaries first.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx

from interactiveai.server.translate.chunking import pack, split_outer_whitespace, split_text
from interactiveai.server.translate.interface import TranslationError
from interactiveai.server.translate.languages import NAMES, language_name

log = logging.getLogger(__name__)

_SYSTEM = (
    "You are a translation engine. Translate the user's message from {source} to {target}.\n"
    "Reply with the translation only: no explanation, no note, no quotes around it.\n"
    "Keep the formatting exactly: line breaks, blank lines, Markdown, lists, punctuation.\n"
    "Keep code, URLs, e-mail addresses, identifiers and numbers unchanged.\n"
    "Markers like ⟦0⟧ stand for content that must not change: copy each one exactly once, "
    "where it belongs in the translated sentence.\n"
    "If part of the text is already in {target}, copy that part unchanged."
)
_SYSTEM_BATCH = (
    "\nThe user's message is a JSON array of strings. Translate every string separately and "
    "reply with a JSON array of exactly {n} strings, in the same order, and nothing else."
)
# Reasoning models served by Ollama/vLLM may prefix their answer with their thoughts.
_THINK = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_FENCE = re.compile(r"^\s*```[a-zA-Z]*\n(.*)\n```\s*$", re.DOTALL)


def chat_completions_url(base_url: str) -> str:
    """`{base}/chat/completions`; a base that already ends with it is used as given."""
    base = base_url.rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


class OpenAICompatibleTranslator:
    """Translate with a chat model behind an OpenAI-compatible `/chat/completions` API."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_chunk_chars: int = 4000,
        temperature: float = 0.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`timeout` bounds each request; `max_chunk_chars` bounds the text in each request.

        `transport` is for callers that need a custom httpx transport (proxies, tests of
        their own); by default httpx's usual one is used.
        """
        if not base_url or not model:
            raise ValueError("an OpenAI-compatible engine needs a base URL and a model")
        if max_chunk_chars < 100:
            raise ValueError("max_chunk_chars must be at least 100")
        self.base_url = base_url
        self.model = model
        self.url = chat_completions_url(base_url)
        self.timeout = timeout
        self.max_chunk_chars = max_chunk_chars
        self.temperature = temperature
        # The cache is keyed by engine name, and another model translates differently.
        self.name = f"openai:{model}"[:64]
        headers = {"Content-Type": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(headers=headers, timeout=timeout, transport=transport)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def available(self) -> bool:
        """Configured is available; whether the endpoint answers is seen on the first call."""
        return True

    def languages(self) -> frozenset[tuple[str, str]]:
        """Every pair of the languages we can name in the prompt."""
        return frozenset((s, t) for s in NAMES for t in NAMES if s != t)

    def supports(self, source: str, target: str) -> bool:
        """A chat model translates between any two languages we can name."""
        return source != target and source in NAMES and target in NAMES

    # -- translation -------------------------------------------------------------------

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate `texts`; long ones are chunked, short ones share requests."""
        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            for piece in split_text(text, self.max_chunk_chars):
                pieces.append(piece)
                owners.append(i)
        parts = [split_outer_whitespace(p) for p in pieces]
        cores = [core for _, core, _ in parts]
        todo = [i for i, core in enumerate(cores) if core]
        result = list(cores)
        # The JSON quoting of a batch costs a few characters per string; leave room for it.
        for batch in pack([cores[i] for i in todo], self.max_chunk_chars * 9 // 10):
            idx = [todo[j] for j in batch]
            for i, text in zip(
                idx, self._translate_batch([cores[i] for i in idx], source, target), strict=True
            ):
                result[i] = text
        out = [""] * len(texts)
        for owner, (lead, _, trail), text in zip(owners, parts, result, strict=True):
            out[owner] += lead + text + trail
        return out

    def _translate_batch(self, cores: list[str], source: str, target: str) -> list[str]:
        if len(cores) == 1:
            return [self._complete(self._system(source, target), cores[0])]
        system = self._system(source, target) + _SYSTEM_BATCH.format(n=len(cores))
        answer = self._complete(system, json.dumps(cores, ensure_ascii=False))
        parsed = _parse_array(answer, len(cores))
        if parsed is not None:
            return parsed
        log.warning(
            "%s answered a batch of %d texts with something else; one request per text",
            self.name,
            len(cores),
        )
        return [self._complete(self._system(source, target), core) for core in cores]

    @staticmethod
    def _system(source: str, target: str) -> str:
        return _SYSTEM.format(source=language_name(source), target=language_name(target))

    def _complete(self, system: str, user: str) -> str:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": self.temperature,
            "stream": False,
        }
        try:
            response = self._client.post(self.url, json=body)
        except httpx.TimeoutException as exc:
            raise TranslationError(
                f"the translation model at {self.url} did not answer within {self.timeout:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise TranslationError(
                f"could not reach the translation model at {self.url}: {exc}"
            ) from exc
        if response.status_code >= 400:
            raise TranslationError(
                f"the translation model at {self.url} answered HTTP {response.status_code}:"
                f" {_error_detail(response)}"
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise TranslationError(
                f"the translation model at {self.url} sent an answer without"
                f" choices[0].message.content: {response.text[:300]!r}"
            ) from exc
        if not isinstance(content, str):
            raise TranslationError(f"the translation model at {self.url} sent no text")
        return _THINK.sub("", content).strip()


def _error_detail(response: httpx.Response) -> str:
    """The provider's error message if it sent the usual `{"error": {"message": ...}}`."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:300]
        if isinstance(error, str):
            return error[:300]
    return response.text[:300]


def _parse_array(answer: str, n: int) -> list[str] | None:
    """The answer as a list of `n` strings, or None when it is not one."""
    m = _FENCE.match(answer)
    if m:
        answer = m.group(1)
    try:
        data = json.loads(answer)
    except ValueError:
        return None
    if isinstance(data, list) and len(data) == n and all(isinstance(x, str) for x in data):
        return [x.strip() for x in data]
    return None
