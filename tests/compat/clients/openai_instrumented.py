"""The real OpenAI client, instrumented by OpenInference or the OTel GenAI instrumentor.

Usage: python openai_instrumented.py openinference|genai OPENAI_BASE_URL SESSION_ID
(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and OTEL_EXPORTER_OTLP_TRACES_HEADERS point at us).
Two chat turns, each in a root span that carries the session. Prints {"traceIds": [...]}.
"""

from __future__ import annotations

import json
import sys

from openai import OpenAI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def main(flavor: str, base_url: str, session_id: str) -> None:
    provider = TracerProvider(resource=Resource.create({"service.name": f"compat-{flavor}"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    if flavor == "openinference":
        from openinference.instrumentation import using_session, using_user
        from openinference.instrumentation.openai import OpenAIInstrumentor

        OpenAIInstrumentor().instrument(tracer_provider=provider)
        session_attr = "session.id"
    else:
        from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor as GenAI

        GenAI().instrument(tracer_provider=provider)
        session_attr = "gen_ai.conversation.id"
    client = OpenAI(base_url=base_url, api_key="sk-stub")
    tracer = trace.get_tracer("compat")
    trace_ids = []
    history: list[dict[str, str]] = [{"role": "system", "content": "You are a support agent."}]
    for message in ("Where is my order?", "It has been two weeks."):
        history.append({"role": "user", "content": message})
        with tracer.start_as_current_span("turn", attributes={session_attr: session_id}) as span:
            trace_ids.append(format(span.get_span_context().trace_id, "032x"))
            if flavor == "openinference":
                with using_session(session_id), using_user("user-a"):
                    reply = client.chat.completions.create(model="gpt-4o-mini", messages=history)  # type: ignore[arg-type]
            else:
                reply = client.chat.completions.create(model="gpt-4o-mini", messages=history)  # type: ignore[arg-type]
        history.append({"role": "assistant", "content": reply.choices[0].message.content or ""})
    provider.force_flush()
    provider.shutdown()
    print(json.dumps({"traceIds": trace_ids}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
