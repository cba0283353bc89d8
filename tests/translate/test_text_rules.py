"""Pure rules: chunking, prose detection, masking, the JSON walk, languages, settings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interactiveai.server.translate.chunking import pack, split_outer_whitespace, split_text
from interactiveai.server.translate.detect import LanguageDetector
from interactiveai.server.translate.languages import language_name, normalize, to_iso639_3
from interactiveai.server.translate.protect import is_prose, split_blocks, unmask
from interactiveai.server.translate.settings import TranslationSettings, build_engines
from interactiveai.server.translate.structure import prose_strings, transform


@given(st.text(alphabet=st.sampled_from("ab .!?\n,\t"), max_size=400), st.integers(1, 60))
def test_split_text_is_lossless_and_bounded(text: str, max_chars: int) -> None:
    pieces = split_text(text, max_chars)
    assert "".join(pieces) == text
    assert all(len(p) <= max_chars for p in pieces)


def test_split_text_prefers_paragraphs_then_sentences() -> None:
    text = "Uno dos. Tres cuatro.\n\nCinco seis. Siete ocho."
    assert split_text(text, 30) == ["Uno dos. Tres cuatro.\n\n", "Cinco seis. Siete ocho."]
    assert split_text("Uno dos. Tres cuatro.", 12) == ["Uno dos. ", "Tres cuatro."]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_outer_whitespace_and_packing() -> None:
    assert split_outer_whitespace("  hola \n") == ("  ", "hola", " \n")
    assert split_outer_whitespace("   ") == ("   ", "", "")
    assert pack(["aaaa", "bb", "cccccc", "d"], 6) == [[0, 1], [2], [3]]


@pytest.mark.parametrize(
    "text",
    [
        "Hola, ¿cómo estás?",
        "Gracias",
        "¡Perfecto!",
        "The package has not arrived.",
        "Llama a `f()` por favor",
    ],
)
def test_prose(text: str) -> None:
    assert is_prose(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "42",
        "3.14",
        "ok",
        "sí",
        "a1b2c3d4-0000-4000-8000-123456789abc",
        "deadbeefcafe",
        "call_abc123",
        "gpt-4o-mini",
        "getOrderStatus",
        "snake_case_name",
        "/usr/lib/x.so",
        "https://example.com/hola",
        "ana@example.com",
        "`code only`",
        "https://a.example/x https://b.example/y",
    ],
)
def test_not_prose(text: str) -> None:
    assert not is_prose(text)


def test_blocks_mask_code_and_urls() -> None:
    text = "Mira:\n```py\nx = 'casa'\n```\nY `y()` en https://a.example/b, {nombre} o {{ var }}."
    blocks = split_blocks(text)
    assert [b.prose for b in blocks] == [True, False, True]
    assert blocks[1].text == "```py\nx = 'casa'\n```"
    assert blocks[2].text == "\nY ⟦0⟧ en ⟦1⟧, ⟦2⟧ o ⟦3⟧."
    assert blocks[2].spans == ("`y()`", "https://a.example/b", "{nombre}", "{{ var }}")
    assert unmask(blocks[2], "\nAnd ⟦0⟧ at ⟦1⟧, ⟦2⟧ or ⟦3⟧.") == (
        "\nAnd `y()` at https://a.example/b, {nombre} or {{ var }}."
    )
    assert unmask(blocks[2], "\nAnd ⟦0⟧ at ⟦1⟧, ⟦2⟧.") is None  # one lost
    assert unmask(blocks[2], "⟦0⟧ ⟦0⟧ ⟦1⟧ ⟦2⟧ ⟦3⟧") is None  # one doubled


def test_unclosed_fence_runs_to_the_end() -> None:
    blocks = split_blocks("Hola amigo\n```\ncodigo sin cerrar")
    assert [(b.text, b.prose) for b in blocks] == [
        ("Hola amigo\n", True),
        ("```\ncodigo sin cerrar", False),
    ]


def test_walk_reaches_only_what_people_read() -> None:
    value = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Hola amigo mío"}]},
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "t1", "name": "buscar", "input": {"q": "casa roja"}}
                ],
            },
            {"role": "tool", "tool_call_id": "t1", "content": '{"resultado": "Una casa roja"}'},
        ],
        "metadata": {"session_id": "s-1", "nota": "Cliente muy contento"},
        "count": 3,
    }
    assert prose_strings(value) == ["Hola amigo mío", "Una casa roja", "Cliente muy contento"]
    out = transform(value, str.upper)
    assert out["messages"][0]["content"][0]["text"] == "HOLA AMIGO MÍO"
    assert out["messages"][2] == value["messages"][2]
    assert out["messages"][3]["content"] == '{"resultado": "UNA CASA ROJA"}'
    assert out["metadata"] == {"session_id": "s-1", "nota": "CLIENTE MUY CONTENTO"}
    assert value["messages"][0]["content"][0]["text"] == "Hola amigo mío"  # input not mutated


def test_languages() -> None:
    assert normalize("en-US") == "en"
    assert normalize("pt_BR") == "pt"
    assert normalize("SPA") == "es"
    assert normalize("ast") == "ast"
    assert to_iso639_3("es") == "spa" and to_iso639_3("ast") == "ast"
    assert language_name("ca") == "Catalan"
    for bad in ("", "e", "english language", "en-", "<b>"):
        with pytest.raises(ValueError):
            normalize(bad)


def test_detection() -> None:
    detector = LanguageDetector()
    cases = {
        "Hola, necesito ayuda con mi pedido. El paquete no ha llegado.": "es",
        "Hello, I need help with my order. The package has not arrived.": "en",
        "Bonjour, j'ai besoin d'aide avec ma commande.": "fr",
        "Hola, necessito ajuda amb la meva comanda, el paquet no ha arribat.": "ca",
    }
    for text, lang in cases.items():
        found = detector.detect(text)
        assert found is not None and found.language == lang, (text, found)
    assert detector.detect("12345 !!! ```\ncode\n```") is None


def test_settings_from_env() -> None:
    s = TranslationSettings.from_env(
        {
            "INTERACTIVEAI_TRANSLATE_ENGINES": "openai, apertium",
            "INTERACTIVEAI_TRANSLATE_OPENAI_BASE_URL": "http://127.0.0.1:1/v1",
            "INTERACTIVEAI_TRANSLATE_OPENAI_MODEL": "m",
            "INTERACTIVEAI_TRANSLATE_TIMEOUT": "5",
        }
    )
    assert s.engine_order() == ("openai", "apertium")
    assert s.timeout == 5 and s.openai_configured
    assert TranslationSettings().engine_order() == ("apertium", "openai")
    assert TranslationSettings.from_env({}).openai_configured is False
    with pytest.raises(ValueError, match="unknown translation engine"):
        TranslationSettings(engines=("google",))


def test_build_engines_leaves_out_what_cannot_run() -> None:
    nothing = TranslationSettings(engines=("apertium",), apertium_command="no-such-apertium")
    assert build_engines(nothing) == []
    llm_only = TranslationSettings(
        engines=("openai", "apertium"),
        apertium_command="no-such-apertium",
        openai_base_url="http://127.0.0.1:1/v1",
        openai_model="m",
    )
    [engine] = build_engines(llm_only)
    assert engine.name == "openai:m"
