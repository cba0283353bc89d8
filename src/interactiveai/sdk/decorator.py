"""@observe: an observation around every call of a function (sync, async, generator, async generator)."""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
import types
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from opentelemetry import trace

from interactiveai.sdk.observation import Observation, detach
from interactiveai.sdk.registry import get_client, inert_client
from interactiveai.sdk.span_attributes import ObservationFields, ObservationType
from interactiveai.sdk.streams import TracedAsyncGenerator, TracedGenerator, Transform
from interactiveai.sdk.trace_ids import TraceContext, remote_parent

logger = logging.getLogger("interactiveai")

F = TypeVar("F", bound=Callable[..., Any])

# Keyword arguments a caller may add to any observed call; removed before the call.
TRACE_ID_KWARG = "interactiveai_trace_id"
PARENT_ID_KWARG = "interactiveai_parent_observation_id"
PUBLIC_KEY_KWARG = "interactiveai_public_key"


class _Target:
    """What observe() learned about the function once, at decoration time."""

    __slots__ = (
        "as_type",
        "capture_input",
        "capture_output",
        "name",
        "params",
        "skip_first",
        "transform",
        "varargs",
    )

    def __init__(
        self,
        func: Callable[..., Any],
        name: str | None,
        as_type: ObservationType | None,
        capture_input: bool | None,
        capture_output: bool | None,
        transform: Transform | None,
    ) -> None:
        self.name: str = name or getattr(func, "__name__", None) or "observation"
        if as_type == "event":
            logger.warning("InteractiveAI: observe(as_type='event') has a duration; using span")
            as_type = None
        self.as_type: str = as_type or "span"
        self.capture_input = capture_input
        self.capture_output = capture_output
        self.transform = transform
        self.params: tuple[str, ...] | None = None
        self.varargs = "args"
        self.skip_first = False
        try:
            parameters = list(inspect.signature(func).parameters.values())
        except (TypeError, ValueError):
            return
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        self.params = tuple(p.name for p in parameters if p.kind in positional)
        self.varargs = next(
            (p.name for p in parameters if p.kind is inspect.Parameter.VAR_POSITIONAL), "args"
        )
        # Methods: the instance or class is not part of the input worth recording.
        self.skip_first = bool(self.params) and self.params[0] in ("self", "cls")

    def input_of(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The call's arguments by parameter name, `self`/`cls` left out."""
        if self.params is None:
            return {"args": list(args), "kwargs": kwargs}
        named = dict(zip(self.params, args, strict=False))
        if self.skip_first:
            named.pop(self.params[0], None)
        if len(args) > len(self.params):
            named[self.varargs] = list(args[len(self.params) :])
        named.update(kwargs)
        return named


def _begin(
    target: _Target, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Observation, object, bool]:
    """Start the call's observation and make it current; returns it, the context token, capture_output."""
    trace_id = parent_id = public_key = None
    if kwargs:  # most calls pass none
        trace_id = kwargs.pop(TRACE_ID_KWARG, None)
        parent_id = kwargs.pop(PARENT_ID_KWARG, None)
        public_key = kwargs.pop(PUBLIC_KEY_KWARG, None)
    try:
        client = get_client(public_key)
        settings = client.settings
        capture_input = (
            settings.capture_io if target.capture_input is None else target.capture_input
        )
        capture_output = (
            settings.capture_io if target.capture_output is None else target.capture_output
        )
        fields: ObservationFields = {}
        if capture_input and client.enabled:
            fields["input"] = target.input_of(args, kwargs)
        parent, as_root = None, False
        if trace_id:
            trace_context: TraceContext = {"trace_id": trace_id}
            if parent_id:
                trace_context["parent_span_id"] = parent_id
            parent, as_root = remote_parent(trace_context)
        observation = client._start(target.name, target.as_type, parent, as_root, fields)
        return observation, observation.make_current(), capture_output
    except Exception:
        logger.exception("InteractiveAI: observe could not start %r", target.name)
        return Observation(trace.INVALID_SPAN, inert_client(), target.as_type), None, False


def _fail(observation: Observation, error: BaseException) -> None:
    observation.record_error(error)
    observation.end()


def _finish(
    target: _Target,
    observation: Observation,
    result: Any,
    capture_output: bool,
    ctx: contextvars.Context | None,
) -> Any:
    """Record the output and end the observation, or hand both to a stream wrapper."""
    try:
        if ctx is not None and inspect.isgenerator(result):
            return TracedGenerator(result, observation, ctx, capture_output, target.transform)
        if ctx is not None and inspect.isasyncgen(result):
            return TracedAsyncGenerator(result, observation, ctx, capture_output, target.transform)
        if capture_output:
            observation.update(output=result)
        observation.end()
    except Exception:
        logger.exception("InteractiveAI: observe could not finish %r", target.name)
    return result


# What inspect.isgenerator()/isasyncgen() test, in one isinstance() on every call's result.
_STREAMS = (types.GeneratorType, types.AsyncGeneratorType)


def _wrap_sync(func: Callable[..., Any], target: _Target) -> Callable[..., Any]:
    @functools.wraps(func)
    def observed(*args: Any, **kwargs: Any) -> Any:
        observation, token, capture_output = _begin(target, args, kwargs)
        try:
            result = func(*args, **kwargs)
        except BaseException as error:
            detach(token)
            _fail(observation, error)
            raise
        # A stream keeps the observation current for its own steps: remember this context.
        ctx = contextvars.copy_context() if isinstance(result, _STREAMS) else None
        detach(token)
        return _finish(target, observation, result, capture_output, ctx)

    return observed


def _wrap_async(func: Callable[..., Any], target: _Target) -> Callable[..., Any]:
    @functools.wraps(func)
    async def observed(*args: Any, **kwargs: Any) -> Any:
        observation, token, capture_output = _begin(target, args, kwargs)
        try:
            result = await func(*args, **kwargs)
        except BaseException as error:
            detach(token)
            _fail(observation, error)
            raise
        ctx = contextvars.copy_context() if isinstance(result, _STREAMS) else None
        detach(token)
        return _finish(target, observation, result, capture_output, ctx)

    return observed


@overload
def observe(func: F) -> F: ...


@overload
def observe(
    func: None = None,
    *,
    name: str | None = None,
    as_type: ObservationType | None = None,
    capture_input: bool | None = None,
    capture_output: bool | None = None,
    transform_to_string: Transform | None = None,
) -> Callable[[F], F]: ...


def observe(
    func: F | None = None,
    *,
    name: str | None = None,
    as_type: ObservationType | None = None,
    capture_input: bool | None = None,
    capture_output: bool | None = None,
    transform_to_string: Transform | None = None,
) -> F | Callable[[F], F]:
    """Decorator: record each call of the function as an observation (bare or with arguments)."""

    def decorate(fn: F) -> F:
        try:
            target = _Target(fn, name, as_type, capture_input, capture_output, transform_to_string)
            if inspect.iscoroutinefunction(fn):
                return cast(F, _wrap_async(fn, target))
            return cast(F, _wrap_sync(fn, target))
        except Exception:
            logger.exception("InteractiveAI: could not observe %r; left as is", fn)
            return fn

    return decorate(func) if func is not None else decorate
