"""Accounts on both databases: passwords, one-time links, browser sessions, the first owner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from interactiveai.server.bootstrap import ensure_owner, prepare_database
from interactiveai.server.settings import Settings
from interactiveai.server.store import accounts
from interactiveai.server.store.schema import auth_tokens, users


def test_passwords_are_argon2_and_verified(engine: Engine) -> None:
    with engine.begin() as conn:
        user = accounts.create_user(conn, " Ana@Example.com ", password="long enough")
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
        assert stored.startswith("$argon2id$") and "long enough" not in stored
        assert user.email == "ana@example.com"
        assert accounts.authenticate(conn, "ANA@example.com", "long enough") == user
        assert accounts.authenticate(conn, "ana@example.com", "wrong one!") is None
        assert accounts.authenticate(conn, "nobody@example.com", "long enough") is None
        with pytest.raises(accounts.AccountError, match="at least 8"):
            accounts.set_password(conn, user.id, "short")
        with pytest.raises(accounts.AccountError, match="already exists"):
            accounts.create_user(conn, "ana@example.com")


def test_login_links_are_single_use_and_expire(engine: Engine) -> None:
    with engine.begin() as conn:
        user = accounts.create_user(conn, "bo@example.com")
        token = accounts.create_login_link_token(conn, user.id, timedelta(hours=1))
        stale = accounts.create_login_link_token(conn, user.id, timedelta(seconds=-1))
        hashes = set(conn.execute(select(auth_tokens.c.token_hash)).scalars())
        assert token not in hashes and accounts.token_hash(token) in hashes
        assert accounts.peek_login_link(conn, token) == user
        assert accounts.consume_login_link(conn, token) == user
        assert accounts.consume_login_link(conn, token) is None
        assert accounts.consume_login_link(conn, stale) is None
        assert accounts.consume_login_link(conn, "made-up") is None


def test_browser_sessions_end_on_logout_and_password_change(engine: Engine) -> None:
    with engine.begin() as conn:
        user = accounts.create_user(conn, "cy@example.com", password="password-1")
        a = accounts.create_browser_session(conn, user.id, timedelta(days=1))
        b = accounts.create_browser_session(conn, user.id, timedelta(days=1))
        old = accounts.create_browser_session(conn, user.id, timedelta(seconds=-1))
        assert accounts.user_for_browser_session(conn, a) == user
        assert accounts.user_for_browser_session(conn, old) is None
        accounts.end_all_browser_sessions(conn, user.id, except_token=a)
        assert accounts.user_for_browser_session(conn, b) is None
        assert accounts.user_for_browser_session(conn, a) == user
        accounts.end_browser_session(conn, a)
        assert accounts.user_for_browser_session(conn, a) is None
        assert accounts.purge_tokens(conn) == 3


def test_first_start_makes_an_owner_and_a_link_until_a_password_is_set(engine: Engine) -> None:
    settings = Settings.from_env(env={}, public_url="https://ia.example.com")
    prepare_database(engine, settings)
    link = ensure_owner(engine, settings)
    assert link is not None and link.startswith("https://ia.example.com/login/link/")
    again = ensure_owner(engine, settings)
    assert again is not None and again != link  # a restart prints a fresh link
    with engine.begin() as conn:
        [owner] = accounts.list_users(conn)
        assert owner.email == "owner@localhost"
        assert len(accounts.user_projects(conn, owner.id)) == 1
        accounts.set_password(conn, owner.id, "now-it-is-set")
    assert ensure_owner(engine, settings) is None


def test_headless_owner_password(engine: Engine) -> None:
    settings = Settings.from_env(
        env={}, init_user_email="root@example.com", init_user_password="from-the-env"
    )
    prepare_database(engine, settings)
    assert ensure_owner(engine, settings) is None
    with engine.begin() as conn:
        assert accounts.authenticate(conn, "root@example.com", "from-the-env") is not None
