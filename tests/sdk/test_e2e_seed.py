"""The seed's two samples, verbatim, against the real server (`interactiveai serve`), read back
through the public API: one session `ticket-2611` of four traces, user `user-a`, tags
support and shipping, a generation nested under the decorated span."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import TracerProvider

from interactiveai import InteractiveAI
from tests.support.server import LiveServer

ROOT = Path(__file__).parents[2]


def run_as_a_user_script(server: LiveServer, code: str) -> None:
    """Run `code` in a fresh interpreter configured only through INTERACTIVEAI_* variables."""
    env = {
        **os.environ,
        "INTERACTIVEAI_PUBLIC_KEY": server.public_key,
        "INTERACTIVEAI_SECRET_KEY": server.secret_key,
        "INTERACTIVEAI_HOST": server.url,
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "InteractiveAI" not in result.stderr, result.stderr  # no warning, no export error


def test_seed_samples_make_the_session_of_the_seed(live_server: LiveServer) -> None:
    run_as_a_user_script(
        live_server,
        """
        from tests.sdk.seed_samples import run_seed_samples
        run_seed_samples()
        """,
    )

    session = live_server.get("/api/public/sessions/ticket-2611")
    assert session["id"] == "ticket-2611"
    traces = session["traces"]
    assert len(traces) == 4
    assert session["countTraces"] == 4
    assert session["userIds"] == ["user-a"]
    assert set(session["tags"]) == {"support", "shipping"}
    assert [t["sessionId"] for t in traces] == ["ticket-2611"] * 4
    assert [t["userId"] for t in traces] == ["user-a"] * 4
    assert [t["name"] for t in traces] == [
        "support-inquiry",
        "support-followup",
        "handle_support_turn",
        "handle_support_turn",
    ]
    assert traces[0]["input"] == {"message": "My order #12345 hasn't arrived yet"}
    assert set(traces[0]["tags"]) == {"support", "shipping"}

    for turn in traces[2:]:
        detail = live_server.get(f"/api/public/traces/{turn['id']}")
        by_type = {o["type"]: o for o in detail["observations"]}
        assert set(by_type) == {"SPAN", "GENERATION"}
        span, generation = by_type["SPAN"], by_type["GENERATION"]
        assert span["name"] == "handle_support_turn"
        assert generation["name"] == "generate_support_response"
        assert generation["parentObservationId"] == span["id"]
        assert generation["output"].startswith("Thanks for reaching out about: ")


def test_scores_and_the_session_rule_against_the_server(live_server: LiveServer) -> None:
    client = InteractiveAI(
        public_key=live_server.public_key,
        secret_key=live_server.secret_key,
        host=live_server.url,
        tracer_provider=TracerProvider(),  # keep the test process's global provider untouched
    )
    try:
        assert client.auth_check() is True
        with client.start_as_current_observation(name="turn") as span:
            span.update_trace(session_id="ticket-2612", user_id="user-b")
            span.score_trace(name="helpful", value=1)
        with client.start_as_current_observation(name="bad-session") as bad:
            bad.update_trace(session_id="é" * 3, user_id="user-b")
        client.create_score(name="resolved", value=True, session_id="ticket-2612")
        client.flush()
        trace_url = client.get_trace_url(trace_id=span.trace_id)
    finally:
        client.shutdown()

    session = live_server.get("/api/public/sessions/ticket-2612")
    assert [t["id"] for t in session["traces"]] == [span.trace_id]
    assert trace_url == live_server.url + session["traces"][0]["htmlPath"]
    dropped = live_server.get(f"/api/public/traces/{bad.trace_id}")
    assert dropped["sessionId"] is None and dropped["userId"] == "user-b"

    scores: list[dict[str, Any]] = live_server.get("/api/public/v2/scores", traceId=span.trace_id)[
        "data"
    ]
    assert [(s["name"], s["value"]) for s in scores] == [("helpful", 1.0)]
    session_scores = live_server.get("/api/public/v2/scores", sessionId="ticket-2612")["data"]
    assert [(s["name"], s["value"], s["dataType"]) for s in session_scores] == [
        ("resolved", 1.0, "BOOLEAN")
    ]
