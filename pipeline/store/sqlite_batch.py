"""The intake group commit on SQLite, straight through the ``sqlite3`` driver.

On the listener's hot path SQLAlchemy Core's per-statement machinery (execution context,
expanding ``IN`` rendering, parameter processing per row) cost more CPU than SQLite's own work
for a batch, and that CPU holds the GIL the event loop needs. So on SQLite a batch runs as plain
driver calls: the SQL is rendered from the same ``Table`` and every value passes through the
column type's own bind/result processor, so what is written and read back is exactly what the
SQLAlchemy path writes and reads. Connections still come from the engine's pool, so the
engine's pragmas (WAL, ``synchronous=FULL``, busy timeout) apply; ``BEGIN IMMEDIATE`` takes the
write lock up front like the engine's own ``begin`` hook, and ``COMMIT`` returns after fsync.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Table, bindparam, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import BindParameter


class SqliteBatch:
    """Opens intake batch transactions on SQLite; the SQL and value converters are built once."""

    def __init__(self, engine: Engine, table: Table, record_columns: Sequence[Column[Any]]) -> None:
        dialect = engine.dialect
        self._engine = engine
        self.record_columns = list(record_columns)
        self.record_names = [c.name for c in record_columns]
        self.sha256 = table.c.sha256
        self.id = table.c.id
        self.dialect = dialect
        self.insert_names = [c.name for c in table.c if not c.primary_key]
        compiled = insert(table).compile(dialect=dialect, column_keys=self.insert_names)
        # The compiled statement fixes the positional order of its "?" placeholders.
        self.insert_names = list(compiled.positiontup or ())
        self.insert_sql = str(compiled)
        self.bind: list[Callable[[Any], Any] | None] = [
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.insert_names
        ]
        self.result: list[Callable[[Any], Any] | None] = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in record_columns
        ]
        # Batch sizes repeat (1 … store.max_batch), so each SELECT shape is compiled once.
        self._selects: dict[tuple[tuple[Column[Any], ...], int], str] = {}

    def select(self, columns: tuple[Column[Any], ...], count: int) -> str:
        """``SELECT columns … WHERE sha256 IN (?, …)`` with ``count`` placeholders."""
        sql = self._selects.get((columns, count))
        if sql is None:
            digests: list[BindParameter[str]] = [bindparam(f"d{n}") for n in range(count)]
            query = select(*columns).where(self.sha256.in_(digests))
            sql = self._selects[(columns, count)] = str(query.compile(dialect=self.dialect))
        return sql

    @contextmanager
    def transaction(self) -> Iterator[SqliteBatchTransaction]:
        """BEGIN IMMEDIATE … COMMIT on a pooled connection; ROLLBACK if anything raises."""
        pooled = self._engine.raw_connection()
        try:
            conn = pooled.driver_connection
            if not isinstance(conn, sqlite3.Connection):
                raise TypeError(f"SqliteBatch needs the sqlite3 driver, not {type(conn)}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield SqliteBatchTransaction(self, conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                # Callers see the same SQLAlchemy exceptions as on the Core path.
                raise DBAPIError.instance(None, None, exc, sqlite3.Error) from exc
        finally:
            pooled.close()


class SqliteBatchTransaction:
    """The three statements of one intake batch, inside an open transaction."""

    def __init__(self, shapes: SqliteBatch, conn: sqlite3.Connection) -> None:
        self._shapes = shapes
        self._conn = conn

    def known(self, digests: Sequence[str]) -> list[dict[str, Any]]:
        """Records (without raw bytes) already stored under any of ``digests``."""
        shapes = self._shapes
        sql = shapes.select(tuple(shapes.record_columns), len(digests))
        names, result = shapes.record_names, shapes.result
        return [
            {
                name: value if convert is None else convert(value)
                for name, value, convert in zip(names, row, result, strict=True)
            }
            for row in self._conn.execute(sql, digests)
        ]

    def insert(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Insert new rows, given as column name → Python value."""
        names, bind = self._shapes.insert_names, self._shapes.bind
        params = [
            tuple(
                row[name] if convert is None else convert(row[name])
                for name, convert in zip(names, bind, strict=True)
            )
            for row in rows
        ]
        self._conn.executemany(self._shapes.insert_sql, params)

    def ids(self, digests: Sequence[str]) -> list[tuple[str, int]]:
        """``(sha256, id)`` of the rows stored under ``digests``."""
        sql = self._shapes.select((self._shapes.sha256, self._shapes.id), len(digests))
        return [(str(d), int(i)) for d, i in self._conn.execute(sql, digests)]
