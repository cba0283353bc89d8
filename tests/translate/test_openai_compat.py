"""The OpenAI-compatible engine against a stub provider on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from interactiveai.server.translate.interface import TranslationError
from interactiveai.server.translate.openai_compat import (
    OpenAICompatibleTranslator,
    chat_completions_url,
)
from interactiveai.server.translate.service import TranslationService
from tests.translate.stub_llm import StubLLM


def test_request_shape(stub_llm: StubLLM, llm: OpenAICompatibleTranslator) -> None:
    [out] = llm.translate(["Hola, necesito ayuda con mi pedido."], "es", "en")
    assert out == "Hello, I need help with my order."
    [req] = stub_llm.requests
    assert req.path == "/v1/chat/completions"
    assert req.headers["Authorization"] == "Bearer sk-stub-secret"
    assert req.headers["Content-Type"] == "application/json"
    assert req.body["model"] == "stub-model"
    assert req.body["stream"] is False
    assert req.body["temperature"] == 0
    roles = [m["role"] for m in req.body["messages"]]
    assert roles == ["system", "user"]
    assert "from Spanish to English" in req.system_text
    assert "translation only" in req.system_text
    assert req.user_text == "Hola, necesito ayuda con mi pedido."
    assert llm.name == "openai:stub-model"


def test_no_key_no_auth_header(stub_llm: StubLLM) -> None:
    engine = OpenAICompatibleTranslator(base_url=stub_llm.url + "/", model="m", timeout=5)
    try:
        engine.translate(["Hola"], "es", "en")
    finally:
        engine.close()
    assert "Authorization" not in stub_llm.requests[0].headers


def test_base_url_forms() -> None:
    assert chat_completions_url("http://h/v1") == "http://h/v1/chat/completions"
    assert chat_completions_url("http://h/v1/") == "http://h/v1/chat/completions"
    assert chat_completions_url("http://h/v1/chat/completions") == "http://h/v1/chat/completions"


def test_long_text_is_chunked_on_paragraphs(stub_llm: StubLLM) -> None:
    engine = OpenAICompatibleTranslator(
        base_url=stub_llm.url, model="m", timeout=5, max_chunk_chars=300
    )
    paragraphs = [f"El perro {i} y el gato {i} no ha llegado a la casa grande." for i in range(30)]
    text = "\n\n".join(paragraphs)
    try:
        [out] = engine.translate([text], "es", "en")
    finally:
        engine.close()
    assert len(stub_llm.requests) > 1
    sent = [req.user_text for req in stub_llm.requests]
    assert all(len(s) <= 300 for s in sent)
    # Cuts fall between paragraphs: every request holds whole paragraphs.
    for s in sent:
        assert all(p in paragraphs for p in s.split("\n\n"))
    assert out.split("\n\n") == [
        f"The dog {i} and the cat {i} not has arrived to the house big." for i in range(30)
    ]


def test_sentence_too_long_for_a_chunk_is_cut_at_sentences(stub_llm: StubLLM) -> None:
    engine = OpenAICompatibleTranslator(
        base_url=stub_llm.url, model="m", timeout=5, max_chunk_chars=120
    )
    text = " ".join(f"La casa {i} es grande." for i in range(20))  # one paragraph
    try:
        [out] = engine.translate([text], "es", "en")
    finally:
        engine.close()
    assert len(stub_llm.requests) > 1
    assert all(r.user_text.endswith(".") for r in stub_llm.requests)
    assert out == " ".join(f"The house {i} is big." for i in range(20))


def test_short_texts_share_one_request(stub_llm: StubLLM, llm: OpenAICompatibleTranslator) -> None:
    texts = ["Hola", "Gracias", "El perro", "La casa es grande"]
    out = llm.translate(texts, "es", "en")
    assert out == ["Hello", "Thanks", "The dog", "The house is big"]
    [req] = stub_llm.requests
    assert json.loads(req.user_text) == texts
    assert "JSON array of exactly 4 strings" in req.system_text


def test_unusable_batch_answer_falls_back_to_one_request_each(
    stub_llm: StubLLM, llm: OpenAICompatibleTranslator
) -> None:
    stub_llm.break_batches = True
    out = llm.translate(["Hola", "Gracias"], "es", "en")
    assert out == ["Hello", "Thanks"]
    assert [r.user_text for r in stub_llm.requests[1:]] == ["Hola", "Gracias"]


def test_http_error_is_a_translation_error(
    stub_llm: StubLLM, llm: OpenAICompatibleTranslator
) -> None:
    stub_llm.status = 503
    with pytest.raises(TranslationError, match="HTTP 503: model overloaded") as info:
        llm.translate(["Hola"], "es", "en")
    assert "sk-stub-secret" not in str(info.value)


def test_unauthorized_is_a_translation_error(
    stub_llm: StubLLM, llm: OpenAICompatibleTranslator
) -> None:
    stub_llm.status = 401
    stub_llm.error_body = "not json"
    with pytest.raises(TranslationError, match="HTTP 401: not json"):
        llm.translate(["Hola"], "es", "en")


def test_timeout_is_a_translation_error(stub_llm: StubLLM) -> None:
    stub_llm.delay = 2.0
    engine = OpenAICompatibleTranslator(base_url=stub_llm.url, model="m", timeout=0.3)
    try:
        with pytest.raises(TranslationError, match=r"did not answer within 0\.3 s"):
            engine.translate(["Hola"], "es", "en")
    finally:
        engine.close()


def test_unreachable_endpoint_is_a_translation_error() -> None:
    engine = OpenAICompatibleTranslator(base_url="http://127.0.0.1:9/v1", model="m", timeout=2)
    try:
        with pytest.raises(TranslationError, match="could not reach"):
            engine.translate(["Hola"], "es", "en")
    finally:
        engine.close()


def test_markers_lost_by_the_model_fall_back_to_pieces(
    stub_llm: StubLLM, llm: OpenAICompatibleTranslator
) -> None:
    stub_llm.drop_markers = True
    text = "Hola, llama a `buscar_pedido()` y mira https://example.com/casa para el paquete."
    out = TranslationService([llm]).translate_value(text, "en", source="es").value
    assert "`buscar_pedido()`" in out
    assert "https://example.com/casa" in out
    assert out.startswith("Hello, call to `buscar_pedido()` and")
    assert "package" in out


def test_code_is_masked_in_what_the_model_sees(
    stub_llm: StubLLM, llm: OpenAICompatibleTranslator
) -> None:
    text = "Ejecuta:\n\n```sh\nrm -rf /tmp/casa\n```\n\nY llama a `f(x)` con https://a.example/x."
    out = TranslationService([llm]).translate_value(text, "en", source="es").value
    sent = " ".join(r.user_text for r in stub_llm.requests)
    assert "rm -rf" not in sent and "f(x)" not in sent and "a.example" not in sent
    assert "⟦0⟧" in sent
    assert "```sh\nrm -rf /tmp/casa\n```" in out
    assert "`f(x)`" in out and "https://a.example/x" in out
