"""@observe on sync and async functions, generators, async generators and methods."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from opentelemetry.trace import StatusCode

import interactiveai
from interactiveai import observe
from interactiveai.testing import Capture

INPUT = "interactiveai.observation.input"
OUTPUT = "interactiveai.observation.output"
TYPE = "interactiveai.observation.type"


def test_bare_decorator_records_input_by_name_and_output(interactiveai_capture: Capture) -> None:
    @observe
    def add(a: int, b: int = 0, *rest: int, **options: Any) -> int:
        return a + b + sum(rest)

    assert add(1, 2, 3, 4, flag=True) == 10

    [captured] = interactiveai_capture.observations()
    assert captured.name == "add"
    assert captured.attributes == {
        TYPE: "span",
        INPUT: '{"a":1,"b":2,"rest":[3,4],"flag":true}',
        OUTPUT: "10",
    }


def test_arguments_name_type_and_capture_flags(interactiveai_capture: Capture) -> None:
    @observe(name="retrieve", as_type="retriever", capture_input=False)
    def search(query: str) -> list[str]:
        return ["doc-1"]

    @observe(as_type="tool", capture_output=False)
    def lookup(order: str) -> str:
        return "secret"

    search("where is my order")
    lookup("12345")

    retrieve, tool = interactiveai_capture.observations()
    assert (retrieve.name, retrieve.attributes) == (
        "retrieve",
        {TYPE: "retriever", OUTPUT: '["doc-1"]'},
    )
    assert (tool.name, tool.attributes) == ("lookup", {TYPE: "tool", INPUT: '{"order":"12345"}'})


def test_capture_io_setting_turns_capture_off_by_default(
    interactiveai_capture: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        interactiveai_capture.client,
        "settings",
        interactiveai_capture.client.settings.__class__(
            **{**_as_dict(interactiveai_capture.client.settings), "capture_io": False}
        ),
    )

    @observe
    def quiet(x: int) -> int:
        return x

    @observe(capture_input=True)
    def loud(x: int) -> int:
        return x

    quiet(1)
    loud(2)
    first, second = interactiveai_capture.observations()
    assert first.attributes == {TYPE: "span"}
    assert second.attributes == {TYPE: "span", INPUT: '{"x":2}'}


def _as_dict(settings: Any) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in settings.__slots__}


def test_methods_leave_self_out_of_the_input(interactiveai_capture: Capture) -> None:
    class Bot:
        @observe
        def reply(self, message: str) -> str:
            return message.upper()

        @classmethod
        @observe
        def make(cls, name: str) -> str:
            return name

    assert Bot().reply("hi") == "HI"
    Bot.make("b")
    reply, make = interactiveai_capture.observations()
    assert reply.attributes[INPUT] == '{"message":"hi"}'
    assert make.attributes[INPUT] == '{"name":"b"}'


def test_nested_calls_nest_observations(interactiveai_capture: Capture) -> None:
    @observe
    def outer() -> str:
        return inner()

    @observe(as_type="generation")
    def inner() -> str:
        return "x"

    outer()
    parent, child = interactiveai_capture.observations()
    assert child.parent_id == parent.id and child.trace_id == parent.trace_id


def test_exception_is_recorded_and_reraised_unchanged(interactiveai_capture: Capture) -> None:
    error = KeyError("missing")

    @observe
    def fails() -> None:
        raise error

    with pytest.raises(KeyError) as raised:
        fails()
    assert raised.value is error
    # The traceback still points at the user's raise, through our wrapper.
    assert "raise error" in "".join(traceback.format_tb(raised.value.__traceback__))

    [span] = interactiveai_capture.spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["interactiveai.observation.level"] == "ERROR"
    assert span.attributes["interactiveai.observation.status_message"] == "'missing'"
    assert OUTPUT not in span.attributes


def test_return_value_and_signature_metadata_are_kept(interactiveai_capture: Capture) -> None:
    sentinel = object()

    @observe
    def documented(x: object) -> object:
        """Docstring kept."""
        return x

    assert documented(sentinel) is sentinel
    assert documented.__name__ == "documented"
    assert documented.__doc__ == "Docstring kept."


def test_async_function(interactiveai_capture: Capture) -> None:
    @observe(as_type="agent")
    async def plan(goal: str) -> str:
        await asyncio.sleep(0)
        return await act(goal)

    @observe(as_type="tool")
    async def act(goal: str) -> str:
        return f"did {goal}"

    assert asyncio.run(plan("ship")) == "did ship"
    agent, tool = interactiveai_capture.observations()
    assert agent.attributes == {TYPE: "agent", INPUT: '{"goal":"ship"}', OUTPUT: '"did ship"'}
    assert tool.parent_id == agent.id


def test_async_exception_is_recorded_and_reraised(interactiveai_capture: Capture) -> None:
    @observe
    async def fails() -> None:
        raise RuntimeError("async boom")

    with pytest.raises(RuntimeError, match="async boom"):
        asyncio.run(fails())
    [span] = interactiveai_capture.spans()
    assert span.status.status_code is StatusCode.ERROR


def test_concurrent_async_calls_keep_their_own_parents(interactiveai_capture: Capture) -> None:
    @observe
    async def turn(n: int) -> int:
        await asyncio.sleep(0.001 * (3 - n))
        return await step(n)

    @observe
    async def step(n: int) -> int:
        await asyncio.sleep(0)
        return n

    async def main() -> list[int]:
        return await asyncio.gather(*(turn(n) for n in range(3)))

    assert asyncio.run(main()) == [0, 1, 2]
    observations = interactiveai_capture.observations()
    turns = {o.id: o for o in observations if o.name == "turn"}
    for step_obs in (o for o in observations if o.name == "step"):
        parent = turns[step_obs.parent_id or ""]
        assert parent.attributes[INPUT] == step_obs.attributes[INPUT]


def test_generator_observation_lasts_until_exhausted(interactiveai_capture: Capture) -> None:
    @observe(as_type="generation")
    def stream(prompt: str) -> Iterator[str]:
        for word in ("Hello", ", ", "world"):
            with interactiveai.start_as_current_observation(name="chunk"):
                pass
            yield word

    chunks = stream("hi")
    assert interactiveai.get_current_observation_id() is None  # the consumer's context is untouched
    assert interactiveai_capture.spans() == []
    assert list(chunks) == ["Hello", ", ", "world"]

    generation, *children = interactiveai_capture.observations()
    assert generation.attributes == {
        TYPE: "generation",
        INPUT: '{"prompt":"hi"}',
        OUTPUT: '"Hello, world"',
    }
    assert [c.parent_id for c in children] == [generation.id] * 3


def test_generator_send_close_and_transform(interactiveai_capture: Capture) -> None:
    @observe(transform_to_string=lambda items: "|".join(map(str, items)))
    def echo() -> Iterator[int]:
        received = 0
        while True:
            received = yield received + 1

    gen = echo()
    assert next(gen) == 1
    assert gen.send(41) == 42
    gen.close()

    [captured] = interactiveai_capture.observations()
    assert captured.attributes[OUTPUT] == '"1|42"'


def test_generator_failure_mid_stream(interactiveai_capture: Capture) -> None:
    @observe
    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("stream broke")

    with pytest.raises(ValueError, match="stream broke"):
        list(broken())
    [span] = interactiveai_capture.spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes[OUTPUT] == "[1]"


def test_async_generator(interactiveai_capture: Capture) -> None:
    @observe(as_type="generation")
    async def stream(n: int) -> AsyncIterator[str]:
        for i in range(n):
            await asyncio.sleep(0)
            with interactiveai.start_as_current_observation(name="token"):
                yield str(i)

    async def consume() -> list[str]:
        items = []
        async for item in stream(3):
            assert interactiveai.get_current_observation_id() is None
            items.append(item)
        return items

    assert asyncio.run(consume()) == ["0", "1", "2"]
    generation, *tokens = interactiveai_capture.observations()
    assert generation.attributes[OUTPUT] == '"012"'
    assert [t.parent_id for t in tokens] == [generation.id] * 3


def test_async_generator_failure_and_aclose(interactiveai_capture: Capture) -> None:
    @observe
    async def broken() -> AsyncIterator[int]:
        yield 1
        raise ValueError("async stream broke")

    @observe
    async def endless() -> AsyncIterator[int]:
        while True:
            yield 0

    async def main() -> None:
        with pytest.raises(ValueError, match="async stream broke"):
            async for _ in broken():
                pass
        gen = endless()
        await gen.__anext__()
        await gen.aclose()  # type: ignore[attr-defined]

    asyncio.run(main())
    failed, closed = sorted(interactiveai_capture.spans(), key=lambda s: s.name)
    assert failed.status.status_code is StatusCode.ERROR
    assert closed.status.status_code is StatusCode.UNSET
    assert closed.end_time is not None


def test_call_time_trace_id_and_parent(interactiveai_capture: Capture) -> None:
    @observe
    def handler() -> None:
        pass

    trace_id = interactiveai.create_trace_id(seed="request-1")
    handler(interactiveai_trace_id=trace_id)  # type: ignore[call-arg]
    handler(  # type: ignore[call-arg]
        interactiveai_trace_id=trace_id, interactiveai_parent_observation_id="00000000000000aa"
    )

    first, second = interactiveai_capture.observations()
    assert first.trace_id == second.trace_id == trace_id
    assert first.attributes["interactiveai.internal.as_root"] is True
    assert second.parent_id == "00000000000000aa"
    assert INPUT in first.attributes and "interactiveai_trace_id" not in first.attributes[INPUT]


def test_observe_without_any_client_configuration_runs_the_function(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @observe
    def plain(x: int) -> int:
        return x * 2

    assert plain(4) == 8
    assert "the SDK is disabled" in caplog.text
