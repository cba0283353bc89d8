"""`interactiveai db ...`: schema migrations for operators."""

from __future__ import annotations

import typer
from rich.console import Console

from interactiveai.cli.common import engine_for
from interactiveai.server.settings import Settings
from interactiveai.server.store import migrate
from interactiveai.server.store.engine import describe

app = typer.Typer(help="Database schema.", no_args_is_help=True)
console = Console()


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the database schema to the newest (or given) revision."""
    engine = engine_for(Settings.from_env())
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, revision)
    console.print(f"{describe(engine)}: {before or 'empty'} -> {migrate.current_revision(engine)}")


@app.command()
def current() -> None:
    """Print the schema revision of the database and of this code."""
    engine = engine_for(Settings.from_env())
    console.print(f"database: {migrate.current_revision(engine)}  code: {migrate.head_revision()}")
