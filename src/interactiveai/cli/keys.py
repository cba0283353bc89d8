"""`interactiveai keys ...`: API key pairs of projects."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from interactiveai.cli.common import engine_for
from interactiveai.server.bootstrap import prepare_database
from interactiveai.server.settings import Settings
from interactiveai.server.store.projects import (
    create_api_key,
    list_api_keys,
    list_projects,
    revoke_api_key,
)

app = typer.Typer(help="API keys.", no_args_is_help=True)
console = Console()

ProjectOpt = Annotated[
    str | None, typer.Option("--project", help="Project id (default: the first project).")
]


def _project(conn: object, project: str | None) -> str:
    projects = list_projects(conn)  # type: ignore[arg-type]
    if project is None:
        return projects[0].id
    if project not in {p.id for p in projects}:
        raise typer.BadParameter(f"no project {project!r}", param_hint="--project")
    return project


@app.command()
def create(project: ProjectOpt = None, note: str | None = typer.Option(None)) -> None:
    """Create a key pair and print it (the secret is shown only now)."""
    settings = Settings.from_env()
    engine = engine_for(settings)
    prepare_database(engine, settings)
    with engine.begin() as conn:
        pk, sk = create_api_key(conn, _project(conn, project), note=note)
    console.print(f"INTERACTIVEAI_PUBLIC_KEY={pk}\nINTERACTIVEAI_SECRET_KEY={sk}")


@app.command("list")
def list_(project: ProjectOpt = None) -> None:
    """List key pairs (secrets are never shown again)."""
    settings = Settings.from_env()
    engine = engine_for(settings)
    prepare_database(engine, settings)
    with engine.connect() as conn:
        keys = list_api_keys(conn, project)
    table = Table("public key", "secret", "project", "created", "revoked", "note")
    for k in keys:
        table.add_row(
            k.public_key,
            k.display_secret,
            k.project_id,
            k.created_at.isoformat(timespec="seconds"),
            k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "",
            k.note or "",
        )
    console.print(table)


@app.command()
def revoke(public_key: str) -> None:
    """Revoke a key pair by its public key."""
    engine = engine_for(Settings.from_env())
    with engine.begin() as conn:
        ok = revoke_api_key(conn, public_key)
    if not ok:
        console.print(f"no active key {public_key}")
        raise typer.Exit(1)
    console.print(f"revoked {public_key}")
