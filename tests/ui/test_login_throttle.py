"""Failed-login throttling: the counting rules, then a real server refusing a guesser."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from interactiveai.server.ui.throttle import LoginThrottle
from tests.support.server import LiveServer, start_server
from tests.ui.conftest import csrf_token

PASSWORD = "correct horse battery staple"


class Clock:
    """A settable clock: the window is 15 minutes, which a test should not wait out."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_per_key_slides_with_the_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, window=60, clock=clock)
    for _ in range(3):
        assert throttle.retry_after(["client:a"]) is None
        throttle.failed(["client:a", "email:x"])
        clock.now += 10
    # Three failures in the window: both keys are over, for as long as the oldest stays in it.
    assert throttle.retry_after(["client:a"]) == 30
    assert throttle.retry_after(["client:b", "email:x"]) == 30
    assert throttle.retry_after(["client:b", "email:y"]) is None
    clock.now += 30
    assert throttle.retry_after(["client:a", "email:x"]) is None  # the oldest left the window


def test_success_forgets_the_email_not_the_client() -> None:
    throttle = LoginThrottle(2, window=60, clock=Clock())
    throttle.failed(["client:a", "email:x"])
    throttle.failed(["client:a", "email:x"])
    throttle.succeeded("email:x")
    assert throttle.retry_after(["email:x"]) is None
    assert throttle.retry_after(["client:a"]) is not None


def test_zero_turns_the_limit_off() -> None:
    throttle = LoginThrottle(0, clock=Clock())
    for _ in range(100):
        throttle.failed(["client:a"])
    assert throttle.retry_after(["client:a"]) is None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("throttle") / "ia.db"
    srv = start_server(
        f"sqlite:///{path}",
        {
            "INTERACTIVEAI_LOGIN_MAX_FAILURES": "3",
            "INTERACTIVEAI_INIT_USER_EMAIL": "owner@example.com",
            "INTERACTIVEAI_INIT_USER_PASSWORD": PASSWORD,
        },
    )
    yield srv
    srv.stop()


def _login(c: httpx.Client, email: str, password: str) -> httpx.Response:
    data = {"csrf_token": csrf_token(c.get("/login").text), "email": email, "password": password}
    return c.post("/login", data=data)


def test_a_guesser_is_refused_with_429_then_even_the_right_password_waits(
    server: LiveServer,
) -> None:
    with httpx.Client(base_url=server.url) as first:
        assert _login(first, "owner@example.com", PASSWORD).status_code == 303
    with httpx.Client(base_url=server.url) as c:
        for _ in range(3):
            assert _login(c, "owner@example.com", "guess").status_code == 401
        refused = _login(c, "owner@example.com", PASSWORD)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
        assert "Too many failed logins. Try again in 15 minutes." in refused.text
        # The same client guessing another account is refused too.
        assert _login(c, "someone@example.com", "guess").status_code == 429
