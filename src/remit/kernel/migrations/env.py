"""Alembic environment: always run with a connection handed over by ``remit.kernel.db.upgrade``."""

from alembic import context

from remit.kernel.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("run migrations through `remit db upgrade`, which hands Alembic a connection")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
