"""Idempotency store in a local SQLite file (one instance, or a shared EFS mount).

Uses BEGIN IMMEDIATE and plain INSERT OR REPLACE rather than UPSERT, so it works with the
old SQLite of the Amazon Linux 2 runtimes.
"""

from __future__ import annotations

import threading

from ._idempotency import COMPLETED, IN_PROGRESS, IdempotencyRecord, IdempotencyStore, _live

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3


class SQLiteStore(IdempotencyStore):
    """Records in table `fnguard_idempotency` of the database file at `path`."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            import sqlite3

            db = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            db.execute(
                "CREATE TABLE IF NOT EXISTS fnguard_idempotency (key TEXT PRIMARY KEY, "
                "status TEXT NOT NULL, data TEXT, expires_at REAL NOT NULL, lock_until REAL NOT NULL)"
            )
            self._local.db = db
        return db

    def _insert_in_progress(self, key: str, now: float, lock_until: float, expires_at: float) -> bool:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            record = self._get(key)
            if record is not None and _live(record, now):
                db.execute("COMMIT")
                return False
            db.execute("INSERT OR REPLACE INTO fnguard_idempotency VALUES (?, ?, NULL, ?, ?)",
                       (key, IN_PROGRESS, expires_at, lock_until))
            db.execute("COMMIT")
            return True
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _get(self, key: str) -> IdempotencyRecord | None:
        row = self._db().execute(
            "SELECT status, data, expires_at, lock_until FROM fnguard_idempotency WHERE key = ?",
            (key,),
        ).fetchone()
        return None if row is None else IdempotencyRecord(row[0], row[1], row[2], row[3])

    def _save_result(self, key: str, data: str, expires_at: float) -> None:
        self._db().execute("INSERT OR REPLACE INTO fnguard_idempotency VALUES (?, ?, ?, ?, 0)",
                           (key, COMPLETED, data, expires_at))

    def _delete(self, key: str) -> None:
        self._db().execute("DELETE FROM fnguard_idempotency WHERE key = ?", (key,))
