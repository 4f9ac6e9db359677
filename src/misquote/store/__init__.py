"""Where the archive lives: the Store interface and `open_store(url)` that picks a backend.

A file path or `sqlite:///path` opens SQLite (embedded, the default); `postgresql://...` opens
PostgreSQL. Engines only talk to the `Store` protocol, so a backend can change underneath them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from misquote.errors import StoreError
from misquote.model import Dispute, Document

DEFAULT_DB = "misquote.db"


@dataclass
class PassageRow:
    """A paragraph or note as stored for search and check: where it sits in its document.

    The index builds these at ingest (with `doc` 0 until the store assigns the row) and the store
    gives them back to the check.
    """

    doc: int
    seq: int
    anchor: str
    kind: str
    speaker: str | None
    text: str
    tok_start: int
    tok_end: int
    char_start: int


@dataclass
class DocRow:
    """The few document fields engines need for every match, without loading the whole document."""

    rowid: int
    id: str
    author: str
    title: str
    written: str | None
    year: int | None
    meta: dict[str, Any] = field(default_factory=dict)
    """The document's provenance fields (`Document.metadata()`), enough to cite it."""


@dataclass
class SearchHit:
    """One full-text search result with a keyword-in-context snippet."""

    document_id: str
    author: str
    title: str
    written: str | None
    paragraph: str
    snippet: str
    text: str = ""


@dataclass
class AddResult:
    """What happened to one document of an ingested file."""

    status: str  # added | unchanged | new_version
    document_id: str
    version: int
    title: str = ""


@dataclass
class Stats:
    """What an archive holds, in counts."""

    documents: int = 0
    versions: int = 0
    authors: int = 0
    paragraphs: int = 0
    notes: int = 0
    words: int = 0
    disputes: int = 0
    by_author: list[tuple[str, int]] = field(default_factory=list)


class Store(Protocol):
    """Everything the engines and surfaces need from a database."""

    url: str

    def close(self) -> None: ...
    def has_file(self, sha256: str) -> bool: ...
    def add_documents(
        self, sha256: str, source_key: str, docs: Sequence[Document], indexes: Sequence[Any] | None = None
    ) -> list[AddResult]: ...
    def current_id(self, source_key: str) -> str | None: ...
    def document(self, doc_id: str, version: int | None = None) -> Document | None: ...
    def documents(self, author: str | None = None) -> list[dict[str, Any]]: ...
    def versions(self, doc_id: str) -> list[dict[str, Any]]: ...
    def authors(self) -> list[dict[str, Any]]: ...
    def search(self, words: list[str], author: str | None, limit: int, raw: str | None) -> list[SearchHit]: ...
    def vocabulary(self, words: Iterable[str]) -> dict[str, tuple[int, int]]: ...
    def postings(self, word_ids: Iterable[int]) -> dict[int, list[tuple[int, bytes]]]: ...
    def passages(self, doc: int, tok_start: int, tok_end: int) -> list[PassageRow]: ...
    def doc_rows(self, rowids: Iterable[int]) -> dict[int, DocRow]: ...
    def author_documents(self, names: Iterable[str]) -> set[int]: ...
    def generation(self) -> int: ...
    def save_reuse(self, clusters: Sequence[dict[str, Any]]) -> None: ...
    def reuse_clusters(self, doc_id: str | None = None) -> list[dict[str, Any]]: ...
    def all_passages(self, author: str | None = None) -> Iterable[PassageRow]: ...
    def add_dispute(self, dispute: Dispute) -> Dispute: ...
    def disputes(self, author: str | None = None) -> list[Dispute]: ...
    def stats(self) -> Stats: ...
    def dump(self) -> Iterable[dict[str, Any]]: ...


def _clusters(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Stored reuse witness rows (cluster first, in order) back into cluster dicts."""
    keys = ("document_id", "author", "title", "written", "start", "end", "text")
    out: dict[int, dict[str, Any]] = {}
    for cluster, *rest in rows:
        entry = out.setdefault(cluster, {"id": cluster, "witnesses": []})
        entry["witnesses"].append(dict(zip(keys, rest, strict=True)))
    return list(out.values())


def resolve_url(db: str | os.PathLike[str] | None) -> str:
    """The database URL to use: the argument, else $MISQUOTE_DB, else ./misquote.db."""
    value = str(db) if db else os.environ.get("MISQUOTE_DB") or DEFAULT_DB
    return value


def open_store(db: str | os.PathLike[str] | None = None, *, create: bool = True) -> Store:
    """Open the store for a database URL or path (see the module docstring)."""
    url = resolve_url(db)
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        try:
            from misquote.store.postgres import PostgresStore
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise StoreError(
                f"PostgreSQL support is not installed ({exc}); install it with: pip install 'misquote[postgres]'"
            ) from exc
        return PostgresStore(url)
    if "://" in url and not url.startswith("sqlite://"):
        raise StoreError(f"unknown database URL {url!r}: use a file path, sqlite:///path or postgresql://...")
    from misquote.store.sqlite import SQLiteStore

    path = url.removeprefix("sqlite:///").removeprefix("sqlite://") if url.startswith("sqlite:") else url
    return SQLiteStore(path, create=create)
