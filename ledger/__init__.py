"""The ledger: what was scanned, read and decided, in SQLite (the default) or PostgreSQL.

:class:`Ledger` is the one entry point (:mod:`ledger.ledger`); the database layer
(:mod:`ledger.db`), the schema and its migrations (:mod:`ledger.schema`), the rows as read back
(:mod:`ledger.rows`) and the records with their corrections (:mod:`ledger.records`) are its parts.
"""

from ledger.ledger import Ledger

__all__ = ["Ledger"]
