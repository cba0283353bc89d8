"""Observations from the client and module-level API: the exact attributes each call writes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

import interactiveai
from interactiveai import InteractiveAI
from interactiveai.conventions import OBSERVATION_TYPES
from interactiveai.testing import START_NS, Capture

TYPE = "interactiveai.observation.type"
SECOND = 10**9


def test_ids_times_and_type_of_a_plain_span(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="work") as span:
        assert span.id == "0000000000000001"
        assert span.trace_id == "00000000000000000000000000000001"
        assert span.type == "span"

    [observation] = interactiveai_capture.observations()
    assert observation.attributes == {TYPE: "span"}
    assert (observation.start_time, observation.end_time) == (START_NS, START_NS + SECOND)
    assert observation.parent_id is None


def test_update_writes_every_observation_field(interactiveai_capture: Capture) -> None:
    class Prompt:
        name, version = "support-answer", 3

    with interactiveai.start_as_current_observation(
        as_type="generation", name="llm", model="gpt-4o", input=[{"role": "user", "content": "hi"}]
    ) as generation:
        generation.update(
            output={"role": "assistant", "content": "hello"},
            metadata={"attempt": 1},
            version="v2",
            level="WARNING",
            status_message="slow",
            completion_start_time=dt.datetime(2025, 1, 1, 0, 0, 1),
            model_parameters={"temperature": 0.2, "max_tokens": 100},
            usage_details={"input": 10, "output": 5, "total": 15},
            cost_details={"input": 0.001, "output": 0.002},
            prompt=Prompt(),
        )

    [observation] = interactiveai_capture.observations()
    assert observation.attributes == {
        TYPE: "generation",
        "interactiveai.observation.model.name": "gpt-4o",
        "interactiveai.observation.input": '[{"role":"user","content":"hi"}]',
        "interactiveai.observation.output": '{"role":"assistant","content":"hello"}',
        "interactiveai.observation.metadata": '{"attempt":1}',
        "interactiveai.version": "v2",
        "interactiveai.observation.level": "WARNING",
        "interactiveai.observation.status_message": "slow",
        "interactiveai.observation.completion_start_time": "2025-01-01T00:00:01+00:00",
        "interactiveai.observation.model.parameters": '{"temperature":0.2,"max_tokens":100}',
        "interactiveai.observation.usage_details": '{"input":10,"output":5,"total":15}',
        "interactiveai.observation.cost_details": '{"input":0.001,"output":0.002}',
        "interactiveai.observation.prompt.name": "support-answer",
        "interactiveai.observation.prompt.version": 3,
    }


def test_update_trace_writes_every_trace_field(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="turn") as span:
        span.update_trace(
            name="support",
            user_id="user-a",
            session_id="ticket-2611",
            version="1.2",
            release="2025.01",
            input={"q": 1},
            output="done",
            metadata={"channel": "email"},
            tags=["support"],
            public=True,
        )

    [observation] = interactiveai_capture.observations()
    assert observation.attributes == {
        TYPE: "span",
        "interactiveai.trace.name": "support",
        "interactiveai.user.id": "user-a",
        "interactiveai.session.id": "ticket-2611",
        "interactiveai.version": "1.2",
        "interactiveai.release": "2025.01",
        "interactiveai.trace.input": '{"q":1}',
        "interactiveai.trace.output": '"done"',
        "interactiveai.trace.metadata": '{"channel":"email"}',
        "interactiveai.trace.tags": ("support",),
        "interactiveai.trace.public": True,
    }


def test_metadata_merges_and_tags_union_across_updates(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="turn") as span:
        span.update(metadata={"a": 1, "b": 1})
        span.update(metadata={"b": 2})
        span.update_trace(tags=["x", "y"], metadata={"k": "v"})
        interactiveai.update_current_trace(tags="z", metadata={"l": "w"})
        span.update_trace(tags=["y"])

    attrs = interactiveai_capture.observations()[0].attributes
    assert attrs["interactiveai.observation.metadata"] == '{"a":1,"b":2}'
    assert attrs["interactiveai.trace.metadata"] == '{"k":"v","l":"w"}'
    assert attrs["interactiveai.trace.tags"] == ("x", "y", "z")


@pytest.mark.parametrize("as_type", OBSERVATION_TYPES)
def test_every_observation_type(interactiveai_capture: Capture, as_type: Any) -> None:
    observation = interactiveai.start_observation(name=f"a-{as_type}", as_type=as_type)
    observation.end()

    [captured] = interactiveai_capture.observations()
    assert captured.attributes == {TYPE: as_type}
    assert captured.end_time is not None


def test_event_ends_at_once(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="turn") as span:
        event = span.create_event(name="cache-hit", input={"key": "k"})
        interactiveai.create_event(name="top-level-in-context", output=1)

    turn, cache_hit, top = interactiveai_capture.observations()
    assert cache_hit.attributes == {TYPE: "event", "interactiveai.observation.input": '{"key":"k"}'}
    assert cache_hit.start_time == cache_hit.end_time - SECOND  # one clock reading each
    assert cache_hit.parent_id == turn.id == top.parent_id
    assert event.id == cache_hit.id


def test_nesting_current_and_explicit_children(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="root") as root:
        detached = root.start_observation(name="explicit-child", as_type="tool")
        with interactiveai.start_as_current_observation(name="current-child") as child:
            interactiveai.start_observation(name="grandchild").end()
            assert interactiveai.get_current_observation_id() == child.id
        detached.end()
        with root.start_as_current_observation(name="via-root", as_type="agent"):
            pass

    by_name = {o.name: o for o in interactiveai_capture.observations()}
    assert by_name["explicit-child"].parent_id == by_name["root"].id
    assert by_name["current-child"].parent_id == by_name["root"].id
    assert by_name["grandchild"].parent_id == by_name["current-child"].id
    assert by_name["via-root"].parent_id == by_name["root"].id
    assert by_name["via-root"].type == "agent"
    assert len({o.trace_id for o in by_name.values()}) == 1


def test_start_observation_is_not_made_current(interactiveai_capture: Capture) -> None:
    span = interactiveai.start_observation(name="manual")
    assert interactiveai.get_current_observation_id() is None
    interactiveai.start_observation(name="sibling").end()
    span.end()

    manual, sibling = interactiveai_capture.observations()
    assert sibling.parent_id is None and sibling.trace_id != manual.trace_id


def test_current_ids_inside_and_outside(interactiveai_capture: Capture) -> None:
    assert interactiveai.get_current_trace_id() is None
    assert interactiveai.get_current_observation_id() is None
    with interactiveai.start_as_current_observation(name="x") as span:
        assert interactiveai.get_current_trace_id() == span.trace_id
        assert interactiveai.get_current_observation_id() == span.id


def test_trace_context_joins_an_existing_trace(interactiveai_capture: Capture) -> None:
    trace_id = interactiveai.create_trace_id(seed="order-12345")
    with interactiveai.start_as_current_observation(
        name="root", trace_context={"trace_id": trace_id}
    ) as root:
        pass
    child = interactiveai.start_observation(
        name="child", trace_context={"trace_id": trace_id, "parent_span_id": root.id}
    )
    child.end()

    captured_root, captured_child = interactiveai_capture.observations()
    assert captured_root.trace_id == captured_child.trace_id == trace_id
    assert captured_root.attributes == {TYPE: "span", "interactiveai.internal.as_root": True}
    assert captured_child.parent_id == root.id
    assert captured_child.attributes == {TYPE: "span"}


def test_bad_trace_context_is_ignored_with_a_warning(
    interactiveai_capture: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    interactiveai.start_observation(name="x", trace_context={"trace_id": "not-hex"}).end()

    [captured] = interactiveai_capture.observations()
    assert captured.attributes == {TYPE: "span"}
    assert "bad trace_id 'not-hex'" in caplog.text


def test_create_trace_id() -> None:
    seeded = InteractiveAI.create_trace_id(seed="external-123")
    assert seeded == interactiveai.create_trace_id(seed="external-123")
    assert len(seeded) == 32 and int(seeded, 16)
    random_ids = {interactiveai.create_trace_id() for _ in range(100)}
    assert len(random_ids) == 100
    assert all(len(i) == 32 and i == i.lower() for i in random_ids)


def test_exception_in_block_is_recorded_and_reraised(interactiveai_capture: Capture) -> None:
    error = ValueError("order not found")
    with pytest.raises(ValueError) as raised, interactiveai.start_as_current_observation(name="x"):
        raise error
    assert raised.value is error

    [span] = interactiveai_capture.spans()
    assert span.attributes is not None
    assert span.attributes["interactiveai.observation.level"] == "ERROR"
    assert span.attributes["interactiveai.observation.status_message"] == "order not found"
    assert span.status.status_code is StatusCode.ERROR
    assert [e.name for e in span.events] == ["exception"]


def test_end_on_exit_false_leaves_the_observation_open(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="stream", end_on_exit=False) as span:
        pass
    assert interactiveai_capture.spans() == []
    span.end()
    assert [s.name for s in interactiveai_capture.spans()] == ["stream"]


def test_update_current_span_and_generation(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="llm", as_type="generation"):
        interactiveai.update_current_generation(
            name="renamed", model="m", usage_details={"input": 1}
        )
        interactiveai.update_current_span(output="ok")

    [captured] = interactiveai_capture.observations()
    assert captured.name == "renamed"
    assert captured.attributes == {
        TYPE: "generation",
        "interactiveai.observation.model.name": "m",
        "interactiveai.observation.usage_details": '{"input":1}',
        "interactiveai.observation.output": '"ok"',
    }


def test_current_calls_outside_an_observation_warn_and_do_nothing(
    interactiveai_capture: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    interactiveai.update_current_trace(session_id="s")
    interactiveai.update_current_span(output=1)
    interactiveai.score_current_trace(name="n", value=1)

    assert interactiveai_capture.observations() == []
    assert interactiveai_capture.scores() == []
    assert "update_current_trace() called outside any observation" in caplog.text


def test_level_error_sets_status_and_bad_level_is_ignored(
    interactiveai_capture: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    with interactiveai.start_as_current_observation(name="x") as span:
        span.update(level="LOUD")  # type: ignore[arg-type]
        span.update(level="ERROR", status_message="bad")

    [captured] = interactiveai_capture.spans()
    assert captured.status.status_code is StatusCode.ERROR
    assert captured.attributes is not None
    assert captured.attributes["interactiveai.observation.level"] == "ERROR"
    assert "level 'LOUD' ignored" in caplog.text


def test_set_trace_as_public(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="x") as span:
        span.set_trace_as_public()
    with interactiveai.start_as_current_observation(name="y"):
        interactiveai.set_current_trace_as_public()

    for observation in interactiveai_capture.observations():
        assert observation.attributes["interactiveai.trace.public"] is True


def test_mask_applies_to_inputs_and_outputs_and_fails_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exporter = InMemorySpanExporter()

    def mask(*, data: Any) -> Any:
        if data == "boom":
            raise RuntimeError("mask bug")
        return "***" if isinstance(data, str) and "@" in data else data

    client = InteractiveAI(span_exporter=exporter, mask=mask)
    with client.start_as_current_observation(name="x", input="me@example.com") as span:
        span.update(output="fine")
        span.update_trace(input="boom")
    client.flush()

    [span_data] = exporter.get_finished_spans()
    assert span_data.attributes is not None
    assert span_data.attributes["interactiveai.observation.input"] == '"***"'
    assert span_data.attributes["interactiveai.observation.output"] == '"fine"'
    assert (
        span_data.attributes["interactiveai.trace.input"]
        == '"<fully masked: the mask function failed>"'
    )
    assert "the mask function raised" in caplog.text


def test_environment_and_release_ride_on_every_observation() -> None:
    exporter = InMemorySpanExporter()
    client = InteractiveAI(span_exporter=exporter, environment="staging", release="r-7")
    with client.start_as_current_observation(name="a"):
        client.start_observation(name="b", as_type="tool").end()
    client.flush()

    for span in exporter.get_finished_spans():
        assert span.attributes is not None
        assert span.attributes["interactiveai.environment"] == "staging"
        assert span.attributes["interactiveai.release"] == "r-7"


def test_get_client_returns_the_capture_client(interactiveai_capture: Capture) -> None:
    assert interactiveai.get_client() is interactiveai_capture.client


def test_observation_repr_names_its_ids(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_observation(name="x") as span:
        assert repr(span) == f"<Observation span id={span.id} trace_id={span.trace_id}>"


def test_warnings_logged_at_warning_level(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="interactiveai")
    client = InteractiveAI(span_exporter=InMemorySpanExporter())
    with client.start_as_current_observation(name="x") as span:
        span.update_trace(session_id="é")
    assert [r.levelname for r in caplog.records] == ["WARNING"]


def test_update_current_span_on_another_instrumentations_span(
    interactiveai_capture: Capture,
) -> None:
    tracer = interactiveai_capture.client._tracer  # the same provider, as an instrumentation's
    with tracer.start_as_current_span("http GET"):
        interactiveai.update_current_span(output={"status": 200})
        interactiveai.update_current_trace(user_id="user-a")

    [captured] = interactiveai_capture.observations()
    assert captured.attributes == {
        "interactiveai.observation.output": '{"status":200}',
        "interactiveai.user.id": "user-a",
    }


def test_langfuse_v3_names(interactiveai_capture: Capture) -> None:
    with interactiveai.start_as_current_span(name="root") as root:
        with root.start_as_current_generation(name="llm", model="m") as generation:
            generation.start_span(name="inner").end()
        interactiveai.start_generation(name="g2").end()
        with interactiveai.get_client().start_as_current_generation(name="g3"):
            pass
        root.start_generation(name="g4").end()

    by_name = {o.name: o for o in interactiveai_capture.observations()}
    assert {name: o.type for name, o in by_name.items()} == {
        "root": "span",
        "llm": "generation",
        "inner": "span",
        "g2": "generation",
        "g3": "generation",
        "g4": "generation",
    }
    assert by_name["inner"].parent_id == by_name["llm"].id
    assert by_name["llm"].attributes["interactiveai.observation.model.name"] == "m"


def test_a_malformed_trace_context_never_raises(interactiveai_capture: Capture) -> None:
    interactiveai.start_observation(name="x", trace_context="abc").end()  # type: ignore[arg-type]
    assert [o.name for o in interactiveai_capture.observations()] == ["x"]
