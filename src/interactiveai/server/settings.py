"""The server's settings: one registry, each setting with its env var, default and meaning.

Precedence: explicit argument (CLI flag, `Settings(...)`) > environment variable > default.
`docs/configuration.md` documents every entry of `REGISTRY`; a test keeps them in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Setting:
    """One configurable value."""

    name: str
    env: str
    default: Any
    doc: str


def _s(name: str, default: Any, doc: str) -> Setting:
    return Setting(name, f"INTERACTIVEAI_{name.upper()}", default, doc)


REGISTRY: tuple[Setting, ...] = (
    _s(
        "database_url",
        None,
        "Database URL: `sqlite:///path` or `postgresql://user:pass@host/db`. Default: a SQLite file `~/.interactiveai/interactiveai.db`.",
    ),
    _s(
        "server_host",
        "127.0.0.1",
        "Address to bind. Use `0.0.0.0` to accept connections from other machines.",
    ),
    _s("server_port", 3000, "TCP port to listen on."),
    _s(
        "public_url",
        None,
        "The URL people and SDKs use to reach the server, for printed links. Default: `http://<server_host>:<server_port>`.",
    ),
    _s("init_project_name", "Default project", "Name of the project created on first start."),
    _s(
        "init_public_key",
        None,
        "Public key (`pk-...`) of the key pair created on first start; random when unset.",
    ),
    _s(
        "init_secret_key",
        None,
        "Secret key (`sk-...`) of the key pair created on first start; random when unset.",
    ),
    _s(
        "max_request_bytes",
        10 * 1024 * 1024,
        "Largest accepted OTLP request body in bytes (after decompression); larger bodies get 413.",
    ),
    _s(
        "max_ingestion_bytes",
        3_500_000,
        "Largest accepted `/api/public/ingestion` batch body in bytes; larger bodies get 413.",
    ),
    _s(
        "write_queue_records",
        50_000,
        "Records (spans, events) that may wait for the writer; when full, ingestion answers 503 with Retry-After.",
    ),
    _s(
        "write_batch_records",
        5_000,
        "Most records committed in one transaction by the writer (group commit).",
    ),
    _s("log_level", "info", "Log level: debug, info, warning, error."),
    _s(
        "workers",
        1,
        "Server processes. On PostgreSQL they decode and write in parallel; on SQLite they "
        "take turns to write, so more than one helps little there.",
    ),
    _s(
        "decode_processes",
        1,
        "Worker processes (per server process) that decode large OTLP requests, so that "
        "decoding runs beside the database writer instead of taking turns with it for "
        "Python's interpreter lock. 0 decodes everything in the server process (the default "
        "when `workers` is more than 1).",
    ),
    _s(
        "init_user_email",
        "owner@localhost",
        "Login name (email) of the owner user created on first start; the owner can change it when setting a password.",
    ),
    _s(
        "init_user_password",
        None,
        "Password of the owner user created on first start (headless deployments); when unset, the owner sets it through the printed login link.",
    ),
    _s(
        "cookie_secure",
        False,
        "Mark the UI's cookies `Secure` (sent over HTTPS only). Turn on when the server is reached through HTTPS.",
    ),
    _s("browser_session_days", 14, "Days a UI login lasts before the browser must log in again."),
    _s("login_link_hours", 24, "Hours a one-time login link stays valid."),
    _s(
        "login_max_failures",
        10,
        "Failed UI logins allowed per client address, and per email, in 15 minutes; past it the login form answers 429 until the window has room again. 0 turns the limit off.",
    ),
)


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings of one server."""

    database_url: str | None = None
    server_host: str = "127.0.0.1"
    server_port: int = 3000
    public_url: str | None = None
    init_project_name: str = "Default project"
    init_public_key: str | None = None
    init_secret_key: str | None = None
    max_request_bytes: int = 10 * 1024 * 1024
    max_ingestion_bytes: int = 3_500_000
    write_queue_records: int = 50_000
    write_batch_records: int = 5_000
    log_level: str = "info"
    workers: int = 1
    decode_processes: int = 1
    init_user_email: str = "owner@localhost"
    init_user_password: str | None = None
    cookie_secure: bool = False
    browser_session_days: int = 14
    login_link_hours: int = 24
    login_max_failures: int = 10
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from the environment, with explicit overrides on top."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for s in REGISTRY:
            if overrides.get(s.name) is not None:
                values[s.name] = overrides[s.name]
            elif env.get(s.env):
                try:
                    values[s.name] = _coerce(env[s.env], s.default)
                except ValueError as exc:
                    raise ValueError(f"{s.env}: {exc}") from None
            else:
                values[s.name] = s.default
        values["extra"] = {k: v for k, v in env.items() if k.startswith("INTERACTIVEAI_")}
        return cls(**values)

    @property
    def base_url(self) -> str:
        """Where people reach the server."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = (
            "localhost" if self.server_host in ("127.0.0.1", "0.0.0.0", "::") else self.server_host
        )
        return f"http://{host}:{self.server_port}"


assert {s.name for s in REGISTRY} == {f.name for f in fields(Settings)} - {"extra"}
