"""SQLite persistence for the catalog: schema, migrations, connections, transactions.

* The schema version lives in ``PRAGMA user_version``; :data:`MIGRATIONS` is the ordered list of
  functions that bring a database from version ``i`` to ``i + 1``.  A database written by a newer
  valuepix_core (``user_version > SCHEMA_VERSION``) is refused with :class:`CatalogCorruptError`
  rather than misread.
* File databases use WAL journaling and one connection per thread, so readers never block on a
  writer; ``":memory:"`` uses one shared connection behind a lock.
* ``PRAGMA secure_delete=ON`` makes SQLite overwrite deleted rows with zeros, so a removed item's
  embedding bytes do not linger in free pages; :meth:`Store.checkpoint` folds the WAL back into
  the main file and truncates it.
* Every SQLite "this is not a database / malformed" error surfaces as :class:`CatalogCorruptError`;
  every other SQLite error (read-only, locked, cannot open...) as :class:`CatalogError`, and text
  that cannot be encoded as UTF-8 as :class:`InvalidArgumentError` -- no raw ``sqlite3`` /
  ``OSError`` / ``UnicodeEncodeError`` leaves this module.
* A thread's connection is closed when the thread ends (it lives in a thread-local holder whose
  ``weakref.finalize`` closes it); the store keeps only weak references, so :meth:`Store.close`
  can still close every live one.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import weakref
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from ..errors import CatalogCorruptError, CatalogError, InvalidArgumentError

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _script(con: sqlite3.Connection, sql: str) -> None:
    """Run ``;``-separated DDL inside the caller's transaction (``executescript`` would commit)."""
    for stmt in sql.split(";"):
        if stmt.strip():
            con.execute(stmt)


def _m1_initial(con: sqlite3.Connection) -> None:
    _script(con,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE items (
            item_id    TEXT PRIMARY KEY,
            name       TEXT NOT NULL,
            category   TEXT,
            attributes TEXT NOT NULL DEFAULT '{}',
            value_low  REAL,
            value_high REAL,
            currency   TEXT NOT NULL DEFAULT 'USD',
            updated    TEXT NOT NULL
        );
        CREATE INDEX items_category ON items(category);
        CREATE TABLE embeddings (
            emb_id   INTEGER PRIMARY KEY,
            item_id  TEXT NOT NULL REFERENCES items(item_id) ON DELETE CASCADE,
            model_id TEXT NOT NULL,
            encoding TEXT NOT NULL,
            scale    REAL NOT NULL,
            vector   BLOB NOT NULL,
            created  TEXT NOT NULL
        );
        CREATE INDEX embeddings_item ON embeddings(item_id);
        """
    )


def _m2_sources(con: sqlite3.Connection) -> None:
    """v2: where an item's data came from (import file, user...) and each reference photo's origin
    (a path the user gave; used only by an export that asks for photos)."""
    _script(con,
        """
        ALTER TABLE items ADD COLUMN source TEXT;
        ALTER TABLE embeddings ADD COLUMN image_ref TEXT;
        CREATE INDEX embeddings_model ON embeddings(model_id);
        """
    )


#: migrations[i] upgrades a database at user_version i to i + 1.  Append only.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1_initial, _m2_sources]
SCHEMA_VERSION = len(MIGRATIONS)

ITEM_COLUMNS = ("item_id", "name", "category", "attributes", "value_low", "value_high",
                "currency", "source", "updated")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _corrupt(path: str, exc: BaseException) -> CatalogCorruptError:
    return CatalogCorruptError(f"catalog database {path!r} is unreadable: {exc}")


def _is_damage(exc: BaseException) -> bool:
    """SQLite / decoding errors that mean damaged content (not a lock, a constraint or a bug)."""
    if isinstance(exc, (UnicodeDecodeError, json.JSONDecodeError)):
        return True
    if isinstance(exc, sqlite3.IntegrityError):
        return False
    if isinstance(exc, sqlite3.OperationalError):
        msg = str(exc).lower()
        return "decode" in msg or "malformed" in msg or "no such table" in msg or "no such column" in msg
    return isinstance(exc, sqlite3.DatabaseError)


def _map_error(path: str, exc: BaseException) -> Exception:
    """The library exception for a SQLite / encoding error raised while using catalog ``path``."""
    if _is_damage(exc):
        return _corrupt(path, exc)
    if isinstance(exc, UnicodeEncodeError):
        return InvalidArgumentError(f"text is not valid UTF-8 (e.g. a lone surrogate): {exc}")
    msg = str(exc).lower()
    if "readonly" in msg or "read-only" in msg or "read only" in msg:
        return CatalogError(f"catalog {path!r} is read-only (opened read-only, or the file/folder "
                            f"is not writable): {exc}")
    if "locked" in msg or "busy" in msg:
        return CatalogError(f"catalog {path!r} is locked by another connection or process: {exc}")
    if "unable to open" in msg or "cannot open" in msg:
        return CatalogError(f"cannot open catalog {path!r} (missing folder, no permission, or not a "
                            f"file): {exc}")
    if "closed" in msg:
        return CatalogError(f"catalog {path!r} is closed: {exc}")
    if isinstance(exc, sqlite3.IntegrityError):
        return CatalogError(f"catalog {path!r}: constraint violated: {exc}")
    return CatalogError(f"catalog {path!r}: database error: {exc}")


_MAPPED = (sqlite3.Error, UnicodeError, json.JSONDecodeError)


def _close_quietly(con: sqlite3.Connection) -> None:
    with contextlib.suppress(Exception):
        con.close()


class _ConnHolder:
    """Owns one thread's connection; closing happens when the holder is collected (thread end)."""

    __slots__ = ("con", "finalizer", "__weakref__")

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self.finalizer = weakref.finalize(self, _close_quietly, con)
        self.finalizer.atexit = False


def _check_file(path: str) -> None:
    """Cheap structural checks before SQLite opens the file: magic header and truncation."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return  # does not exist yet -> will be created (or SQLite reports why it cannot)
    if os.path.isdir(path):
        raise CatalogError(f"cannot open catalog {path!r}: it is a directory")
    if size == 0:
        return
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise CatalogError(f"cannot open catalog {path!r}: {exc}") from exc
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise CatalogCorruptError(f"{path!r} is not a valuepix catalog (not an SQLite database)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    wal = path + "-wal"
    if page_count and page_size * page_count > size and not (os.path.exists(wal) and os.path.getsize(wal)):
        raise CatalogCorruptError(
            f"catalog database {path!r} is truncated ({size} bytes, header says {page_size * page_count})")


class Store:
    """Owns the SQLite file.  All SQL of the catalog lives here."""

    def __init__(self, path: str | os.PathLike, *, readonly: bool = False):
        try:
            self.path = os.fspath(path)
            if not isinstance(self.path, str):
                self.path = os.fsdecode(self.path)
            if "\x00" in self.path:
                raise ValueError("embedded NUL character")
            os.fsencode(self.path)
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"invalid catalog path {path!r}: {exc}") from exc
        self.memory = self.path == ":memory:" or self.path.startswith("file::memory:")
        self.readonly = readonly
        self._local = threading.local()
        # weak: a holder (and its connection) dies with its thread; close() closes the live ones
        self._holders: "weakref.WeakSet[_ConnHolder]" = weakref.WeakSet()
        self._shared: _ConnHolder | None = None  # the one ":memory:" connection
        self._conns_lock = threading.Lock()
        self._mem_lock = threading.RLock()
        self._closed = False
        if not self.memory:
            _check_file(self.path)
        try:
            con = self._connect()
            self._migrate(con)
            # fail now, not at first use, on a damaged file
            con.execute("SELECT count(*) FROM items").fetchone()
        except _MAPPED as exc:
            self.close()
            raise _map_error(self.path, exc) from exc
        except BaseException:
            self.close()
            raise

    # --- connections -----------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise CatalogError("catalog is closed")
        holder = self._shared if self.memory else getattr(self._local, "holder", None)
        if holder is not None:
            return holder.con
        if self.readonly and not self.memory:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None,
                                  check_same_thread=False, timeout=30)
        else:
            con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("PRAGMA secure_delete=ON")
            if not self.memory and not self.readonly:
                mode = con.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if str(mode).lower() != "wal":  # pragma: no cover - e.g. a network filesystem
                    con.execute("PRAGMA journal_mode=DELETE")
                con.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            _close_quietly(con)
            raise
        holder = _ConnHolder(con)
        with self._conns_lock:
            if self._closed:  # closed by another thread meanwhile
                holder.finalizer()
                raise CatalogError("catalog is closed")
            self._holders.add(holder)
        if self.memory:
            self._shared = holder
        else:
            self._local.holder = holder
        return con

    def live_connections(self) -> int:
        """How many SQLite connections this store currently holds open (diagnostics / tests)."""
        with self._conns_lock:
            return sum(1 for h in list(self._holders) if h.finalizer.alive)

    @contextlib.contextmanager
    def _guard(self):
        """Serialises use of the single ``:memory:`` connection; no-op for file databases."""
        if self.memory:
            with self._mem_lock:
                yield
        else:
            yield

    def execute(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self._guard():
            try:
                return self._connect().execute(sql, params).fetchall()
            except _MAPPED as exc:
                raise _map_error(self.path, exc) from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any exception)."""
        with self._guard():
            try:
                con = self._connect()
                con.execute("BEGIN IMMEDIATE")
            except _MAPPED as exc:
                raise _map_error(self.path, exc) from exc
            try:
                yield con
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
                if isinstance(exc, _MAPPED):
                    raise _map_error(self.path, exc) from exc
                raise
            else:
                try:
                    con.execute("COMMIT")
                except _MAPPED as exc:
                    with contextlib.suppress(sqlite3.Error):
                        con.execute("ROLLBACK")
                    raise _map_error(self.path, exc) from exc

    def _migrate(self, con: sqlite3.Connection) -> None:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CatalogCorruptError(
                f"catalog {self.path!r} has schema version {version}; this valuepix_core reads up to "
                f"{SCHEMA_VERSION} (upgrade valuepix_core)")
        if version == SCHEMA_VERSION:
            return
        if version == 0 and con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise CatalogCorruptError(f"{self.path!r} is an SQLite database but not a valuepix catalog")
        if self.readonly:
            raise CatalogError(f"catalog {self.path!r} needs a schema migration but is opened read-only")
        with self._guard():
            con.execute("BEGIN IMMEDIATE")
            try:
                version = con.execute("PRAGMA user_version").fetchone()[0]  # re-read under the lock
                for step in range(version, SCHEMA_VERSION):
                    MIGRATIONS[step](con)
                    con.execute(f"PRAGMA user_version={step + 1}")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def schema_version(self) -> int:
        return self.execute("PRAGMA user_version")[0][0]

    def checkpoint(self) -> None:
        """Fold the WAL into the database file and truncate it (best effort while readers run)."""
        if self.memory or self.readonly:
            return
        with contextlib.suppress(sqlite3.Error):
            self._connect().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        if self._closed:
            return
        try:
            if not self.memory and not self.readonly:
                holder = getattr(self._local, "holder", None)
                if holder is None or not holder.finalizer.alive:
                    with self._conns_lock:
                        holder = next((h for h in list(self._holders) if h.finalizer.alive), None)
                if holder is not None:
                    with contextlib.suppress(sqlite3.Error):
                        holder.con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            with self._conns_lock:
                self._closed = True
                holders = list(self._holders)
                self._holders.clear()
            for h in holders:
                h.finalizer()  # closes the connection (once)
            self._shared = None
            with contextlib.suppress(AttributeError):
                del self._local.holder

    # --- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self.execute("SELECT value FROM meta WHERE key=?", (key,))
        return rows[0][0] if rows else None

    @staticmethod
    def set_meta(con: sqlite3.Connection, key: str, value: str) -> None:
        con.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    # --- items -----------------------------------------------------------------------------
    @staticmethod
    def row_to_item(row: tuple) -> dict[str, Any]:
        d = dict(zip(ITEM_COLUMNS, row))
        try:
            d["attributes"] = json.loads(d["attributes"] or "{}")
        except (json.JSONDecodeError, TypeError) as exc:
            raise CatalogCorruptError(f"item {d['item_id']!r} has damaged attributes: {exc}") from exc
        return d

    def get_item(self, item_id: str) -> dict[str, Any] | None:
        rows = self.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE item_id=?", (item_id,))
        return self.row_to_item(rows[0]) if rows else None

    def get_items(self, item_ids: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        ids = list(dict.fromkeys(item_ids))
        for s in range(0, len(ids), 500):
            chunk = ids[s:s + 500]
            q = ",".join("?" * len(chunk))
            for row in self.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE item_id IN ({q})", chunk):
                out[row[0]] = self.row_to_item(row)
        return out

    def iter_items(self, category: str | None = None, batch: int = 1000) -> Iterator[dict[str, Any]]:
        last = ""
        while True:
            if category is None:
                rows = self.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE item_id > ? "
                                    "ORDER BY item_id LIMIT ?", (last, batch))
            else:
                rows = self.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE item_id > ? "
                                    "AND category = ? ORDER BY item_id LIMIT ?", (last, category, batch))
            if not rows:
                return
            for row in rows:
                yield self.row_to_item(row)
            last = rows[-1][0]

    def count(self, table: str) -> int:
        assert table in ("items", "embeddings")
        return self.execute(f"SELECT count(*) FROM {table}")[0][0]

    # --- embeddings ------------------------------------------------------------------------
    def iter_embeddings(self, batch: int = 20000, item_id: str | None = None) -> Iterator[list[tuple]]:
        """Yield batches of ``(emb_id, item_id, category, model_id, encoding, scale, vector, image_ref)``."""
        last = -1
        cond = "" if item_id is None else " AND e.item_id = ?"
        while True:
            params: tuple = (last,) if item_id is None else (last, item_id)
            rows = self.execute(
                "SELECT e.emb_id, e.item_id, i.category, e.model_id, e.encoding, e.scale, e.vector, e.image_ref "
                "FROM embeddings e JOIN items i ON i.item_id = e.item_id "
                f"WHERE e.emb_id > ?{cond} ORDER BY e.emb_id LIMIT {int(batch)}", params)
            if not rows:
                return
            yield rows
            last = rows[-1][0]

    def model_ids(self) -> list[str]:
        return [r[0] for r in self.execute("SELECT DISTINCT model_id FROM embeddings")]
