"""The seed's two samples, verbatim, through the in-memory capture: the exact spans they write."""

from __future__ import annotations

from interactiveai.testing import Capture
from tests.sdk.seed_samples import run_seed_samples

SESSION = "interactiveai.session.id"
USER = "interactiveai.user.id"
TAGS = "interactiveai.trace.tags"
TYPE = "interactiveai.observation.type"


def test_seed_samples_make_one_session_of_four_traces(interactiveai_capture: Capture) -> None:
    run_seed_samples()

    observations = interactiveai_capture.observations()
    traces = {o.trace_id for o in observations}
    assert len(traces) == 4
    # Every trace carries the session and the user on at least one of its spans.
    for trace_id in traces:
        spans = [o for o in observations if o.trace_id == trace_id]
        assert any(o.attributes.get(SESSION) == "ticket-2611" for o in spans)
        assert any(o.attributes.get(USER) == "user-a" for o in spans)
    assert [o.name for o in observations] == [
        "support-inquiry",
        "support-followup",
        "handle_support_turn",
        "generate_support_response",
        "handle_support_turn",
        "generate_support_response",
    ]


def test_context_manager_sample_writes_trace_fields(interactiveai_capture: Capture) -> None:
    run_seed_samples()

    inquiry, followup = interactiveai_capture.observations()[:2]
    assert inquiry.attributes == {
        TYPE: "span",
        SESSION: "ticket-2611",
        USER: "user-a",
        "interactiveai.trace.input": '{"message":"My order #12345 hasn\'t arrived yet"}',
        TAGS: ("support", "shipping"),
    }
    assert followup.attributes == {
        TYPE: "span",
        SESSION: "ticket-2611",
        USER: "user-a",
        "interactiveai.trace.input": (
            '{"message":"I ordered it two weeks ago and the tracking still shows pending"}'
        ),
    }
    assert inquiry.parent_id is None and followup.parent_id is None


def test_decorator_sample_nests_a_generation_under_the_turn(interactiveai_capture: Capture) -> None:
    run_seed_samples()

    turn, generation = interactiveai_capture.observations()[2:4]
    message = "My order #12345 hasn't arrived yet"
    answer = f"Thanks for reaching out about: {message}"
    assert turn.attributes == {
        TYPE: "span",
        "interactiveai.observation.input": '{"message":"My order #12345 hasn\'t arrived yet"}',
        SESSION: "ticket-2611",
        USER: "user-a",
        TAGS: ("support", "shipping"),
        "interactiveai.observation.output": f'"{answer}"',
    }
    assert generation.attributes == {
        TYPE: "generation",
        "interactiveai.observation.input": '{"message":"My order #12345 hasn\'t arrived yet"}',
        "interactiveai.observation.output": f'"{answer}"',
    }
    assert generation.parent_id == turn.id
    assert generation.trace_id == turn.trace_id
