"""The store on SQLite and PostgreSQL (the `db_url` and `store` fixtures in tests/conftest.py, each
test once per backend): migrations, events claimed once, feedback, counts. Its modules share no
fixture of their own."""
