"""Alembic environment: runs on the connection handed over by `migrate.upgrade`."""

from alembic import context

from interactiveai.server.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through interactiveai.server.store.migrate")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
