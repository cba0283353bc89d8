"""Real clients, unchanged, against the real server (SQLite and PostgreSQL).

Each client runs as a script in its own process (its SDK keeps global state: tracer
providers, instrumentation patches, background threads), configured only through its own
settings. The Langfuse 3.x SDK lives in a virtualenv of its own, cached across runs.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import uid
from tests.compat.openai_stub import REPLY, OpenAIStub
from tests.support.server import LiveServer

CLIENTS = Path(__file__).parent / "clients"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "interactiveai-tests"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def run(python: str, script: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """Run a client script; its last stdout line is JSON."""
    proc = subprocess.run(
        [python, str(CLIENTS / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"{script} failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def langfuse_env(server: LiveServer) -> dict[str, str]:
    return {
        "LANGFUSE_HOST": server.url,
        "LANGFUSE_BASE_URL": server.url,
        "LANGFUSE_PUBLIC_KEY": server.public_key,
        "LANGFUSE_SECRET_KEY": server.secret_key,
        "LANGFUSE_FLUSH_INTERVAL": "0.2",
    }


@pytest.fixture(scope="session")
def langfuse3_python() -> str:
    """The interpreter of a cached virtualenv with `langfuse>=3,<4` installed."""
    target = CACHE / "langfuse3-venv"
    python = target / "bin" / "python"
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / "langfuse3.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test runs build it once
        marker = target / ".installed"
        if not marker.exists():
            venv.EnvBuilder(clear=True, with_pip=True).create(target)
            proc = subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "langfuse>=3,<4"],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if proc.returncode != 0:
                message = f"cannot install langfuse 3.x: {proc.stderr[-2000:]}"
                if IN_CI:
                    pytest.fail(message)
                pytest.skip(message)
            marker.write_text("ok")
    return str(python)


@pytest.fixture(scope="module")
def openai_stub() -> Iterator[OpenAIStub]:
    stub = OpenAIStub().start()
    yield stub
    stub.stop()


def session_of(server: LiveServer, session_id: str) -> dict[str, Any]:
    data: dict[str, Any] = server.get(f"/api/public/sessions/{session_id}")
    return data


def test_langfuse_current_major(server: LiveServer) -> None:
    session_id = uid("lf-")
    out = run(sys.executable, "langfuse_current.py", session_id, env=langfuse_env(server))
    s = session_of(server, session_id)
    assert [t["id"] for t in s["traces"]] == out["traceIds"]
    assert s["countTraces"] == 2 and s["userIds"] == ["user-a"]
    assert s["tags"] == ["shipping", "support"]
    assert (s["inputTokens"], s["outputTokens"], s["totalTokens"]) == (200, 40, 240)
    # No cost was sent: genai-prices prices gpt-4o-mini at $0.15 / $0.60 per 1M tokens.
    assert s["totalCost"] == pytest.approx(200 * 0.15e-6 + 40 * 0.6e-6)
    assert s["usageByModel"]["gpt-4o-mini"]["totalTokens"] == 240
    assert [(x["name"], x["value"]) for x in s["scores"]] == [("resolved", 1.0)]
    first = server.get(f"/api/public/traces/{out['traceIds'][0]}")
    assert first["name"] == "turn-0" and first["input"] == {"message": "My order hasn't arrived"}
    assert [(x["name"], x["stringValue"]) for x in first["scores"]] == [("tone", "friendly")]
    gen = next(o for o in first["observations"] if o["type"] == "GENERATION")
    assert gen["model"] == "gpt-4o-mini" and gen["usageDetails"]["input"] == 100
    assert gen["output"] == {"role": "assistant", "content": "Let me check."}


def test_langfuse_v3_sdk(server: LiveServer, langfuse3_python: str) -> None:
    session_id = uid("lf3-")
    out = run(langfuse3_python, "langfuse_v3.py", session_id, env=langfuse_env(server))
    s = session_of(server, session_id)
    assert sorted(t["id"] for t in s["traces"]) == sorted(out["traceIds"])
    assert s["countTraces"] == 2 and s["userIds"] == ["user-a"]
    assert s["tags"] == ["shipping", "support"]
    assert s["totalTokens"] == 240 and s["totalCost"] == pytest.approx(0.000054)
    assert [(x["name"], x["value"]) for x in s["scores"]] == [("resolved", 1.0)]
    first = server.get(f"/api/public/traces/{out['traceIds'][0]}")
    assert first["input"] == {"message": "My order #12345 hasn't arrived yet"}


@pytest.mark.parametrize("flavor", ["openinference", "genai"])
def test_openai_client_instrumented(
    server: LiveServer,
    openai_stub: OpenAIStub,
    flavor: str,
) -> None:
    session_id = uid(f"{flavor}-")
    env = {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{server.url}/api/public/otel/v1/traces",
        "OTEL_EXPORTER_OTLP_TRACES_HEADERS": f"Authorization={server.auth_header.replace(' ', '%20')}",
        "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "span_only",
    }
    out = run(
        sys.executable, "openai_instrumented.py", flavor, openai_stub.url, session_id, env=env
    )
    s = session_of(server, session_id)
    assert [t["id"] for t in s["traces"]] == out["traceIds"]
    assert s["countTraces"] == 2
    # The stub reports 120 prompt tokens (20 of them cached) and 30 completion tokens.
    assert (s["inputTokens"], s["outputTokens"]) == (240, 60)
    assert s["totalTokens"] == 300
    [model] = s["usageByModel"]
    assert model.startswith("gpt-4o-mini")
    assert s["totalCost"] > 0
    trace = server.get(f"/api/public/traces/{out['traceIds'][1]}")
    gen = next(o for o in trace["observations"] if o["type"] == "GENERATION")
    text = json.dumps(gen["input"])
    assert "You are a support agent." in text and "It has been two weeks." in text
    assert REPLY in json.dumps(gen["output"])
    if flavor == "openinference":
        # OpenInference reports the cached part of the prompt; the GenAI instrumentor
        # (util-genai 1.1b0) does not, so there it stays inside `input`.
        assert gen["usageDetails"]["input_cached_tokens"] == 20
        assert gen["usageDetails"]["input"] == 100
        assert s["userIds"] == ["user-a"]
