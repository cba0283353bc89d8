"""Test data for the UI, sent to a live server through the InteractiveAI SDK.

A manual clock places turns in time so that gaps, durations and ordering are known exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from interactiveai import InteractiveAI
from tests.support.server import LiveServer

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
XSS_SCRIPT = "<script>window.__xss = 1</script>"
XSS_IMG = '<img src=x onerror="window.__xss = 2">'
XSS = XSS_SCRIPT + XSS_IMG
XSS_SESSION = "xss-<script>window.__xss=3</script>"
BIG_SESSION_TRACES = 45


class ManualClock:
    """Nanoseconds since the epoch; `at(seconds)` jumps, each reading advances `step`."""

    def __init__(self) -> None:
        self.ns = int(T0.timestamp() * 1e9)
        self.step = 200_000_000  # 0.2 s per reading

    def at(self, seconds: float) -> None:
        """Move to T0 + seconds."""
        self.ns = int((T0.timestamp() + seconds) * 1e9)

    def __call__(self) -> int:
        self.ns += self.step
        return self.ns


@dataclass
class Sent:
    """What was sent, for assertions."""

    trace_ids: dict[str, list[str]]


def client(server: LiveServer, clock: ManualClock, environment: str) -> InteractiveAI:
    """An SDK client on the live server with a manual clock."""
    return InteractiveAI(
        public_key=server.public_key,
        secret_key=server.secret_key,
        host=server.url,
        environment=environment,
        clock=clock,
        flush_at=1000,
    )


def turn(
    ia: InteractiveAI,
    *,
    name: str,
    session_id: str,
    user_id: str | None,
    messages: Any,
    answer: Any,
    model: str = "gpt-4o-mini",
    usage: tuple[int, int] = (100, 20),
    cost: tuple[float, float] = (0.01, 0.02),
    tags: list[str] | None = None,
    error: str | None = None,
    metadata: Any = None,
) -> str:
    """One trace: a root span with a generation under it."""
    with ia.start_as_current_observation(as_type="span", name=name) as span:
        span.update_trace(
            session_id=session_id,
            user_id=user_id,
            input=messages,
            output=answer,
            tags=tags,
            metadata=metadata,
        )
        with span.start_as_current_observation(
            as_type="generation",
            name="llm-call",
            model=model,
            input=messages,
        ) as gen:
            gen.update(
                output=answer,
                usage_details={"input": usage[0], "output": usage[1]},
                cost_details={"input": cost[0], "output": cost[1]},
            )
            if error:
                gen.update(level="ERROR", status_message=error)
        with span.start_as_current_observation(as_type="tool", name="lookup-order") as tool:
            tool.update(input={"order": "12345"}, output={"status": "pending"})
        return span.trace_id


def send_all(server: LiveServer) -> Sent:
    """The UI tests' data set."""
    clock = ManualClock()
    prod = client(server, clock, "production")
    staging = client(server, clock, "staging")
    ids: dict[str, list[str]] = {}

    # ticket-2611: three turns (OpenAI messages), a 12-minute gap before the third, an error.
    history: list[dict[str, Any]] = [
        {"role": "system", "content": "You are a helpful support agent."},
        {"role": "user", "content": "My order #12345 hasn't arrived yet"},
    ]
    clock.at(0)
    ids["ticket-2611"] = [
        turn(
            prod,
            name="support-inquiry",
            session_id="ticket-2611",
            user_id="user-a",
            messages=list(history),
            answer={
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup_order", "arguments": '{"order": "12345"}'},
                    }
                ],
            },
            tags=["support", "shipping"],
        )
    ]
    history.append({"role": "assistant", "content": "Let me check order #12345 for you."})
    history.append(
        {
            "role": "user",
            "content": "I ordered it two weeks ago and the tracking still shows pending",
        }
    )
    clock.at(60)
    ids["ticket-2611"].append(
        turn(
            prod,
            name="support-followup",
            session_id="ticket-2611",
            user_id="user-a",
            messages=list(history),
            answer={"role": "assistant", "content": "I have escalated it to the carrier."},
        )
    )
    clock.at(60 + 12 * 60)
    ids["ticket-2611"].append(
        turn(
            prod,
            name="support-escalation",
            session_id="ticket-2611",
            user_id="user-a",
            messages=[{"role": "user", "content": "Any news?"}],
            answer=None,
            error="upstream model timeout",
        )
    )

    # ticket-2612 (staging): Anthropic and GenAI shapes, another user, an expensive model.
    clock.at(3600)
    ids["ticket-2612"] = [
        turn(
            staging,
            name="refund-request",
            session_id="ticket-2612",
            user_id="user-b",
            messages={
                "system": "Be brief.",
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "Refund please"}]}
                ],
            },
            answer={
                "type": "message",
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Checking your order."},
                    {"type": "tool_use", "id": "tu_1", "name": "refund", "input": {"amount": 20}},
                ],
            },
            model="claude-sonnet-4",
            usage=(1000, 500),
            cost=(0.5, 1.5),
            tags=["billing"],
        ),
        turn(
            staging,
            name="refund-done",
            session_id="ticket-2612",
            user_id="user-b",
            messages=[{"role": "user", "parts": [{"type": "text", "content": "Thanks!"}]}],
            answer=[
                {"role": "assistant", "parts": [{"type": "text", "content": "You're welcome."}]}
            ],
            model="claude-sonnet-4",
            usage=(10, 5),
            cost=(0.0, 0.0),
        ),
    ]

    # big: many turns (paged loading), one 1 MB output.
    clock.at(7200)
    ids["big"] = []
    for i in range(BIG_SESSION_TRACES):
        clock.at(7200 + i * 10)
        answer: Any = f"answer {i}"
        if i == 1:
            answer = "x" * 1_000_000
        ids["big"].append(
            turn(
                prod,
                name=f"turn-{i:02d}",
                session_id="big",
                user_id="user-c",
                messages=[{"role": "user", "content": f"question {i}"}],
                answer=answer,
                usage=(10, 10),
                cost=(0.001, 0.001),
            )
        )

    # Attack payloads everywhere an application can put text.
    clock.at(9000)
    ids[XSS_SESSION] = [
        turn(
            prod,
            name=XSS,
            session_id=XSS_SESSION,
            user_id="user-" + XSS_IMG[:20],
            messages=[{"role": "user", "content": XSS}],
            answer={"text": XSS, "nested": {"html": XSS}},
            tags=[XSS_SCRIPT, XSS_IMG],
            metadata={"note": XSS, XSS_IMG: XSS_SCRIPT},
        )
    ]
    prod.flush()
    staging.flush()
    prod.shutdown()
    staging.shutdown()
    return Sent(ids)
