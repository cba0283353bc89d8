"""Failed-login throttling: after too many wrong passwords, the login form rests for a while.

Argon2id already makes each guess cost the server tens of milliseconds; this bounds how many
guesses one client address, or all clients together against one email, get per window. The
counts live in the process (each `serve --workers` process counts its own), which is enough
to turn an online guessing attack from millions of tries a day into a few hundred.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

WINDOW_SECONDS = 15 * 60
_MAX_KEYS = 10_000  # forget the oldest keys past this: memory stays bounded under a spray


class LoginThrottle:
    """Counts failed logins per key (client address, email) in a sliding window."""

    def __init__(
        self,
        max_failures: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Seconds until any of `keys` may try again, or None when none is over the limit."""
        if self.max_failures <= 0:
            return None
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait = max(wait, times[0] + self.window - now)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def failed(self, keys: Iterable[str]) -> None:
        """Record one failed login for each of `keys`."""
        if self.max_failures <= 0:
            return
        now = self._clock()
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times
            while len(self._failures) > _MAX_KEYS:
                del self._failures[next(iter(self._failures))]

    def succeeded(self, key: str) -> None:
        """Forget the failures of `key` (the email that just logged in)."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times
