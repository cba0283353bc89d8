"""`interactiveai users ...`: people who log in to the web UI."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from interactiveai.cli.common import engine_for
from interactiveai.server.bootstrap import login_link_url, prepare_database
from interactiveai.server.settings import Settings
from interactiveai.server.store import accounts

app = typer.Typer(help="Users of the web UI.", no_args_is_help=True)
console = Console()


def _fail(message: str) -> None:
    console.print(message, markup=False)
    raise typer.Exit(1)


@app.command()
def create(
    email: Annotated[str, typer.Argument(help="Login name, usually an email address.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    project: Annotated[
        list[str] | None,
        typer.Option("--project", help="Project id the user may see (repeat; default: all)."),
    ] = None,
    role: Annotated[str, typer.Option(help="OWNER, ADMIN, MEMBER or VIEWER.")] = "MEMBER",
    password: Annotated[
        bool,
        typer.Option(
            "--password/--no-password",
            help="Prompt for a password now; without it a one-time login link is printed.",
        ),
    ] = False,
) -> None:
    """Add a user; prints a one-time login link with which they set their password."""
    settings = Settings.from_env()
    engine = engine_for(settings)
    prepare_database(engine, settings)
    secret = (
        typer.prompt("Password", hide_input=True, confirmation_prompt=True) if password else None
    )
    try:
        with engine.begin() as conn:
            user = accounts.create_user(
                conn, email, name=name, password=secret, project_ids=project, role=role.upper()
            )
            token = accounts.create_login_link_token(
                conn, user.id, timedelta(hours=settings.login_link_hours)
            )
    except accounts.AccountError as exc:
        _fail(f"error: {exc}")
        return
    console.print(f"created user {user.email}", markup=False)
    if secret is None:
        console.print("one-time login link (they set their password there):", markup=False)
        console.print(
            login_link_url(settings, token), markup=False, highlight=False, soft_wrap=True
        )


@app.command("login-link")
def login_link(
    email: Annotated[
        str | None, typer.Argument(help="Whose link (default: the first user, the owner).")
    ] = None,
) -> None:
    """Print a fresh one-time login link (e.g. when a password is forgotten)."""
    settings = Settings.from_env()
    engine = engine_for(settings)
    prepare_database(engine, settings)
    with engine.begin() as conn:
        if email is None:
            everyone = accounts.list_users(conn)
            user = everyone[0] if everyone else None
        else:
            user = accounts.get_user_by_email(conn, email)
        if user is None:
            _fail("error: no such user (start the server once, or `interactiveai users create`)")
            return
        token = accounts.create_login_link_token(
            conn, user.id, timedelta(hours=settings.login_link_hours)
        )
    console.print(login_link_url(settings, token), markup=False, highlight=False, soft_wrap=True)


@app.command("list")
def list_() -> None:
    """List the users."""
    engine = engine_for(Settings.from_env())
    with engine.connect() as conn:
        everyone = accounts.list_users(conn)
    table = Table("email", "name", "password set", "created")
    for u in everyone:
        table.add_row(
            u.email, u.name or "", "yes" if u.has_password else "no", u.created_at.isoformat()
        )
    console.print(table)
