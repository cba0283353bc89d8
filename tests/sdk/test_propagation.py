"""propagate_attributes: nested observations, asyncio tasks, threads (what does and does not
propagate), nesting of blocks, invalid ids, and W3C baggage across a process boundary."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from opentelemetry import baggage, context
from opentelemetry.baggage.propagation import W3CBaggagePropagator

import interactiveai
from interactiveai import observe, propagate_attributes
from interactiveai.testing import Capture

SESSION = "interactiveai.session.id"
USER = "interactiveai.user.id"
TAGS = "interactiveai.trace.tags"
META = "interactiveai.trace.metadata"
TYPE = "interactiveai.observation.type"


def test_every_span_inside_gets_the_fields_and_the_current_one_too(
    interactiveai_capture: Capture,
) -> None:
    with interactiveai.start_as_current_observation(name="root"):
        with propagate_attributes(
            session_id="ticket-2611",
            user_id="user-a",
            tags=["support"],
            metadata={"region": "eu"},
            version="3",
            trace_name="support-turn",
            environment="staging",
        ):
            with interactiveai.start_as_current_observation(name="child"):
                interactiveai.start_observation(name="grandchild", as_type="tool").end()
        interactiveai.start_observation(name="after").end()

    fields = {
        SESSION: "ticket-2611",
        USER: "user-a",
        TAGS: ("support",),
        META: '{"region":"eu"}',
        "interactiveai.version": "3",
        "interactiveai.trace.name": "support-turn",
        "interactiveai.environment": "staging",
    }
    by_name = {o.name: o for o in interactiveai_capture.observations()}
    assert by_name["root"].attributes == {TYPE: "span", **fields}
    assert by_name["child"].attributes == {TYPE: "span", **fields}
    assert by_name["grandchild"].attributes == {TYPE: "tool", **fields}
    assert by_name["after"].attributes == {TYPE: "span"}


def test_nested_blocks_merge(interactiveai_capture: Capture) -> None:
    with propagate_attributes(user_id="user-a", tags=["a"], metadata={"x": 1}):
        with propagate_attributes(user_id="user-b", tags=["b"], metadata={"y": 2}):
            interactiveai.start_observation(name="inner").end()
        interactiveai.start_observation(name="outer").end()

    inner, outer = interactiveai_capture.observations()
    assert inner.attributes == {
        TYPE: "span",
        USER: "user-b",
        TAGS: ("a", "b"),
        META: '{"x":1,"y":2}',
    }
    assert outer.attributes == {TYPE: "span", USER: "user-a", TAGS: ("a",), META: '{"x":1}'}


def test_explicit_update_trace_wins_and_unions_with_propagated(
    interactiveai_capture: Capture,
) -> None:
    with propagate_attributes(session_id="s-1", tags=["p"], metadata={"a": 1}):
        with interactiveai.start_as_current_observation(name="x") as span:
            span.update_trace(session_id="s-2", tags=["q"], metadata={"b": 2})

    [captured] = interactiveai_capture.observations()
    assert captured.attributes[SESSION] == "s-2"
    assert captured.attributes[TAGS] == ("p", "q")
    assert captured.attributes[META] == '{"a":1,"b":2}'


def test_invalid_session_id_is_dropped_with_a_reason(
    interactiveai_capture: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    with propagate_attributes(session_id="x" * 200, user_id="user-a"):
        interactiveai.start_observation(name="x").end()

    [captured] = interactiveai_capture.observations()
    assert captured.attributes == {TYPE: "span", USER: "user-a"}
    assert "session id dropped (session id is 200 characters long; it must be less than 200)" in (
        caplog.text
    )


def test_decorated_functions_inside(interactiveai_capture: Capture) -> None:
    @observe
    def turn() -> None:
        answer()

    @observe(as_type="generation")
    def answer() -> None:
        pass

    with propagate_attributes(session_id="ticket-2611"):
        turn()

    assert [o.attributes[SESSION] for o in interactiveai_capture.observations()] == [
        "ticket-2611"
    ] * 2


def test_asyncio_tasks_created_inside_inherit(interactiveai_capture: Capture) -> None:
    @observe
    async def work(n: int) -> None:
        await asyncio.sleep(0)

    async def main() -> None:
        async with propagate_attributes(session_id="async-session"):
            await asyncio.gather(*(asyncio.create_task(work(n)) for n in range(3)))
        await work(99)

    asyncio.run(main())
    observations = interactiveai_capture.observations()
    assert [o.attributes.get(SESSION) for o in observations] == ["async-session"] * 3 + [None]


def test_plain_threads_do_not_inherit(interactiveai_capture: Capture) -> None:
    """Documented: a new thread starts with an empty context, so neither fields nor parent."""

    def in_thread() -> None:
        interactiveai.start_observation(name="thread-work").end()

    with (
        interactiveai.start_as_current_observation(name="root"),
        propagate_attributes(session_id="s-1"),
    ):
        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join()

    by_name = {o.name: o for o in interactiveai_capture.observations()}
    assert SESSION not in by_name["thread-work"].attributes
    assert by_name["thread-work"].trace_id != by_name["root"].trace_id


def test_threads_given_the_context_inherit_fields_and_parent(
    interactiveai_capture: Capture,
) -> None:
    """Documented: run the thread's work in contextvars.copy_context() and all propagates."""

    def in_thread(name: str) -> None:
        interactiveai.start_observation(name=name).end()

    with (
        interactiveai.start_as_current_observation(name="root"),
        propagate_attributes(session_id="s-1"),
    ):
        ctx = contextvars.copy_context()
        thread = threading.Thread(target=ctx.run, args=(in_thread, "thread"))
        thread.start()
        thread.join()
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(contextvars.copy_context().run, in_thread, f"pool-{i}")
                for i in range(2)
            ]
            for future in futures:
                future.result()

    observations = interactiveai_capture.observations()
    root = next(o for o in observations if o.name == "root")
    for observation in observations:
        assert observation.attributes[SESSION] == "s-1"
        assert observation.trace_id == root.trace_id
        if observation is not root:
            assert observation.parent_id == root.id


def test_baggage_carries_the_fields_to_another_service(interactiveai_capture: Capture) -> None:
    carrier: dict[str, str] = {}
    with propagate_attributes(
        session_id="ticket 2611",
        user_id="user-a",
        tags=["a,b", "c"],
        metadata={"k": "v"},
        as_baggage=True,
    ):
        assert baggage.get_baggage("interactiveai_session_id") == "ticket%202611"
        W3CBaggagePropagator().inject(carrier)

    # The other service: its HTTP instrumentation extracts baggage into the context.
    token = context.attach(W3CBaggagePropagator().extract(carrier))
    try:
        interactiveai.start_observation(name="downstream").end()
    finally:
        context.detach(token)

    [captured] = interactiveai_capture.observations()
    assert captured.attributes == {
        TYPE: "span",
        SESSION: "ticket 2611",
        USER: "user-a",
        TAGS: ("a,b", "c"),
        META: '{"k":"v"}',
    }


def test_without_as_baggage_nothing_leaves_the_process(interactiveai_capture: Capture) -> None:
    with propagate_attributes(session_id="s"):
        assert baggage.get_all() == {}


def test_block_opened_inside_an_observation_merges_with_what_it_holds(
    interactiveai_capture: Capture,
) -> None:
    with interactiveai.start_as_current_observation(name="turn") as span:
        span.update_trace(tags=["mine"], metadata={"a": 1})
        with propagate_attributes(tags=["propagated"], metadata={"b": 2}):
            pass

    [captured] = interactiveai_capture.observations()
    assert captured.attributes[TAGS] == ("mine", "propagated")
    assert captured.attributes[META] == '{"a":1,"b":2}'
