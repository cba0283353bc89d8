"""The module-level functions of `interactiveai`: each calls the same method on get_client()."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from interactiveai.sdk.client import InteractiveAI
from interactiveai.sdk.registry import get_client
from interactiveai.sdk.trace_ids import create_trace_id

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _on_default_client(method: Callable[Concatenate[InteractiveAI, _P], _R]) -> Callable[_P, _R]:
    """A module-level function that calls `method` on get_client(), chosen at call time."""

    @functools.wraps(method)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        return method(get_client(), *args, **kwargs)

    return call


start_observation = _on_default_client(InteractiveAI.start_observation)
start_as_current_observation = _on_default_client(InteractiveAI.start_as_current_observation)
create_event = _on_default_client(InteractiveAI.create_event)
start_span = _on_default_client(InteractiveAI.start_span)
start_generation = _on_default_client(InteractiveAI.start_generation)
start_as_current_span = _on_default_client(InteractiveAI.start_as_current_span)
start_as_current_generation = _on_default_client(InteractiveAI.start_as_current_generation)
update_current_trace = _on_default_client(InteractiveAI.update_current_trace)
update_current_span = _on_default_client(InteractiveAI.update_current_span)
update_current_generation = _on_default_client(InteractiveAI.update_current_generation)
set_current_trace_as_public = _on_default_client(InteractiveAI.set_current_trace_as_public)
create_score = _on_default_client(InteractiveAI.create_score)
score_current_trace = _on_default_client(InteractiveAI.score_current_trace)
score_current_span = _on_default_client(InteractiveAI.score_current_span)
get_current_trace_id = _on_default_client(InteractiveAI.get_current_trace_id)
get_current_observation_id = _on_default_client(InteractiveAI.get_current_observation_id)
get_trace_url = _on_default_client(InteractiveAI.get_trace_url)
auth_check = _on_default_client(InteractiveAI.auth_check)
flush = _on_default_client(InteractiveAI.flush)
shutdown = _on_default_client(InteractiveAI.shutdown)

__all__ = [
    "auth_check",
    "create_event",
    "create_score",
    "create_trace_id",
    "flush",
    "get_current_observation_id",
    "get_current_trace_id",
    "get_trace_url",
    "score_current_span",
    "score_current_trace",
    "set_current_trace_as_public",
    "shutdown",
    "start_as_current_generation",
    "start_as_current_observation",
    "start_as_current_span",
    "start_generation",
    "start_observation",
    "start_span",
    "update_current_generation",
    "update_current_span",
    "update_current_trace",
]
