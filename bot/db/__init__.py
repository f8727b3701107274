"""SQLite access: one connection, migrations, and small repositories of plain SQL."""
