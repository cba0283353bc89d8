"""What only a fresh interpreter can show: the global TracerProvider (ours or the app's),
flush at exit, configuration from the environment, and what `import interactiveai` loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.sdk.conftest import PUBLIC_KEY, SECRET_KEY
from tests.sdk.fake_server import FakeServer


def run_python(code: str, env: dict[str, str] | None = None) -> str:
    """Run `code` in a new interpreter; its stdout (stderr shown if it fails)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def server_env(server: FakeServer) -> dict[str, str]:
    return {
        "INTERACTIVEAI_PUBLIC_KEY": PUBLIC_KEY,
        "INTERACTIVEAI_SECRET_KEY": SECRET_KEY,
        "INTERACTIVEAI_HOST": server.url,
    }


def test_joins_a_tracer_provider_the_app_set_up_first(fake_server: FakeServer) -> None:
    out = run_python(
        """
        import json
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        apps_exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(apps_exporter))
        trace.set_tracer_provider(provider)

        import interactiveai

        with interactiveai.start_as_current_observation(name="ours"):
            with trace.get_tracer("app").start_as_current_span("theirs"):
                pass
        interactiveai.flush()
        assert trace.get_tracer_provider() is provider
        print(json.dumps(sorted(s.name for s in apps_exporter.get_finished_spans())))
        """,
        server_env(fake_server),
    )
    assert json.loads(out) == ["ours", "theirs"]  # the app's exporter sees our spans
    assert sorted(name for name, _ in fake_server.spans()) == ["ours", "theirs"]


def test_installs_its_provider_and_sends_everything_at_exit(fake_server: FakeServer) -> None:
    run_python(
        """
        import interactiveai
        from opentelemetry import trace

        with interactiveai.start_as_current_observation(name="ours"):
            with interactiveai.propagate_attributes(session_id="ticket-2611"):
                trace.get_tracer("some-instrumentation").start_span("instrumented").end()
        interactiveai.create_score(name="resolved", value=True, session_id="ticket-2611")
        # No flush(): the exit hook sends what is queued.
        """,
        {**server_env(fake_server), "INTERACTIVEAI_FLUSH_INTERVAL": "60"},
    )
    spans = dict(fake_server.spans())
    assert spans == {
        "ours": {
            "interactiveai.observation.type": "span",
            "interactiveai.session.id": "ticket-2611",
        },
        # Another instrumentation's span, on our global provider: exported, fields propagated.
        "instrumented": {"interactiveai.session.id": "ticket-2611"},
    }
    assert [e["body"]["name"] for e in fake_server.score_events()] == ["resolved"]


def test_import_is_light() -> None:
    out = run_python(
        """
        import json, sys, time
        heavy = ("opentelemetry", "httpx", "interactiveai.server", "sqlalchemy", "fastapi")
        loaded = lambda: sorted({m.split(".")[0] if not m.startswith("interactiveai") else m
                                 for m in sys.modules if m.startswith(heavy)})
        import interactiveai
        after_import = loaded()
        import interactiveai.testing
        after_plugin = loaded()
        from interactiveai import observe
        after_observe = loaded()
        exporter_loaded = "opentelemetry.exporter.otlp.proto.http" in sys.modules
        print(json.dumps([after_import, after_plugin, after_observe, exporter_loaded]))
        """
    )
    after_import, after_plugin, after_observe, exporter_loaded = json.loads(out)
    assert after_import == []
    assert after_plugin == []
    assert after_observe == ["opentelemetry"]  # the API and SDK, not the exporter nor httpx
    assert exporter_loaded is False


def test_a_forked_child_sends_its_own_data(fake_server: FakeServer) -> None:
    run_python(
        """
        import os
        import interactiveai

        interactiveai.create_score(name="parent-before-fork", value=1, session_id="s")
        with interactiveai.start_as_current_observation(name="parent-span"):
            pass
        pid = os.fork()
        if pid == 0:
            interactiveai.create_score(name="child", value=1, session_id="s")
            with interactiveai.start_as_current_observation(name="child-span"):
                pass
            interactiveai.flush()
            os._exit(0)
        os.waitpid(pid, 0)
        interactiveai.flush()
        """,
        {**server_env(fake_server), "INTERACTIVEAI_FLUSH_INTERVAL": "60"},
    )
    # What was queued before the fork is the parent's to send, once.
    assert sorted(e["body"]["name"] for e in fake_server.score_events()) == [
        "child",
        "parent-before-fork",
    ]
    assert sorted(name for name, _ in fake_server.spans()) == ["child-span", "parent-span"]
