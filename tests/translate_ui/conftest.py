"""Fixtures of the translation route tests: one live server with a Spanish conversation.

Real Apertium (Debian `apertium` + `apertium-eng-spa`): skipped on a machine without it,
a failure under CI=true, as in tests/translate. One server serves the whole package (API
and browser tests), so the package pays for one server start.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import LiveServer, start_server
from tests.translate.conftest import APERTIUM_PACKAGES, _apertium_problem

SESSION = "soporte-ana"
XSS_TEXT = (
    'Hola <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
    " quiero cancelar mi suscripción."
)


@dataclass
class SpanishSession:
    """The server and the ids of the session's three traces, oldest first."""

    server: LiveServer
    session_id: str
    chat: str  # a chat turn: messages in, a message out
    order: str  # {"message": ...} in, a plain string out
    xss: str  # HTML in the text, which must stay text


def uid() -> str:
    """A fresh trace id."""
    return uuid.uuid4().hex


def ingest_trace(client: httpx.Client, trace_id: str, **body: Any) -> None:
    """One trace through the Langfuse batch route (answered after the commit)."""
    event = {"id": uid(), "type": "trace-create", "body": {"id": trace_id, **body}}
    r = client.post("/api/public/ingestion", json={"batch": [event]})
    assert r.status_code == 207 and not r.json()["errors"], r.text


@pytest.fixture(scope="package")
def translate_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on a fresh SQLite file; Apertium required."""
    problem = _apertium_problem()
    if problem is not None:
        message = f"{problem}: install with `apt-get install {APERTIUM_PACKAGES}`"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    path: Path = tmp_path_factory.mktemp("translate") / "ia.db"
    server = start_server(f"sqlite:///{path}")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def spanish_session(translate_server: LiveServer) -> SpanishSession:
    """Three Spanish turns of one support conversation."""
    ids = SpanishSession(translate_server, SESSION, uid(), uid(), uid())
    with translate_server.client() as c:
        ingest_trace(
            c,
            ids.chat,
            name="password",
            sessionId=SESSION,
            timestamp="2025-03-01T09:00:00Z",
            input=[
                {"role": "user", "content": "Mi contraseña no funciona y necesito ayuda urgente."}
            ],
            output={
                "role": "assistant",
                "content": "Puede cambiar la contraseña desde la página de inicio.",
            },
        )
        ingest_trace(
            c,
            ids.order,
            name="order",
            sessionId=SESSION,
            timestamp="2025-03-01T09:01:00Z",
            input={"message": "El pedido no ha llegado todavía. ¿Dónde está mi paquete?"},
            output="Su paquete llegará mañana por la tarde.",
        )
        ingest_trace(
            c,
            ids.xss,
            name="cancel",
            sessionId=SESSION,
            timestamp="2025-03-01T09:02:00Z",
            input={"message": XSS_TEXT},
            output={"role": "assistant", "content": "Claro, cancelamos su suscripción hoy mismo."},
        )
    return ids
