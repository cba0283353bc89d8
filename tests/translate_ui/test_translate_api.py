"""`POST /api/public/traces/{id}/translate` and the status route, over HTTP, with real Apertium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.projects import create_api_key, create_project
from tests.support.net import find_free_port
from tests.support.server import LiveServer, start_server
from tests.translate_ui.conftest import ingest_trace, uid


@pytest.fixture
def client(translate_server: LiveServer) -> Iterator[httpx.Client]:
    """A client with the test project's key."""
    with translate_server.client() as c:
        yield c


def test_spanish_trace_into_english_keeps_structure_and_is_cached(client: httpx.Client) -> None:
    trace = uid()
    ingest_trace(
        client,
        trace,
        input={
            "messages": [
                {"role": "system", "content": "Eres un asistente amable del servicio al cliente."},
                {"role": "user", "content": "Mi contraseña no funciona y necesito ayuda urgente."},
            ],
            "temperature": 0.2,
            "user_id": "cliente-42",
        },
        output={"role": "assistant", "content": "Su paquete llegará mañana por la tarde."},
    )
    r = client.post(f"/api/public/traces/{trace}/translate", json={"target": "en-US"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {
        "traceId",
        "input",
        "output",
        "sourceLanguage",
        "targetLanguage",
        "engine",
        "cached",
        "untranslatedLanguages",
    }
    assert body["traceId"] == trace
    assert (body["sourceLanguage"], body["targetLanguage"]) == ("es", "en")
    assert body["engine"] == "apertium" and body["cached"] is False
    assert body["untranslatedLanguages"] == []
    # Keys, roles, numbers and ids are kept; the prose is English.
    translated = body["input"]
    assert set(translated) == {"messages", "temperature", "user_id"}
    assert translated["temperature"] == 0.2 and translated["user_id"] == "cliente-42"
    assert [m["role"] for m in translated["messages"]] == ["system", "user"]
    user = translated["messages"][1]["content"].lower()
    assert "password" in user and "help" in user, user
    assert "contraseña" not in user
    assert body["output"]["role"] == "assistant"
    assert "package" in body["output"]["content"] and "tomorrow" in body["output"]["content"]

    again = client.post(f"/api/public/traces/{trace}/translate", json={"target": "en"})
    assert again.status_code == 200, again.text
    assert again.json()["cached"] is True
    assert again.json()["input"] == translated


def test_source_and_engine_can_be_given(client: httpx.Client) -> None:
    trace = uid()
    ingest_trace(client, trace, input="Hola, necesito ayuda con mi pedido.", output=None)
    r = client.post(
        f"/api/public/traces/{trace}/translate",
        json={"target": "en", "source": "es", "engine": "apertium"},
    )
    assert r.status_code == 200, r.text
    assert "help" in r.json()["input"] and r.json()["output"] is None


def test_errors(client: httpx.Client, translate_server: LiveServer) -> None:
    trace = uid()
    ingest_trace(client, trace, input="El pedido no ha llegado todavía.")

    def post(trace_id: str, body: object, c: httpx.Client = client) -> httpx.Response:
        return c.post(f"/api/public/traces/{trace_id}/translate", json=body)

    r = post("no-such-trace", {"target": "en"})
    assert r.status_code == 404 and r.json() == {
        "message": "Trace not found",
        "error": "NotFoundError",
    }
    for body, field in (
        ({"target": "not a language"}, "target"),
        ({"target": "en", "source": "12"}, "source"),
        ({}, "target"),
        ({"target": 5}, "target"),
        ({"target": "en", "engine": "babelfish"}, "engine"),
    ):
        r = post(trace, body)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["error"] == "BadRequestError" and r.json()["message"].startswith(field)
    # No engine has the pair: a 400 that says which package to look for.
    r = post(trace, {"target": "de"})
    assert r.status_code == 400 and r.json()["error"] == "UnsupportedLanguageError"
    assert "apertium-" in r.json()["message"]
    r = client.post(f"/api/public/traces/{trace}/translate", content=b"{not json")
    assert r.status_code == 400
    # A key without the header, and another project's key: no data leaks.
    r = httpx.post(f"{translate_server.url}/api/public/traces/{trace}/translate", json={})
    assert r.status_code == 401
    engine = make_engine(translate_server.database_url, pool_size=1)
    with engine.begin() as conn:
        pk, sk = create_api_key(conn, create_project(conn, "other").id)
    engine.dispose()
    with httpx.Client(base_url=translate_server.url, auth=(pk, sk), timeout=30) as other:
        r = post(trace, {"target": "en"}, other)
    assert r.status_code == 404 and r.json()["message"] == "Trace not found"


def test_status(client: httpx.Client) -> None:
    r = client.get("/api/public/translate/status")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["available"] is True and body["hint"] is None
    assert "apertium" in body["engines"]
    assert {"en", "es"} <= set(body["targetLanguages"])
    assert body["languageNames"]["es"] == "Spanish"


def test_openapi_documents_the_routes(client: httpx.Client) -> None:
    spec = client.get("/api/public/openapi.json").json()
    route = spec["paths"]["/api/public/traces/{traceId}/translate"]["post"]
    assert {"200", "400", "404", "502", "503"} <= set(route["responses"])
    schemas = spec["components"]["schemas"]
    assert "TraceTranslationResponse" in schemas and "TranslateRequest" in schemas
    assert "/api/public/translate/status" in spec["paths"]


def test_no_engine_is_503_and_a_failing_engine_is_502(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{find_free_port()}/v1"  # nothing listens there
    for env, status, error, words in (
        (
            {
                "INTERACTIVEAI_TRANSLATE_ENGINES": "apertium",
                "INTERACTIVEAI_TRANSLATE_APERTIUM_COMMAND": str(tmp_path / "no-apertium"),
            },
            503,
            "TranslationUnavailableError",
            "apt-get install apertium",
        ),
        (
            {
                "INTERACTIVEAI_TRANSLATE_ENGINES": "openai",
                "INTERACTIVEAI_TRANSLATE_OPENAI_BASE_URL": dead,
                "INTERACTIVEAI_TRANSLATE_OPENAI_MODEL": "stub",
                "INTERACTIVEAI_TRANSLATE_TIMEOUT": "5",
            },
            502,
            "TranslationError",
            "127.0.0.1",
        ),
    ):
        name = error.lower()
        server = start_server(f"sqlite:///{tmp_path / name}.db", extra_env=env)
        try:
            with server.client() as c:
                trace = uid()
                ingest_trace(c, trace, input="Mi contraseña no funciona.")
                r = c.post(
                    f"/api/public/traces/{trace}/translate", json={"target": "en", "source": "es"}
                )
                assert r.status_code == status, r.text
                assert r.json()["error"] == error and words in r.json()["message"], r.text
                available = c.get("/api/public/translate/status").json()["available"]
                assert available is (status == 502)
        finally:
            server.stop()
