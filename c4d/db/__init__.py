"""The database: `schema` (the tables), `store` (the general Store, one transaction per
method), `phone_path` (the phones' hot path, part of Store), `engine` (which database and
how SQLite is set up) and `errors` (what the store raises).

This folder imports only the shared vocabulary (`c4d.models`), the tools' model files
and `c4d.config`: never a tool's commands, worksheet or pages.
"""
