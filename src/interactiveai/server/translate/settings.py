"""Translation settings, the engines they select, and the advice when none can run.

Environment variables (read by `TranslationSettings.from_env`, documented in
docs/translation.md): INTERACTIVEAI_TRANSLATE_ENGINES, _OPENAI_BASE_URL, _OPENAI_API_KEY,
_OPENAI_MODEL, _TIMEOUT, _MAX_CHUNK_CHARS, _MAX_CHARS, _APERTIUM_COMMAND, _APERTIUM_DATA_DIR.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from interactiveai.server.translate.apertium import ApertiumTranslator
from interactiveai.server.translate.interface import Translator
from interactiveai.server.translate.openai_compat import OpenAICompatibleTranslator

log = logging.getLogger(__name__)

ENGINE_NAMES = ("apertium", "openai")
ENV_PREFIX = "INTERACTIVEAI_TRANSLATE_"

INSTALL_HINT = (
    "No translation engine is available. Either install Apertium and a language pair "
    "(Debian/Ubuntu: `apt-get install apertium apertium-eng-spa`; other pairs: "
    "`apt-cache search apertium-`), or point InteractiveAI at an OpenAI-compatible "
    "endpoint with INTERACTIVEAI_TRANSLATE_OPENAI_BASE_URL and "
    "INTERACTIVEAI_TRANSLATE_OPENAI_MODEL (and INTERACTIVEAI_TRANSLATE_OPENAI_API_KEY), "
    "then restart the server."
)


@dataclass(frozen=True, slots=True)
class TranslationSettings:
    """How translations are made.

    `engines` is the order in which engines are tried for a language pair; `("auto",)`
    means Apertium first (offline, free, nothing leaves the machine) and then the
    OpenAI-compatible endpoint when one is configured, which covers what Apertium lacks.
    """

    engines: tuple[str, ...] = ("auto",)
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_model: str | None = None
    timeout: float = 60.0
    max_chunk_chars: int = 4000
    max_chars: int = 200_000
    apertium_command: str = "apertium"
    apertium_data_dir: str | None = None

    def __post_init__(self) -> None:
        unknown = [e for e in self.engines if e not in (*ENGINE_NAMES, "auto")]
        if unknown:
            raise ValueError(
                f"unknown translation engine(s) {', '.join(unknown)}:"
                f" use {', '.join(ENGINE_NAMES)} or auto"
            )
        if self.timeout <= 0:
            raise ValueError("the translation timeout must be positive")
        if self.max_chunk_chars < 100 or self.max_chars < 1:
            raise ValueError("max_chunk_chars must be at least 100 and max_chars positive")

    @property
    def openai_configured(self) -> bool:
        """Both a base URL and a model are set."""
        return bool(self.openai_base_url and self.openai_model)

    def engine_order(self) -> tuple[str, ...]:
        """The engines to try, in order, with "auto" expanded."""
        order: list[str] = []
        for name in self.engines:
            for expanded in ENGINE_NAMES if name == "auto" else (name,):
                if expanded not in order:
                    order.append(expanded)
        return tuple(order)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TranslationSettings:
        """Settings from INTERACTIVEAI_TRANSLATE_* variables (defaults for the rest)."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name, "").strip()
            return value or None

        engines = get("ENGINES")
        timeout = get("TIMEOUT")
        max_chunk = get("MAX_CHUNK_CHARS")
        max_chars = get("MAX_CHARS")
        return cls(
            engines=tuple(e.strip().lower() for e in engines.split(",") if e.strip())
            if engines
            else ("auto",),
            openai_base_url=get("OPENAI_BASE_URL"),
            openai_api_key=get("OPENAI_API_KEY"),
            openai_model=get("OPENAI_MODEL"),
            timeout=float(timeout) if timeout else 60.0,
            max_chunk_chars=int(max_chunk) if max_chunk else 4000,
            max_chars=int(max_chars) if max_chars else 200_000,
            apertium_command=get("APERTIUM_COMMAND") or "apertium",
            apertium_data_dir=get("APERTIUM_DATA_DIR"),
        )


def build_engines(settings: TranslationSettings) -> list[Translator]:
    """The engines `settings` ask for that can run here, in the order to try them.

    An engine named explicitly but not usable is logged (and left out), so that a typo in
    the configuration shows in the server log rather than as a silent fallback.
    """
    engines: list[Translator] = []
    explicit = "auto" not in settings.engines
    for name in settings.engine_order():
        if name == "apertium":
            apertium = ApertiumTranslator(
                command=settings.apertium_command,
                data_dir=settings.apertium_data_dir,
                timeout=settings.timeout,
            )
            if apertium.available():
                engines.append(apertium)
            elif explicit:
                log.warning("translation engine apertium is configured but not installed")
        elif name == "openai":
            if settings.openai_configured:
                assert settings.openai_base_url and settings.openai_model
                engines.append(
                    OpenAICompatibleTranslator(
                        base_url=settings.openai_base_url,
                        model=settings.openai_model,
                        api_key=settings.openai_api_key,
                        timeout=settings.timeout,
                        max_chunk_chars=settings.max_chunk_chars,
                    )
                )
            elif explicit:
                log.warning(
                    "translation engine openai is configured but"
                    " INTERACTIVEAI_TRANSLATE_OPENAI_BASE_URL/_MODEL are not set"
                )
    return engines
