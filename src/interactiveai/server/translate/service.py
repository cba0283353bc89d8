"""`TranslationService`: translate a trace's input or output for a viewer, cached.

The steps for one JSON value: collect its prose strings (structure.py); find the
language of each (a long string speaks for itself, a short one takes the language of
the whole value, so an English system prompt in a Spanish chat is left alone); group
them by language; per group, pick the first engine that has the pair, read the cache,
translate the misses with code and URLs masked (protect.py), store them; put the
translations back into a copy of the value.

Everything here is synchronous (subprocesses, blocking HTTP): async callers run it in
a worker thread (`starlette.concurrency.run_in_threadpool`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from interactiveai.server.translate.cache import TranslationCache
from interactiveai.server.translate.detect import LanguageDetector, default_detector
from interactiveai.server.translate.interface import (
    NoEngineError,
    TranslationError,
    Translator,
    UnsupportedLanguageError,
)
from interactiveai.server.translate.languages import language_name, normalize, to_iso639_3
from interactiveai.server.translate.protect import (
    Block,
    split_blocks,
    split_spans,
    unmask,
    unmasked_source,
)
from interactiveai.server.translate.settings import (
    INSTALL_HINT,
    TranslationSettings,
    build_engines,
)
from interactiveai.server.translate.structure import prose_strings, transform

log = logging.getLogger(__name__)

# A string keeps the language of the whole value if the detector gives that language at
# least this probability for it, whatever it likes best.
_KEEP_OVERALL_ABOVE = 0.1


@dataclass(frozen=True, slots=True)
class TranslationResult:
    """A translated copy of a value and how it was made.

    `source_lang` is the main language found (or given); None when the value has no prose
    or its language could not be told. `engine` is the engine that translated the main
    language, None when nothing needed translating (no prose, or already in the target).
    `cached` is True when every translated string came from the cache (no engine call).
    """

    value: Any
    source_lang: str | None
    target_lang: str
    engine: str | None
    cached: bool
    # Languages found in the value that no engine could translate (their text is kept).
    untranslated_langs: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class TranslationStatus:
    """What the UI needs to show the translate button: can it work, into which languages."""

    available: bool
    engines: tuple[str, ...]
    target_languages: tuple[str, ...]
    hint: str | None


class TranslationService:
    """The facade the API and UI use; thread-safe, one per server process."""

    def __init__(
        self,
        engines: Sequence[Translator],
        cache: TranslationCache | None = None,
        detector: LanguageDetector | None = None,
        max_chars: int = 200_000,
    ) -> None:
        """`engines` in the order they are tried; `cache=None` translates without caching.

        `max_chars` bounds the prose of one value: a runaway RAG context must not cost
        minutes of Apertium or hundreds of LLM requests because someone expanded a trace.
        """
        self.engines = list(engines)
        self.max_chars = max_chars
        self.cache = cache
        self.detector = detector or default_detector()

    @classmethod
    def from_settings(
        cls, settings: TranslationSettings, db: Engine | None = None
    ) -> TranslationService:
        """The engines `settings` select, with the cache in database `db` when given."""
        cache = TranslationCache(db) if db is not None else None
        return cls(build_engines(settings), cache, max_chars=settings.max_chars)

    def close(self) -> None:
        """Release engine resources (HTTP connection pools)."""
        for engine in self.engines:
            close = getattr(engine, "close", None)
            if callable(close):
                close()

    # -- what is offered ---------------------------------------------------------------

    def status(self) -> TranslationStatus:
        """Whether translation works here, by which engines, into which languages."""
        if not self.engines:
            return TranslationStatus(False, (), (), INSTALL_HINT)
        targets = sorted({t for e in self.engines for _, t in e.languages()})
        return TranslationStatus(True, tuple(e.name for e in self.engines), tuple(targets), None)

    def engine_for(self, source: str, target: str, engine: str | None = None) -> Translator:
        """The engine that will translate `source` → `target` (the named one if given)."""
        if not self.engines:
            raise NoEngineError(INSTALL_HINT)
        candidates = [e for e in self.engines if engine is None or e.name == engine]
        if engine is not None and not candidates:
            raise TranslationError(
                f"unknown translation engine {engine!r}; configured:"
                f" {', '.join(e.name for e in self.engines)}"
            )
        for candidate in candidates:
            if candidate.supports(source, target):
                return candidate
        raise UnsupportedLanguageError(_unsupported_message(source, target, self.engines))

    def detect(self, text: str) -> str | None:
        """The language of `text` (our code), or None when it cannot be told."""
        found = self.detector.detect(text)
        return found.language if found else None

    # -- translation -------------------------------------------------------------------

    def translate_value(
        self, value: Any, target: str, source: str | None = None, engine: str | None = None
    ) -> TranslationResult:
        """Translate the prose of a JSON value into `target`, keeping its structure.

        `source` skips detection; `engine` forces one engine by name. Raises
        NoEngineError, UnsupportedLanguageError (main language has no engine) or
        TranslationError (the engine failed); the caller shows the original then.
        """
        target = normalize(target)
        source = normalize(source) if source else None
        if not self.engines:
            raise NoEngineError(INSTALL_HINT)
        strings = prose_strings(value)
        if not strings:
            return TranslationResult(value, source, target, None, cached=False)
        size = sum(len(s) for s in strings)
        if size > self.max_chars:
            raise TranslationError(
                f"too much text to translate at once ({size} characters;"
                f" the limit is {self.max_chars}, INTERACTIVEAI_TRANSLATE_MAX_CHARS)"
            )
        groups, main = self._group_by_language(strings, source, target)
        if main is None:
            raise TranslationError(
                "could not tell which language this text is in; choose the source language"
            )
        translations: dict[str, str] = {}
        main_engine: str | None = None
        all_cached = True
        untranslated: list[str] = []
        for lang, texts in groups.items():
            if lang == target:
                continue
            try:
                chosen = self.engine_for(lang, target, engine)
            except UnsupportedLanguageError:
                if lang == main:
                    raise
                log.info("no engine for %s→%s; %d strings kept", lang, target, len(texts))
                untranslated.append(lang)
                continue
            done, cached = self._translate_cached(chosen, texts, lang, target)
            translations.update(done)
            all_cached = all_cached and cached
            if lang == main:
                main_engine = chosen.name
        if not translations:
            return TranslationResult(value, main, target, None, False, tuple(untranslated))
        translated = transform(value, lambda s: translations.get(s, s))
        return TranslationResult(
            translated, main, target, main_engine, all_cached, tuple(untranslated)
        )

    def translate_text(
        self, text: str, target: str, source: str | None = None, engine: str | None = None
    ) -> TranslationResult:
        """Translate one string (same rules as a string leaf of a value)."""
        return self.translate_value(text, target, source=source, engine=engine)

    def _group_by_language(
        self, strings: list[str], source: str | None, target: str
    ) -> tuple[dict[str, list[str]], str | None]:
        """Strings by language, and the main language to translate (the most text).

        Each string is detected on its own, but keeps the language of the whole value
        unless it is confidently another one: short texts fool detectors, and a Spanish
        chat's "Mi contraseña no funciona" must not become Galician.
        """
        if source is not None:
            return {source: strings}, source
        overall = self.detect("\n".join(strings))
        groups: dict[str, list[str]] = {}
        weight: dict[str, int] = {}
        for text in strings:
            scores = self.detector.scores(text)
            lang = overall
            if scores:
                top = max(scores, key=lambda k: scores[k])
                confident = scores[top] >= self.detector.min_confidence
                if overall is None or (
                    confident and scores.get(overall, 0.0) < _KEEP_OVERALL_ABOVE
                ):
                    lang = top if confident else None
            if lang is None:
                continue
            groups.setdefault(lang, []).append(text)
            weight[lang] = weight.get(lang, 0) + len(text)
        foreign = {k: v for k, v in weight.items() if k != target} or weight
        main = max(foreign, key=lambda k: foreign[k]) if foreign else None
        return groups, main

    def _translate_cached(
        self, engine: Translator, texts: list[str], source: str, target: str
    ) -> tuple[dict[str, str], bool]:
        """Translations of `texts` (cache first); True when all came from the cache."""
        found = self.cache.get_many(texts, source, target, engine.name) if self.cache else {}
        missing = [t for t in texts if t not in found]
        if not missing:
            return found, True
        fresh = translate_strings(engine, missing, source, target)
        if self.cache:
            try:
                self.cache.put_many(fresh, source, target, engine.name)
            except Exception:
                # A cache that cannot be written must not cost the viewer their translation.
                log.exception("could not store %d translations in the cache", len(fresh))
        return {**found, **fresh}, False


def translate_strings(
    engine: Translator, texts: list[str], source: str, target: str
) -> dict[str, str]:
    """Translate whole strings with `engine`, code blocks, inline code and URLs kept.

    One engine call for all prose blocks of all strings; a second one, piece by piece
    between protected spans, only for blocks whose markers the engine did not keep.
    """
    per_text = {text: split_blocks(text) for text in texts}
    prose = list(dict.fromkeys(b.text for blocks in per_text.values() for b in blocks if b.prose))
    done = dict(zip(prose, engine.translate(prose, source, target), strict=True))
    # Blocks whose markers did not survive: cut them around the spans instead. Keyed by
    # block, not text: two blocks may mask to the same text around different URLs.
    failed = {
        b
        for blocks in per_text.values()
        for b in blocks
        if b.prose and unmask(b, done[b.text]) is None
    }
    redone: dict[Block, str] = {}
    if failed:
        log.info(
            "%s dropped markers in %d blocks; translating around them", engine.name, len(failed)
        )
        pieces = {b: split_spans(unmasked_source(b)) for b in failed}
        loose = list(
            dict.fromkeys(
                p for parts in pieces.values() for p, kept in parts if not kept and p.strip()
            )
        )
        loose_done = dict(zip(loose, engine.translate(loose, source, target), strict=True))
        for b, parts in pieces.items():
            redone[b] = "".join(p if kept or not p.strip() else loose_done[p] for p, kept in parts)
    out: dict[str, str] = {}
    for text, blocks in per_text.items():
        rebuilt: list[str] = []
        for b in blocks:
            if not b.prose:
                rebuilt.append(b.text)
            elif b in redone:
                rebuilt.append(redone[b])
            else:
                rebuilt.append(unmask(b, done[b.text]) or unmasked_source(b))
        out[text] = "".join(rebuilt)
    return out


def _unsupported_message(source: str, target: str, engines: Sequence[Translator]) -> str:
    names = ", ".join(e.name for e in engines)
    src, tgt = language_name(source), language_name(target)
    hint = (
        f" For Apertium, look for a package: `apt-cache search apertium-{to_iso639_3(source)}`"
        f" (pairs are named like apertium-{to_iso639_3(source)}-{to_iso639_3(target)} or"
        f" apertium-{to_iso639_3(target)}-{to_iso639_3(source)}), or configure an"
        " OpenAI-compatible endpoint (INTERACTIVEAI_TRANSLATE_OPENAI_*)."
    )
    return f"No configured translation engine ({names}) translates {src} into {tgt}.{hint}"
