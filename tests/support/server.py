"""The real server as a subprocess (`interactiveai serve`), for end-to-end tests."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.net import find_free_port

PUBLIC_KEY = "pk-test-0000"
SECRET_KEY = "sk-test-0000"


@dataclass
class LiveServer:
    """A running server: its URL, keys and an authenticated HTTP client."""

    url: str
    database_url: str
    process: subprocess.Popen[str]
    log_path: Path
    public_key: str = PUBLIC_KEY
    secret_key: str = SECRET_KEY
    env: dict[str, str] = field(default_factory=dict)

    @property
    def auth_header(self) -> str:
        """The Basic auth header of the project's key."""
        token = base64.b64encode(f"{self.public_key}:{self.secret_key}".encode()).decode()
        return f"Basic {token}"

    def client(self) -> httpx.Client:
        """An httpx client with the project's key."""
        return httpx.Client(base_url=self.url, auth=(self.public_key, self.secret_key), timeout=30)

    def get(self, path: str, **params: Any) -> Any:
        """GET a JSON answer, asserting 200."""
        with self.client() as c:
            r = c.get(path, params=params)
        assert r.status_code == 200, r.text
        return r.json()

    def output(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start_server(database_url: str, extra_env: dict[str, str] | None = None) -> LiveServer:
    """Start `interactiveai serve` on a free port and wait until it answers its health check."""
    port = find_free_port()
    log = Path(tempfile.mkstemp(prefix="ia-server-", suffix=".log")[1])
    env = {
        **os.environ,
        "INTERACTIVEAI_DATABASE_URL": database_url,
        "INTERACTIVEAI_SERVER_PORT": str(port),
        "INTERACTIVEAI_INIT_PUBLIC_KEY": PUBLIC_KEY,
        "INTERACTIVEAI_INIT_SECRET_KEY": SECRET_KEY,
        **(extra_env or {}),
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "interactiveai", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", database_url, proc, log, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/api/public/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not answer within 60 s:\n{server.output()}")
