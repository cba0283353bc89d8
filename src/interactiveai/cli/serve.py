"""`interactiveai serve`: migrate, bootstrap on first start, run the ASGI server."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from interactiveai.cli.common import engine_for
from interactiveai.server.app import create_app
from interactiveai.server.bootstrap import FirstStart, ensure_owner, prepare_database
from interactiveai.server.settings import Settings
from interactiveai.server.store.engine import describe

log = logging.getLogger("interactiveai")
console = Console(stderr=True)


def _print_first_start(first: FirstStart, settings: Settings) -> None:
    console.print(
        "InteractiveAI: first start. A project and an API key pair were created; the secret "
        "key is shown only now. Paste these into your app's environment (Langfuse SDKs take "
        "the same values as LANGFUSE_HOST, LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY):",
        markup=False,
    )
    # One unwrapped line each, so that they can be copied whole whatever the terminal width.
    for line in (
        f"export INTERACTIVEAI_HOST={settings.base_url}",
        f"export INTERACTIVEAI_PUBLIC_KEY={first.public_key}",
        f"export INTERACTIVEAI_SECRET_KEY={first.secret_key}",
    ):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _print_login_link(url: str) -> None:
    # The URL goes on a line of its own, unwrapped, so it can be copied or clicked whole.
    console.print(
        "InteractiveAI: open this one-time link to log in to the web UI and set your "
        "password (lost it? `interactiveai users login-link` prints a fresh one):",
        markup=False,
    )
    console.print(url, markup=False, highlight=False, soft_wrap=True)


def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to bind [env: INTERACTIVEAI_SERVER_HOST]")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port [env: INTERACTIVEAI_SERVER_PORT]")] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="Database URL [env: INTERACTIVEAI_DATABASE_URL]"),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Server processes [env: INTERACTIVEAI_WORKERS]")
    ] = None,
) -> None:
    """Start the server (migrates the database first)."""
    settings = Settings.from_env(
        server_host=host, server_port=port, database_url=database_url, workers=workers
    )
    logging.getLogger().setLevel(settings.log_level.upper())
    engine = engine_for(settings)
    log.info("database: %s", describe(engine))
    first = prepare_database(engine, settings)
    if first is not None:
        _print_first_start(first, settings)
    login_link = ensure_owner(engine, settings)
    if login_link is not None:
        _print_login_link(login_link)
    log.info(
        "listening on http://%s:%d (%d process%s)",
        settings.server_host,
        settings.server_port,
        settings.workers,
        "es" if settings.workers > 1 else "",
    )
    common = {
        "host": settings.server_host,
        "port": settings.server_port,
        "log_level": settings.log_level.lower(),
        "access_log": False,
    }
    if settings.workers == 1:
        uvicorn.run(create_app(settings, engine), **common)  # type: ignore[arg-type]
        return
    engine.dispose()
    # Worker processes build their app from the environment: hand them what flags resolved.
    os.environ["INTERACTIVEAI_DATABASE_URL"] = str(engine.url.render_as_string(False))
    # Several server processes already decode side by side; a decoding process each on top
    # cost 100 MiB apiece and measured slower on 2 cores. Unless asked for explicitly.
    os.environ.setdefault("INTERACTIVEAI_DECODE_PROCESSES", "0")
    uvicorn.run(
        "interactiveai.server.app:app_from_env",
        factory=True,
        workers=settings.workers,
        **common,  # type: ignore[arg-type]
    )
