"""The translation cache on real databases, and the service's use of it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, Table, func, select

from interactiveai.server.store.schema import translations
from interactiveai.server.translate.cache import TranslationCache, text_hash
from interactiveai.server.translate.interface import (
    NoEngineError,
    TranslationError,
    UnsupportedLanguageError,
)
from interactiveai.server.translate.openai_compat import OpenAICompatibleTranslator
from interactiveai.server.translate.service import TranslationService
from interactiveai.server.translate.settings import INSTALL_HINT, TranslationSettings
from tests.translate.stub_llm import StubLLM

CHAT = [
    {"role": "system", "content": "You are a helpful assistant for an online shop."},
    {"role": "user", "content": "Hola, necesito ayuda con mi pedido. El paquete no ha llegado."},
    {"role": "assistant", "content": "Gracias. El paquete no ha llegado a la casa grande."},
]


def test_text_hash_is_sha256_hex() -> None:
    assert text_hash("hola") == "b221d9dbb083a7f33428d7c2a3c3198ae925614d70210e28716ccaa7cd4ddb79"
    assert len(text_hash("")) == 64


def test_cache_round_trip_on_a_caller_table(sqlite_cache_db: tuple[Engine, Table]) -> None:
    db, table = sqlite_cache_db
    cache = TranslationCache(db, table)
    assert cache.get_many(["hola"], "es", "en", "apertium") == {}
    cache.put_many({"hola": "hello", "casa": "house"}, "es", "en", "apertium")
    cache.put_many({"hola": "hi there"}, "es", "en", "apertium")  # duplicate: ignored
    assert cache.get_many(["hola", "casa", "perro"], "es", "en", "apertium") == {
        "hola": "hello",
        "casa": "house",
    }
    # Every part of the key counts.
    assert cache.get_many(["hola"], "es", "fr", "apertium") == {}
    assert cache.get_many(["hola"], "ca", "en", "apertium") == {}
    assert cache.get_many(["hola"], "es", "en", "openai:m") == {}


def test_cache_on_the_store_schema_both_dialects(engine: Engine) -> None:
    """The store's migrated `translations` table, on SQLite and PostgreSQL."""
    cache = TranslationCache(engine)
    assert cache.table is translations
    many = {f"texto {i}": f"text {i}" for i in range(1200)}  # more than one batch
    cache.put_many(many, "es", "en", "apertium")
    cache.put_many(many, "es", "en", "apertium")  # all conflicts, no error
    found = cache.get_many([*many, "otro"], "es", "en", "apertium")
    assert found == many
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(translations)).scalar() == 1200
        row = conn.execute(select(translations).limit(1)).mappings().one()
    assert row["created_at"].tzinfo is not None


def test_second_translation_does_not_call_the_engine(
    stub_llm: StubLLM, llm: OpenAICompatibleTranslator, sqlite_cache_db: tuple[Engine, Table]
) -> None:
    db, table = sqlite_cache_db
    service = TranslationService([llm], TranslationCache(db, table))
    first = service.translate_value(CHAT, "en")
    assert first.cached is False
    assert first.source_lang == "es"
    assert first.engine == "openai:stub-model"
    calls = len(stub_llm.requests)
    assert calls >= 1
    second = service.translate_value(CHAT, "en")
    assert len(stub_llm.requests) == calls  # nothing new reached the provider
    assert second.cached is True
    assert second.value == first.value
    assert (
        second.value[1]["content"]
        == "Hello, I need help with my order. The package not has arrived."
    )
    assert second.value[0] == CHAT[0]  # the English system prompt was never sent
    assert all("online shop" not in r.user_text for r in stub_llm.requests)
    # A new string in a known conversation costs a request for that string only.
    longer = [*CHAT, {"role": "user", "content": "El perro y el gato no han llegado a casa."}]
    third = service.translate_value(longer, "en")
    assert third.cached is False
    assert len(stub_llm.requests) == calls + 1
    assert "perro" in stub_llm.requests[-1].user_text
    assert "ayuda" not in stub_llm.requests[-1].user_text


def test_given_source_skips_detection(stub_llm: StubLLM, llm: OpenAICompatibleTranslator) -> None:
    result = TranslationService([llm]).translate_value({"q": "la casa"}, "en-GB", source="es")
    assert result.value == {"q": "the house"}
    assert (result.source_lang, result.target_lang) == ("es", "en")


def test_nothing_to_translate(stub_llm: StubLLM, llm: OpenAICompatibleTranslator) -> None:
    service = TranslationService([llm])
    for value in (None, 42, {"id": "abc", "n": 1.5}, ["call_abc123", "gpt-4o-mini"]):
        result = service.translate_value(value, "en")
        assert result.value == value
        assert result.engine is None
    already = service.translate_value(CHAT[0], "en")
    assert already.value == CHAT[0]
    assert already.engine is None
    assert already.source_lang == "en"
    assert stub_llm.requests == []


def test_script_string_is_returned_as_plain_text(
    stub_llm: StubLLM, llm: OpenAICompatibleTranslator
) -> None:
    value = {"content": "<script>alert('hola')</script> Hola, gracias por la ayuda con mi pedido."}
    out = TranslationService([llm]).translate_value(value, "en").value
    assert out["content"].startswith("<script>alert('hello')</script> Hello, thanks")
    assert isinstance(out["content"], str)


def test_no_engine_says_what_to_install() -> None:
    service = TranslationService([])
    status = service.status()
    assert status.available is False
    assert status.hint == INSTALL_HINT
    assert "apt-get install apertium apertium-eng-spa" in INSTALL_HINT
    assert "INTERACTIVEAI_TRANSLATE_OPENAI_BASE_URL" in INSTALL_HINT
    with pytest.raises(NoEngineError, match="apt-get install apertium"):
        service.translate_value("Hola, necesito ayuda con mi pedido.", "en")


def test_unsupported_pair_names_the_package(stub_llm: StubLLM) -> None:
    class OnlyEsEn(OpenAICompatibleTranslator):
        def supports(self, source: str, target: str) -> bool:
            return (source, target) == ("es", "en")

    engine = OnlyEsEn(base_url=stub_llm.url, model="m", timeout=5)
    try:
        with pytest.raises(UnsupportedLanguageError, match="apertium-spa-cat"):
            TranslationService([engine]).translate_value("la casa es grande", "ca", source="es")
    finally:
        engine.close()


def test_unknown_engine_name(llm: OpenAICompatibleTranslator) -> None:
    with pytest.raises(TranslationError, match="unknown translation engine 'deepl'"):
        TranslationService([llm]).translate_value("la casa", "en", source="es", engine="deepl")


def test_bad_target_code(llm: OpenAICompatibleTranslator) -> None:
    with pytest.raises(ValueError, match="not a language code"):
        TranslationService([llm]).translate_value("la casa", "<script>")


def test_status_lists_engines_and_targets(llm: OpenAICompatibleTranslator) -> None:
    status = TranslationService([llm]).status()
    assert status.available and status.engines == ("openai:stub-model",)
    assert {"en", "es", "ca", "fr", "de", "ja"} <= set(status.target_languages)


def test_from_settings_caches_in_the_store(engine: Engine, stub_llm: StubLLM) -> None:
    """Settings → engines → cache in the migrated store, on SQLite and PostgreSQL."""
    settings = TranslationSettings(
        engines=("openai",), openai_base_url=stub_llm.url, openai_model="stub-model"
    )
    service = TranslationService.from_settings(settings, engine)
    try:
        first = service.translate_value(CHAT, "en")
        second = service.translate_value(CHAT, "en")
    finally:
        service.close()
    assert (first.cached, second.cached) == (False, True)
    assert second.value == first.value
    with engine.connect() as conn:
        rows = conn.execute(select(translations)).mappings().all()
    assert {r["engine"] for r in rows} == {"openai:stub-model"}
    assert {(r["source_lang"], r["target_lang"]) for r in rows} == {("es", "en")}
    assert {r["text_hash"] for r in rows} == {
        text_hash(CHAT[1]["content"]),
        text_hash(CHAT[2]["content"]),
    }


def test_too_much_text_is_refused(stub_llm: StubLLM, llm: OpenAICompatibleTranslator) -> None:
    service = TranslationService([llm], max_chars=1000)
    with pytest.raises(TranslationError, match="too much text"):
        service.translate_value(["La casa es grande. " * 30, "El perro come. " * 40], "en")
    assert stub_llm.requests == []
