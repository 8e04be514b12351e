"""The store: settings, engine, tables, Alembic migrations and bulk inserts — where the data lives and its schema."""
