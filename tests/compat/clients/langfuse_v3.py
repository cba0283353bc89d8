"""Langfuse Python SDK 3.x, unchanged (the API the seed mirrors), in its own virtualenv.

Usage: python langfuse_v3.py SESSION_ID  (LANGFUSE_HOST, LANGFUSE_PUBLIC_KEY,
LANGFUSE_SECRET_KEY in the environment). Prints {"traceIds": [...]} as JSON.
"""

from __future__ import annotations

import json
import sys

from langfuse import get_client, observe


def main(session_id: str) -> None:
    langfuse = get_client()
    if not langfuse.auth_check():
        raise SystemExit("auth_check() failed")
    trace_ids = []

    # First turn: the context manager and span.update_trace, as in the seed.
    with langfuse.start_as_current_span(name="support-inquiry") as span:
        span.update_trace(
            session_id=session_id,
            user_id="user-a",
            input={"message": "My order #12345 hasn't arrived yet"},
            tags=["support", "shipping"],
        )
        with langfuse.start_as_current_generation(name="llm", model="gpt-4o-mini") as gen:
            gen.update(
                output="Let me check.",
                usage_details={"input": 100, "output": 20},
            )
        trace_ids.append(span.trace_id)

    # Second turn: @observe and update_current_trace.
    @observe()
    def handle_turn(message: str) -> str:
        langfuse.update_current_trace(session_id=session_id, user_id="user-a", tags=["support"])
        trace_ids.append(langfuse.get_current_trace_id() or "")
        return generate(message)

    @observe(as_type="generation")
    def generate(message: str) -> str:
        langfuse.update_current_generation(
            model="gpt-4o-mini", usage_details={"input": 100, "output": 20}
        )
        return "It ships tomorrow."

    handle_turn("I ordered it two weeks ago")
    langfuse.create_score(session_id=session_id, name="resolved", value=1.0)
    langfuse.flush()
    langfuse.shutdown()
    print(json.dumps({"traceIds": trace_ids}))


if __name__ == "__main__":
    main(sys.argv[1])
