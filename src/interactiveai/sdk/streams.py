"""Generators returned by observed functions: the observation lasts until the stream ends.

Each step of the wrapped generator runs in the context captured when the function
returned, so observations it starts nest under its own; the consumer's context is left
alone between steps. The observation ends when the stream is exhausted, fails, is
closed, or is garbage collected; its output is the items yielded (joined when all are
strings, or passed through `transform_to_string`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterable
from typing import Any

from interactiveai.sdk.observation import Observation

logger = logging.getLogger("interactiveai")

Transform = Callable[[Iterable[Any]], str]


class _Stream:
    """What both wrappers share: the observation, the captured items, finishing once."""

    def __init__(
        self,
        observation: Observation,
        ctx: contextvars.Context,
        capture_output: bool,
        transform: Transform | None,
    ) -> None:
        self._observation = observation
        self._ctx = ctx
        self._capture = capture_output
        self._transform = transform
        self._items: list[Any] = []
        self._done = False

    def _output(self) -> Any:
        if self._transform is not None:
            try:
                return self._transform(self._items)
            except Exception:
                logger.exception("InteractiveAI: transform_to_string raised; keeping the items")
        if self._items and all(isinstance(item, str) for item in self._items):
            return "".join(self._items)
        return self._items

    def _finish(self, error: BaseException | None) -> None:
        if self._done:
            return
        self._done = True
        observation = self._observation
        if self._capture:
            observation.update(output=self._output())
        if error is not None:
            observation.record_error(error)
        observation.end()

    def __del__(self) -> None:
        # Nothing may escape a finalizer.
        with contextlib.suppress(Exception):
            self._finish(None)


class TracedGenerator(_Stream):
    """A sync generator whose observation ends with the stream."""

    def __init__(
        self,
        generator: Generator[Any, Any, Any],
        observation: Observation,
        ctx: contextvars.Context,
        capture_output: bool,
        transform: Transform | None,
    ) -> None:
        super().__init__(observation, ctx, capture_output, transform)
        self._generator = generator

    def __iter__(self) -> TracedGenerator:
        return self

    def __next__(self) -> Any:
        return self._step(self._generator.send, None)

    def send(self, value: Any) -> Any:
        """Forward `send` to the wrapped generator."""
        return self._step(self._generator.send, value)

    def throw(self, *args: Any) -> Any:
        """Forward `throw` to the wrapped generator."""
        return self._step(self._generator.throw, *args)

    def close(self) -> None:
        """Close the wrapped generator and end the observation."""
        try:
            self._ctx.run(self._generator.close)
        except BaseException as error:
            self._finish(error)
            raise
        self._finish(None)

    def _step(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            item = self._ctx.run(method, *args)
        except StopIteration:
            self._finish(None)
            raise
        except BaseException as error:
            self._finish(error)
            raise
        if self._capture:
            self._items.append(item)
        return item


class TracedAsyncGenerator(_Stream):
    """An async generator whose observation ends with the stream."""

    def __init__(
        self,
        generator: AsyncGenerator[Any, Any],
        observation: Observation,
        ctx: contextvars.Context,
        capture_output: bool,
        transform: Transform | None,
    ) -> None:
        super().__init__(observation, ctx, capture_output, transform)
        self._generator = generator

    def __aiter__(self) -> TracedAsyncGenerator:
        return self

    async def __anext__(self) -> Any:
        return await self._step(self._generator.__anext__())

    async def asend(self, value: Any) -> Any:
        """Forward `asend` to the wrapped generator."""
        return await self._step(self._generator.asend(value))

    async def athrow(self, *args: Any) -> Any:
        """Forward `athrow` to the wrapped generator."""
        return await self._step(self._generator.athrow(*args))

    async def aclose(self) -> None:
        """Close the wrapped generator and end the observation."""
        try:
            await self._in_context(self._generator.aclose())
        except BaseException as error:
            self._finish(error)
            raise
        self._finish(None)

    async def _in_context(self, step: Awaitable[Any]) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return await step  # not asyncio (trio...): run in the caller's context
        # A task is the only way to run one step of a coroutine in another context.
        return await asyncio.create_task(step, context=self._ctx)  # type: ignore[arg-type]

    async def _step(self, step: Awaitable[Any]) -> Any:
        try:
            item = await self._in_context(step)
        except StopAsyncIteration:
            self._finish(None)
            raise
        except BaseException as error:
            self._finish(error)
            raise
        if self._capture:
            self._items.append(item)
        return item
