"""Copy an archive between two stores (SQLite to PostgreSQL and back), losslessly, and prove it.

Every ingested file is replayed, in the order it was first stored, through the target's own
`add_documents`: the target rebuilds its word index and search index itself, and its versioning
rules turn the same sequence of files into the same versions with the same current flags. Disputes
follow in id order, then the stored reuse clusters (derived data, but document pages show them). Then
the target's `dump()` is compared with the source's, record by record; a difference is a StoreError,
never a silent partial copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from misquote.errors import StoreError
from misquote.model import Dispute, Document
from misquote.store import Store

Progress = Callable[[int, int], None]
"""Called as progress(files_done, files_total) while copying."""


@dataclass
class MigrateReport:
    """What a migration copied."""

    files: int = 0
    versions: int = 0
    documents: int = 0
    disputes: int = 0
    reuse_clusters: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _File:
    """One ingested file of the source: its hash, source key and documents as (file_seq, id, version)."""

    sha256: str
    source_key: str
    docs: list[tuple[int, str, int]]


def _files(source: Store) -> list[_File]:
    """The source's files in the order their first document was stored (one pass over the dump)."""
    files: dict[str, _File] = {}
    for record in source.dump():
        if record["type"] != "document":
            continue
        doc = record["document"]
        entry = files.setdefault(record["sha256"], _File(record["sha256"], record["source_key"], []))
        entry.docs.append((record["file_seq"], doc["id"], record["version"]))
    for entry in files.values():
        entry.docs.sort()
    return list(files.values())


def migrate(source: Store, target: Store, progress: Progress | None = None) -> MigrateReport:
    """Copy every document version, file, dispute and reuse cluster of `source` into the empty `target`, then verify."""
    held = target.stats()
    if held.versions or held.disputes:
        raise StoreError(
            f"the target {target.url} already holds {held.versions} document versions and {held.disputes} "
            "disputes: migrate into an empty database"
        )
    report = MigrateReport()
    files = _files(source)
    for done, entry in enumerate(files, start=1):
        docs: list[Document] = []
        for _, doc_id, version in entry.docs:
            doc = source.document(doc_id, version)
            if doc is None:  # pragma: no cover - the dump just listed it
                raise StoreError(f"document {doc_id} version {version} vanished from {source.url} during the copy")
            docs.append(doc)
        target.add_documents(entry.sha256, entry.source_key, docs)
        report.files += 1
        report.versions += len(docs)
        if progress:
            progress(done, len(files))
    for dispute in sorted(source.disputes(), key=lambda d: d.id or 0):
        target.add_dispute(Dispute(**{**dispute.to_dict(), "id": None}))
        report.disputes += 1
    clusters = source.reuse_clusters()
    if clusters:
        target.save_reuse(clusters)
    report.reuse_clusters = len(clusters)
    report.documents = target.stats().documents
    difference = first_difference(source, target)
    if difference is not None:
        raise StoreError(f"the copy in {target.url} differs from {source.url}: {difference}")
    return report


def first_difference(a: Store, b: Store) -> str | None:
    """What differs between the dumps of two stores, in words; None when they hold the same archive.

    Records are compared by key (document id and version, dispute id, cluster id), not by position: rowids of
    files ingested concurrently interleave, so the order of a dump is not part of the archive.
    """
    left, right = _digests(a), _digests(b)
    for key in sorted(left.keys() | right.keys(), key=str):
        if left.get(key) != right.get(key):
            where = "missing in the copy" if key not in right else "extra in the copy" if key not in left else "differs"
            return f"{key[0]} {key[1]}{f' v{key[2]}' if len(key) > 2 else ''} {where}"
    return None


def _digests(store: Store) -> dict[tuple[Any, ...], str]:
    """A hash of every dump record by its key: the archive's content in little memory."""
    out: dict[tuple[Any, ...], str] = {}
    for record in store.dump():
        if record["type"] == "document":
            key: tuple[Any, ...] = ("document", record["document"]["id"], record["version"])
        elif record["type"] == "dispute":
            key = ("dispute", record["dispute"]["id"])
        else:
            key = ("reuse cluster", record["cluster"]["id"])
        out[key] = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return out
