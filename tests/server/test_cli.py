"""The command line: keys create/list/revoke and db upgrade, on a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from interactiveai.server.store import migrate
from interactiveai.server.store.engine import make_engine
from interactiveai.server.store.projects import verify_api_key


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTERACTIVEAI_DATABASE_URL": f"sqlite:///{db}", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "interactiveai", *args], env=env, capture_output=True, text=True
    )


def test_db_upgrade_then_keys_lifecycle(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    r = run(db, "db", "upgrade")
    assert r.returncode == 0, r.stderr
    assert "empty ->" in r.stdout
    engine = make_engine(f"sqlite:///{db}")
    assert migrate.current_revision(engine) == migrate.head_revision()

    r = run(db, "keys", "create", "--note", "ci")
    assert r.returncode == 0, r.stderr
    env_lines = dict(line.split("=", 1) for line in r.stdout.split())
    pk, sk = env_lines["INTERACTIVEAI_PUBLIC_KEY"], env_lines["INTERACTIVEAI_SECRET_KEY"]
    with engine.connect() as conn:
        assert verify_api_key(conn, pk, sk) is not None

    listing = run(db, "keys", "list")
    assert pk in listing.stdout and sk not in listing.stdout  # the secret is never shown again

    assert run(db, "keys", "revoke", pk).returncode == 0
    with engine.connect() as conn:
        assert verify_api_key(conn, pk, sk) is None
    assert run(db, "keys", "revoke", pk).returncode == 1
    engine.dispose()


def test_serve_help_names_flags(tmp_path: Path) -> None:
    r = run(tmp_path / "x.db", "serve", "--help")
    assert r.returncode == 0
    for flag in ("--host", "--port", "--database-url"):
        assert flag in r.stdout


def test_first_start_prints_a_working_key_pair(tmp_path: Path) -> None:
    import re

    import httpx

    from tests.support.server import start_server

    server = start_server(
        f"sqlite:///{tmp_path / 'first.db'}",
        {"INTERACTIVEAI_INIT_PUBLIC_KEY": "", "INTERACTIVEAI_INIT_SECRET_KEY": ""},
    )
    try:
        out = server.output()
        pk = re.search(r"^export INTERACTIVEAI_PUBLIC_KEY=(pk-\S+)$", out, re.M)
        sk = re.search(r"^export INTERACTIVEAI_SECRET_KEY=(sk-\S+)$", out, re.M)
        assert pk and sk, out
        r = httpx.get(server.url + "/api/public/projects", auth=(pk.group(1), sk.group(1)))
        assert r.status_code == 200
    finally:
        server.stop()
