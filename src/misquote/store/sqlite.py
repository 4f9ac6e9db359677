"""The embedded SQLite store: one file, WAL mode, one transaction per ingested file.

Tables: `files` (every ingested file's hash), `documents` (each version of each document, with its
whole JSON), `passages` (paragraphs and notes with their token ranges, for search and check), an
FTS5 index over passages, and the word index (`vocab` + `postings`) that the quote check reads.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from misquote.errors import StoreError
from misquote.index import DocumentIndex, document_postings
from misquote.model import Dispute, Document
from misquote.store import AddResult, DocRow, PassageRow, SearchHit, Stats, _clusters
from misquote.text import words

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, tuple[str, str]] = {
    1: (
        "archive, word index, disputes",
        """
        CREATE TABLE files (
            sha256 TEXT PRIMARY KEY,
            source_key TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE authors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE documents (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            current INTEGER NOT NULL DEFAULT 1,
            author_id INTEGER NOT NULL REFERENCES authors(id),
            title TEXT NOT NULL,
            written TEXT,
            year INTEGER,
            source TEXT,
            source_key TEXT NOT NULL,
            file_seq INTEGER NOT NULL,
            sha256 TEXT NOT NULL REFERENCES files(sha256),
            format TEXT, reader TEXT, reader_version TEXT,
            ingested_at TEXT NOT NULL,
            meta TEXT NOT NULL,
            data TEXT NOT NULL,
            UNIQUE (id, version)
        );
        CREATE INDEX documents_current ON documents(current, author_id);
        CREATE INDEX documents_source ON documents(source_key, file_seq, current);
        CREATE TABLE passages (
            pid INTEGER PRIMARY KEY,
            doc INTEGER NOT NULL REFERENCES documents(rowid),
            seq INTEGER NOT NULL,
            anchor TEXT NOT NULL,
            kind TEXT NOT NULL,
            speaker TEXT,
            tok_start INTEGER NOT NULL,
            tok_end INTEGER NOT NULL,
            char_start INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (doc, seq)
        );
        CREATE INDEX passages_tokens ON passages(doc, tok_start);
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content='passages', content_rowid='pid', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TABLE vocab (
            id INTEGER PRIMARY KEY,
            word TEXT NOT NULL UNIQUE,
            df INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE postings (
            word INTEGER NOT NULL,
            doc INTEGER NOT NULL,
            positions BLOB NOT NULL,
            PRIMARY KEY (word, doc)
        ) WITHOUT ROWID;
        CREATE TABLE disputes (
            id INTEGER PRIMARY KEY,
            author TEXT NOT NULL,
            quote TEXT NOT NULL,
            published_in TEXT NOT NULL,
            date TEXT,
            rebuttal_document_id TEXT,
            paragraph TEXT,
            note TEXT,
            UNIQUE (author, quote, published_in)
        );
        """,
    ),
    2: (
        "reuse clusters, shown on document pages",
        """
        CREATE TABLE reuse_witnesses (
            cluster INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            document_id TEXT NOT NULL,
            author TEXT NOT NULL,
            title TEXT NOT NULL,
            written TEXT,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (cluster, seq)
        );
        CREATE INDEX reuse_witnesses_document ON reuse_witnesses(document_id);
        """,
    ),
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SQLiteStore:
    """A misquote archive in one SQLite file (see the module docstring for the tables)."""

    def __init__(self, path: str, *, create: bool = True) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        file = Path(path)
        if path != ":memory:" and not file.exists() and not create:
            raise StoreError(f"no archive at {path}: ingest something first (misquote ingest PATH --db {path})")
        if path != ":memory:" and file.is_dir():
            raise StoreError(f"{path} is a folder, not a database file: give a file path with --db")
        self._local = threading.local()
        self._vocab_cache: dict[str, int] = {}
        self._write_lock = threading.Lock()
        self._migrate()

    # -- connections: one per thread; readers run in parallel in WAL mode, writers take a lock --
    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA cache_size=-65536")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a misquote database ({exc}); give another path with --db, or move that file away"
            ) from exc
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _migrate(self) -> None:
        db = self.db
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a misquote database ({exc}); give another path with --db") from exc
        if tables and "migrations" not in tables:
            raise StoreError(
                f"{self.path} is an SQLite database but not a misquote archive "
                f"(it has tables {', '.join(sorted(tables)[:5])}); give another path with --db"
            )
        db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT)"
        )
        current = db.execute("SELECT COALESCE(MAX(version), 0) FROM migrations").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this misquote "
                f"(which knows up to {SCHEMA_VERSION}): upgrade misquote to open it"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            description, sql = MIGRATIONS[version]
            with self._write_lock:
                db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in sql.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, description, _now()))
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise

    # -- writing --------------------------------------------------------------------------------
    def has_file(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM files WHERE sha256=?", (sha256,)).fetchone() is not None

    def add_documents(
        self, sha256: str, source_key: str, docs: Sequence[Document], indexes: Sequence[DocumentIndex] | None = None
    ) -> list[AddResult]:
        """Store the documents read from one file, all or nothing, in one transaction.

        `indexes` are the documents' word postings when the caller has computed them already
        (ingest does it in worker processes); otherwise they are computed here.
        """
        indexes = indexes or [document_postings(doc) for doc in docs]
        db = self.db
        with self._write_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                if self.has_file(sha256):
                    db.execute("ROLLBACK")
                    return [AddResult("unchanged", d.id, d.version, d.title) for d in docs]
                db.execute("INSERT INTO files VALUES (?, ?, ?)", (sha256, source_key, _now()))
                results = [
                    self._add_document(sha256, source_key, seq, doc, index)
                    for seq, (doc, index) in enumerate(zip(docs, indexes, strict=True))
                ]
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                self._vocab_cache.clear()
                raise
        return results

    def _author_id(self, name: str) -> int:
        db = self.db
        row = db.execute("SELECT id FROM authors WHERE name=?", (name,)).fetchone()
        if row:
            return int(row[0])
        return int(db.execute("INSERT INTO authors(name) VALUES (?) RETURNING id", (name,)).fetchone()[0])

    def _add_document(self, sha256: str, source_key: str, seq: int, doc: Document, index: DocumentIndex) -> AddResult:
        db = self.db
        previous = db.execute(
            "SELECT rowid, id, version FROM documents WHERE source_key=? AND file_seq=? AND current=1",
            (source_key, seq),
        ).fetchone()
        status = "added"
        if previous:
            doc.id, doc.version = previous[1], previous[2] + 1
            status = "new_version"
            self._retire(previous[0])
        else:
            taken = db.execute("SELECT MAX(version) FROM documents WHERE id=?", (doc.id,)).fetchone()[0]
            if taken:
                doc.version = taken + 1
                status = "new_version"
                old = db.execute("SELECT rowid FROM documents WHERE id=? AND current=1", (doc.id,)).fetchone()
                if old:
                    self._retire(old[0])
        doc.sha256 = sha256
        rowid = db.execute(
            """INSERT INTO documents (id, version, current, author_id, title, written, year, source,
               source_key, file_seq, sha256, format, reader, reader_version, ingested_at, meta, data)
               VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING rowid""",
            (
                doc.id,
                doc.version,
                self._author_id(doc.author),
                doc.title,
                doc.written,
                doc.year,
                doc.source,
                source_key,
                seq,
                sha256,
                doc.format,
                doc.reader,
                doc.reader_version,
                _now(),
                json.dumps(doc.metadata(), ensure_ascii=False),
                json.dumps(doc.to_dict(), ensure_ascii=False),
            ),
        ).fetchone()[0]
        db.executemany(
            "INSERT INTO passages (doc, seq, anchor, kind, speaker, tok_start, tok_end, char_start, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (rowid, i, p.anchor, p.kind, p.speaker, p.tok_start, p.tok_end, p.char_start, p.text)
                for i, p in enumerate(index.passages)
            ],
        )
        db.execute("INSERT INTO passages_fts(rowid, text) SELECT pid, text FROM passages WHERE doc=?", (rowid,))
        ids = self._word_ids(index.positions.keys())
        db.executemany(
            "INSERT INTO postings (word, doc, positions) VALUES (?, ?, ?)",
            [(ids[w], rowid, blob) for w, blob in index.positions.items()],
        )
        db.executemany("UPDATE vocab SET df = df + 1 WHERE id=?", [(ids[w],) for w in index.positions])
        return AddResult(status, doc.id, doc.version, doc.title)

    def _retire(self, rowid: int) -> None:
        """Mark an older version as not current and take it out of the word index (it stays readable).

        Its words come from its own passages, so each posting goes by primary key (word, doc): the
        postings table has no index by document, and a scan of it would cost seconds per retired version.
        """
        db = self.db
        db.execute("UPDATE documents SET current=0 WHERE rowid=?", (rowid,))
        held = {w for (text,) in db.execute("SELECT text FROM passages WHERE doc=?", (rowid,)) for w in words(text)}
        ids = [(wid,) for wid in self._word_ids(held).values()]
        db.executemany("DELETE FROM postings WHERE word=? AND doc=?", [(wid, rowid) for (wid,) in ids])
        db.executemany("UPDATE vocab SET df = df - 1 WHERE id=?", ids)

    def _word_ids(self, words: Iterable[str]) -> dict[str, int]:
        db = self.db
        cache = self._vocab_cache
        missing = [w for w in words if w not in cache]
        if missing:
            for chunk in _chunks(missing, 500):
                marks = ",".join("?" * len(chunk))
                for wid, word in db.execute(f"SELECT id, word FROM vocab WHERE word IN ({marks})", chunk):
                    cache[word] = wid
            new = [w for w in missing if w not in cache]
            if new:
                db.executemany("INSERT INTO vocab (word, df) VALUES (?, 0)", [(w,) for w in new])
                for chunk in _chunks(new, 500):
                    marks = ",".join("?" * len(chunk))
                    for wid, word in db.execute(f"SELECT id, word FROM vocab WHERE word IN ({marks})", chunk):
                        cache[word] = wid
        return {w: cache[w] for w in words}

    def add_dispute(self, dispute: Dispute) -> Dispute:
        with self._write_lock:
            row = self.db.execute(
                """INSERT INTO disputes (author, quote, published_in, date, rebuttal_document_id, paragraph, note)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (author, quote, published_in) DO UPDATE SET
                     date=excluded.date, rebuttal_document_id=excluded.rebuttal_document_id,
                     paragraph=excluded.paragraph, note=excluded.note
                   RETURNING id""",
                (
                    dispute.author,
                    dispute.quote,
                    dispute.published_in,
                    dispute.date,
                    dispute.rebuttal_document_id,
                    dispute.paragraph,
                    dispute.note,
                ),
            ).fetchone()
        dispute.id = int(row[0])
        return dispute

    # -- reading --------------------------------------------------------------------------------
    def current_id(self, source_key: str) -> str | None:
        """The id of the current document read from the first document of a source, if any."""
        row = self.db.execute(
            "SELECT id FROM documents WHERE source_key=? AND file_seq=0 AND current=1", (source_key,)
        ).fetchone()
        return row[0] if row else None

    def document(self, doc_id: str, version: int | None = None) -> Document | None:
        if version is None:
            row = self.db.execute(
                "SELECT data FROM documents WHERE id=? ORDER BY current DESC, version DESC LIMIT 1", (doc_id,)
            ).fetchone()
        else:
            row = self.db.execute("SELECT data FROM documents WHERE id=? AND version=?", (doc_id, version)).fetchone()
        return Document.from_dict(json.loads(row[0])) if row else None

    def documents(self, author: str | None = None) -> list[dict[str, Any]]:
        sql = """SELECT d.id, a.name, d.title, d.written, d.version, d.format, d.source
                 FROM documents d JOIN authors a ON a.id = d.author_id WHERE d.current=1"""
        args: tuple[Any, ...] = ()
        if author:
            sql += " AND a.name=?"
            args = (author,)
        sql += " ORDER BY a.name, d.written, d.title"
        keys = ("id", "author", "title", "written", "version", "format", "source")
        return [dict(zip(keys, row, strict=True)) for row in self.db.execute(sql, args)]

    def versions(self, doc_id: str) -> list[dict[str, Any]]:
        keys = ("version", "current", "sha256", "ingested_at", "title")
        rows = self.db.execute(
            "SELECT version, current, sha256, ingested_at, title FROM documents WHERE id=? ORDER BY version", (doc_id,)
        )
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def authors(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            """SELECT a.name, COUNT(d.rowid), MIN(d.year), MAX(d.year) FROM authors a
               JOIN documents d ON d.author_id = a.id AND d.current = 1
               GROUP BY a.id ORDER BY a.name"""
        )
        return [{"name": r[0], "documents": r[1], "from": r[2], "to": r[3]} for r in rows]

    def search(self, words: list[str], author: str | None, limit: int, raw: str | None) -> list[SearchHit]:
        """Full-text search; `words` are matched as plain terms (escaped), `raw` as FTS5 syntax."""
        match = raw if raw is not None else " ".join('"' + w.replace('"', '""') + '"' for w in words)
        if not match.strip():
            return []
        sql = """SELECT d.id, a.name, d.title, d.written, p.anchor,
                        snippet(passages_fts, 0, '[', ']', ' … ', 16), p.text
                 FROM passages_fts JOIN passages p ON p.pid = passages_fts.rowid
                 JOIN documents d ON d.rowid = p.doc AND d.current = 1
                 JOIN authors a ON a.id = d.author_id
                 WHERE passages_fts MATCH ?"""
        args: list[Any] = [match]
        if author:
            sql += " AND a.name = ?"
            args.append(author)
        sql += " ORDER BY rank LIMIT ?"
        args.append(limit)
        try:
            rows = self.db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            from misquote.errors import QueryError

            raise QueryError(f"the search query could not be parsed ({exc}); drop --raw to search plain words") from exc
        return [SearchHit(*row) for row in rows]

    def vocabulary(self, words: Iterable[str]) -> dict[str, tuple[int, int]]:
        words = list(dict.fromkeys(words))
        out: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(words, 500):
            marks = ",".join("?" * len(chunk))
            for wid, word, df in self.db.execute(f"SELECT id, word, df FROM vocab WHERE word IN ({marks})", chunk):
                out[word] = (wid, df)
        return out

    def postings(self, word_ids: Iterable[int]) -> dict[int, list[tuple[int, bytes]]]:
        out: dict[int, list[tuple[int, bytes]]] = {}
        for wid in word_ids:
            out[wid] = self.db.execute("SELECT doc, positions FROM postings WHERE word=?", (wid,)).fetchall()
        return out

    def passages(self, doc: int, tok_start: int, tok_end: int) -> list[PassageRow]:
        rows = self.db.execute(
            """SELECT doc, seq, anchor, kind, speaker, text, tok_start, tok_end, char_start FROM passages
               WHERE doc=? AND tok_end > ? AND tok_start < ? ORDER BY seq""",
            (doc, tok_start, tok_end),
        )
        return [PassageRow(*row) for row in rows]

    def doc_rows(self, rowids: Iterable[int]) -> dict[int, DocRow]:
        ids = list(dict.fromkeys(rowids))
        out: dict[int, DocRow] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"""SELECT d.rowid, d.id, a.name, d.title, d.written, d.year, d.meta FROM documents d
                    JOIN authors a ON a.id = d.author_id WHERE d.rowid IN ({marks})""",
                chunk,
            )
            for row in rows:
                out[row[0]] = DocRow(*row[:6], meta=json.loads(row[6]))
        return out

    def generation(self) -> int:
        """A number that changes whenever the archive's documents change (every ingested file adds one)."""
        return int(self.db.execute("SELECT COUNT(*) FROM files").fetchone()[0])

    def author_documents(self, names: Iterable[str]) -> set[int]:
        """Row ids of the current documents of these authors (for the check's own-author pass)."""
        names = list(names)
        marks = ",".join("?" * len(names))
        rows = self.db.execute(
            f"""SELECT d.rowid FROM documents d JOIN authors a ON a.id = d.author_id
                WHERE d.current = 1 AND a.name IN ({marks})""",
            names,
        )
        return {row[0] for row in rows}

    def all_passages(self, author: str | None = None) -> Iterable[PassageRow]:
        sql = """SELECT p.doc, p.seq, p.anchor, p.kind, p.speaker, p.text, p.tok_start, p.tok_end, p.char_start
                 FROM passages p JOIN documents d ON d.rowid = p.doc AND d.current = 1
                 JOIN authors a ON a.id = d.author_id"""
        args: tuple[Any, ...] = ()
        if author:
            sql += " WHERE a.name = ?"
            args = (author,)
        for row in self.db.execute(sql + " ORDER BY p.doc, p.seq", args):
            yield PassageRow(*row)

    def save_reuse(self, clusters: Sequence[dict[str, Any]]) -> None:
        """Replace the stored reuse clusters (each with its witnesses, earliest first) by these."""
        rows = [
            (c["id"], i, w["document_id"], w["author"], w["title"], w["written"], w["start"], w["end"], w["text"])
            for c in clusters
            for i, w in enumerate(c["witnesses"])
        ]
        db = self.db
        with self._write_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM reuse_witnesses")
                db.executemany("INSERT INTO reuse_witnesses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def reuse_clusters(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        """The stored reuse clusters, each with all its witnesses; only those holding `doc_id` when given."""
        query = "SELECT cluster, document_id, author, title, written, start_char, end_char, text FROM reuse_witnesses"
        if doc_id is not None:
            query += " WHERE cluster IN (SELECT cluster FROM reuse_witnesses WHERE document_id = ?)"
        rows = self.db.execute(query + " ORDER BY cluster, seq", (doc_id,) if doc_id is not None else ()).fetchall()
        return _clusters(rows)

    def disputes(self, author: str | None = None) -> list[Dispute]:
        sql = "SELECT author, quote, published_in, date, rebuttal_document_id, paragraph, note, id FROM disputes"
        rows = self.db.execute(
            sql + (" WHERE author=?" if author else "") + " ORDER BY id", (author,) if author else ()
        )
        return [Dispute(*row) for row in rows]

    def stats(self) -> Stats:
        db = self.db
        one = lambda sql: db.execute(sql).fetchone()[0] or 0  # noqa: E731
        by_author = db.execute(
            """SELECT a.name, COUNT(*) FROM documents d JOIN authors a ON a.id=d.author_id
               WHERE d.current=1 GROUP BY a.id ORDER BY COUNT(*) DESC, a.name"""
        ).fetchall()
        return Stats(
            documents=one("SELECT COUNT(*) FROM documents WHERE current=1"),
            versions=one("SELECT COUNT(*) FROM documents"),
            authors=len(by_author),
            paragraphs=one(
                "SELECT COUNT(*) FROM passages p JOIN documents d ON d.rowid=p.doc AND d.current=1 WHERE p.kind!='note'"
            ),
            notes=one(
                "SELECT COUNT(*) FROM passages p JOIN documents d ON d.rowid=p.doc AND d.current=1 WHERE p.kind='note'"
            ),
            words=one(
                "SELECT SUM(n) FROM (SELECT MAX(p.tok_end) n FROM passages p "
                "JOIN documents d ON d.rowid=p.doc AND d.current=1 GROUP BY p.doc)"
            ),
            disputes=one("SELECT COUNT(*) FROM disputes"),
            by_author=[(r[0], r[1]) for r in by_author],
        )

    def integrity_check(self) -> str:
        """SQLite's own integrity check: "ok" for a sound file."""
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    def dump(self) -> Iterable[dict[str, Any]]:
        """Every document version, dispute and reuse cluster as JSON-ready records (for backup and migration)."""
        for version, current, sha, key, seq, data in self.db.execute(
            "SELECT version, current, sha256, source_key, file_seq, data FROM documents ORDER BY rowid"
        ):
            yield {
                "type": "document",
                "version": version,
                "current": bool(current),
                "sha256": sha,
                "source_key": key,
                "file_seq": seq,
                "document": json.loads(data),
            }
        for d in self.disputes():
            yield {"type": "dispute", "dispute": d.to_dict()}
        for cluster in self.reuse_clusters():
            yield {"type": "reuse", "cluster": cluster}


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
