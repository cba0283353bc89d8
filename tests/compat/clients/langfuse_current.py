"""The `langfuse` package, current major, unchanged: pointed at us by its own env settings.

Usage: python langfuse_current.py SESSION_ID  (LANGFUSE_BASE_URL, LANGFUSE_PUBLIC_KEY,
LANGFUSE_SECRET_KEY in the environment). Prints {"traceIds": [...]} as JSON.
"""

from __future__ import annotations

import json
import sys

from langfuse import Langfuse, propagate_attributes


def main(session_id: str) -> None:
    langfuse = Langfuse()
    if not langfuse.auth_check():
        raise SystemExit("auth_check() failed")
    trace_ids = []
    for turn, message in enumerate(["My order hasn't arrived", "It has been two weeks"]):
        with langfuse.start_as_current_observation(as_type="span", name=f"turn-{turn}") as span:
            with propagate_attributes(
                session_id=session_id, user_id="user-a", tags=["support", "shipping"]
            ):
                span.update(input={"message": message})
                with langfuse.start_as_current_observation(
                    as_type="generation", name="llm", model="gpt-4o-mini"
                ) as gen:
                    gen.update(
                        input=[{"role": "user", "content": message}],
                        output={"role": "assistant", "content": "Let me check."},
                        usage_details={"input": 100, "output": 20},
                    )
                span.update(output={"reply": "Let me check."})
            trace_ids.append(span.trace_id)
    langfuse.create_score(session_id=session_id, name="resolved", value=1.0)
    langfuse.create_score(
        trace_id=trace_ids[0], name="tone", value="friendly", data_type="CATEGORICAL"
    )
    langfuse.flush()
    langfuse.shutdown()
    print(json.dumps({"traceIds": trace_ids}))


if __name__ == "__main__":
    main(sys.argv[1])
