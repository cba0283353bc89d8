"""Which client the module-level functions and @observe use: get_client() and its bookkeeping.

Every client registers itself when built and leaves at shutdown(). With exactly one
enabled client, that one is the default. With none, one is built from the environment. With
several, a call must name its project (`public_key`); otherwise it gets a disabled client
and one warning, rather than sending data to a project chosen by accident. The testing
plugin can put one client in front of all of them for the length of a test.
"""

from __future__ import annotations

import atexit
import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from interactiveai.sdk.client import InteractiveAI

logger = logging.getLogger("interactiveai")

_lock = threading.RLock()
_clients: dict[str, InteractiveAI] = {}
_default: InteractiveAI | None = None
_override: InteractiveAI | None = None
_fallback: InteractiveAI | None = None


def _key(client: InteractiveAI) -> str:
    return client.settings.public_key or ""


def _recompute_default() -> None:
    # Disabled clients (no keys, tracing off) step aside for an enabled one: a keyless
    # get_client() made at import time must not make a later, configured client ambiguous.
    global _default
    enabled = [c for c in _clients.values() if c.enabled]
    if len(enabled) == 1:
        _default = enabled[0]
    elif not enabled and _clients:
        _default = list(_clients.values())[-1]
    else:
        _default = None


def register(client: InteractiveAI) -> None:
    """Record a new client; a newer client with the same public key takes the older one's place."""
    with _lock:
        _clients[_key(client)] = client
        _recompute_default()


def unregister(client: InteractiveAI) -> None:
    """Forget a client (at its shutdown)."""
    global _override
    with _lock:
        if _clients.get(_key(client)) is client:
            del _clients[_key(client)]
        if _override is client:
            _override = None
        _recompute_default()


def set_override(client: InteractiveAI | None) -> InteractiveAI | None:
    """Make `client` answer every get_client() call (None to stop); returns the previous one."""
    global _override
    with _lock:
        previous, _override = _override, client
        return previous


def get_client(public_key: str | None = None) -> InteractiveAI:
    """The client for `public_key`, or the only client, or a new one configured from the environment."""
    override = _override
    if override is not None:
        return override
    if public_key is None and _default is not None:
        return _default  # the common case, without taking the lock
    from interactiveai.sdk.client import InteractiveAI

    with _lock:
        if public_key is not None:
            found = _clients.get(public_key)
            return found if found is not None else InteractiveAI(public_key=public_key)
        if _default is not None:
            return _default
        if not _clients:
            return InteractiveAI()
        return _disabled_fallback()


_warned_ambiguous = False


def _disabled_fallback() -> InteractiveAI:
    global _warned_ambiguous
    if not _warned_ambiguous:
        _warned_ambiguous = True
        logger.warning(
            "InteractiveAI: %d clients exist and no public_key was given; such calls are not "
            "traced. Pass public_key (observe: interactiveai_public_key=...) to choose one.",
            len(_clients),
        )
    return inert_client()


def inert_client() -> InteractiveAI:
    """A disabled client that belongs to no one: the stand-in when nothing else will do."""
    global _fallback
    with _lock:
        if _fallback is None:
            from interactiveai.sdk.client import InteractiveAI

            fallback = InteractiveAI(tracing_enabled=False)
            unregister(fallback)
            _fallback = fallback
        return _fallback


@atexit.register
def _shutdown_all() -> None:
    """At exit, send what is still queued."""
    with _lock:
        clients = list(_clients.values())
        if _override is not None:
            clients.append(_override)
    for client in clients:
        client.shutdown()
