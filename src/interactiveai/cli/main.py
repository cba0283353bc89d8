"""The `interactiveai` command: serve, database and key management."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

from interactiveai.cli import db, keys, serve, users

app = typer.Typer(
    name="interactiveai",
    help="InteractiveAI: self-hosted LLM observability. Run `interactiveai serve` to start.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(keys.app, name="keys")
app.add_typer(users.app, name="users")

console = Console()


def main() -> None:
    """Entry point of the console script."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app()
