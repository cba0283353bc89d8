"""The Apertium engine and the service on top of it, against the real installed pairs."""

from __future__ import annotations

import json
import time

import pytest

from interactiveai.server.translate.apertium import ApertiumTranslator, parse_modes
from interactiveai.server.translate.interface import TranslationError, UnsupportedLanguageError
from interactiveai.server.translate.service import TranslationService

SPANISH_CHAT = [
    {"role": "system", "content": "You are a helpful support assistant for an online shop."},
    {
        "role": "user",
        "content": "Hola, necesito ayuda con mi pedido. El paquete no ha llegado todavía.",
    },
    {
        "role": "assistant",
        "content": [
            {
                "type": "text",
                "text": "Claro. Ejecuta este código para ver el estado:\n\n"
                "```python\nestado = buscar_pedido('casa grande')\nprint(estado)\n```\n\n"
                "Después llama a `cancelar_pedido()` si el perro no come.",
            }
        ],
        "tool_calls": [
            {
                "id": "call_abc123",
                "type": "function",
                "function": {"name": "buscar_pedido", "arguments": '{"texto": "la casa roja"}'},
            }
        ],
    },
]


def test_modes_are_parsed_into_our_codes() -> None:
    modes = parse_modes(
        ["spa-eng", "spa-eng_US", "eng-cat_valencia", "cat-eng", "cat-eng_US", "fr-es", "eco-es-fr"]
    )
    assert modes == {
        ("es", "en"): "spa-eng",
        ("ca", "en"): "cat-eng",
        ("en", "ca"): "eng-cat_valencia",  # a variant serves when it is the only mode
        ("fr", "es"): "fr-es",
    }


def test_missing_command_offers_nothing() -> None:
    engine = ApertiumTranslator(command="apertium-does-not-exist")
    assert not engine.available()
    assert engine.languages() == frozenset()
    with pytest.raises(UnsupportedLanguageError):
        engine.translate(["hola"], "es", "en")


@pytest.mark.apertium
def test_installed_pairs_decide_the_languages(apertium: ApertiumTranslator) -> None:
    assert apertium.available()
    assert apertium.supports("es", "en")
    assert apertium.supports("en", "es")
    assert not apertium.supports("es", "ja")
    with pytest.raises(UnsupportedLanguageError, match="no es→ja pair"):
        apertium.translate(["hola"], "es", "ja")


@pytest.mark.apertium
def test_spanish_text_becomes_english(apertium: ApertiumTranslator) -> None:
    [out] = apertium.translate(["El perro come carne en la casa grande."], "es", "en")
    assert "dog" in out
    assert "house" in out
    assert "perro" not in out


@pytest.mark.apertium
def test_batch_keeps_texts_apart_and_equal_to_one_by_one(apertium: ApertiumTranslator) -> None:
    texts = [
        "Hola amigo.",
        "la casa",
        "roja",
        "  Mi casa es grande.\n\nY bonita  ",
        "el coche rojo",
        "",
        "¿Dónde está mi paquete?",
    ]
    batch = apertium.translate(texts, "es", "en")
    one_by_one = [apertium.translate([t], "es", "en")[0] for t in texts]
    assert batch == one_by_one
    assert len(batch) == len(texts)
    assert batch[3].startswith("  ") and batch[3].endswith("  ")  # outer whitespace kept
    assert "\n\n" in batch[3]
    assert batch[5] == ""


@pytest.mark.apertium
def test_batch_is_one_process(apertium: ApertiumTranslator) -> None:
    texts = [f"El gato número {i} come pescado." for i in range(60)]
    start = time.perf_counter()
    out = apertium.translate(texts, "es", "en")
    elapsed = time.perf_counter() - start
    assert all("cat" in t for t in out)
    assert [t.split()[3] for t in out] == [str(i) for i in range(60)]  # order kept
    # One process costs ~0.2 s; sixty would cost ~12 s.
    assert elapsed < 5, elapsed


@pytest.mark.apertium
def test_long_text_is_split_across_processes(apertium: ApertiumTranslator) -> None:
    small = ApertiumTranslator(max_batch_chars=200)
    text = "\n\n".join(f"El perro {i} come carne. La casa es grande." for i in range(20))
    [out] = small.translate([text], "es", "en")
    assert out.count("\n\n") == 19
    assert out.count("dog") == 20


@pytest.mark.apertium
def test_timeout_is_a_translation_error(apertium: ApertiumTranslator) -> None:
    slow = ApertiumTranslator(timeout=0.001)
    with pytest.raises(TranslationError, match="did not finish within"):
        slow.translate(["El perro come carne. " * 200], "es", "en")


@pytest.mark.apertium
def test_spanish_chat_translated_with_structure_kept(apertium: ApertiumTranslator) -> None:
    service = TranslationService([apertium])
    result = service.translate_value(SPANISH_CHAT, "en")
    assert result.source_lang == "es"
    assert result.target_lang == "en"
    assert result.engine == "apertium"
    assert result.cached is False
    out = result.value
    # Same shape, same keys, same roles, same ids.
    assert [m["role"] for m in out] == ["system", "user", "assistant"]
    assert [sorted(m) for m in out] == [sorted(m) for m in SPANISH_CHAT]
    assert out[0] == SPANISH_CHAT[0]  # English already: untouched
    user = out[1]["content"]
    assert "help" in user and "package" in user
    assert "pedido" not in user
    text = out[2]["content"][0]["text"]
    assert out[2]["content"][0]["type"] == "text"
    # The code block and inline code come back byte for byte; the prose around them does not.
    assert "```python\nestado = buscar_pedido('casa grande')\nprint(estado)\n```" in text
    assert "`cancelar_pedido()`" in text
    assert "dog" in text
    # Tool calls (ids, names, arguments) are data, not prose.
    assert out[2]["tool_calls"] == SPANISH_CHAT[2]["tool_calls"]


@pytest.mark.apertium
def test_json_document_translated_leaves_only(apertium: ApertiumTranslator) -> None:
    value = {
        "pregunta": "¿Dónde está mi paquete?",
        "intentos": 3,
        "urgente": True,
        "detalles": None,
        "pedido_id": "a1b2c3d4-0000-4000-8000-123456789abc",
        "enlace": "https://tienda.example.com/pedido/55",
        "historial": ["El paquete salió de Madrid.", "El paquete llegó a Barcelona."],
        "serializado": json.dumps({"respuesta": "La casa es grande y bonita."}),
    }
    result = TranslationService([apertium]).translate_value(value, "en")
    out = result.value
    assert list(out) == list(value)  # keys untouched, in order
    assert "package" in out["pregunta"]
    assert out["intentos"] == 3 and out["urgente"] is True and out["detalles"] is None
    assert out["pedido_id"] == value["pedido_id"]
    assert out["enlace"] == value["enlace"]
    assert all("package" in h for h in out["historial"])
    embedded = json.loads(out["serializado"])
    assert list(embedded) == ["respuesta"] and "house" in embedded["respuesta"]


@pytest.mark.apertium
def test_script_tag_comes_back_as_text(apertium: ApertiumTranslator) -> None:
    value = {"content": "<script>alert('hola')</script> Muchas gracias por tu ayuda."}
    out = TranslationService([apertium]).translate_value(value, "en").value["content"]
    assert out.startswith("<script>")
    assert "</script>" in out
    assert "help" in out
