"""The Python API: an `Archive` over a store, the one object the CLI and the web app call.

from misquote import Archive
archive = Archive("misquote.db")
archive.ingest(["../shared/seed"])
archive.check("the spiritual father of Mao Tse-Tung", "Natalia Sedova")
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from misquote import authors as author_names
from misquote import pools
from misquote.article import ArticleReport, check_article
from misquote.check import Checker
from misquote.collate import Witness
from misquote.errors import IngestError, QueryError
from misquote.index import DocumentIndex, document_postings
from misquote.ingest import READER_VERSIONS, is_content_file, read
from misquote.model import Dispute, Document, Match, Verdict, document_id
from misquote.store import SearchHit, Stats, Store, open_store
from misquote.text import words

Progress = Callable[[str, int, int], None]
"""Called as progress(path, files_done, files_total) while ingesting."""


@dataclass
class IngestReport:
    """What one ingest run did: counts, the documents touched and every failure with its reason."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    new_version: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    files: int = 0
    bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "bytes": self.bytes,
            "added": len(self.added),
            "unchanged": len(self.unchanged),
            "new_version": len(self.new_version),
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
        }


def source_key(path: Path) -> str:
    """A key for a file that stays the same wherever the collection is mounted: its last 4 path parts."""
    return "/".join(path.resolve().parts[-4:])


def walk(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Every content file under the given files and folders (recursively), and the paths that are missing."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and is_content_file(p))
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or folder: check the path"))
    return files, missing


Read = tuple[str, str, int, "list[tuple[Document, DocumentIndex]] | str"]


def _read_file(path: Path, format: str | None) -> Read:
    """Read and index one file (in a worker process); a failure comes back as its message."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return str(path), "", 0, f"cannot read the file: {exc.strerror or exc}"
    sha = hashlib.sha256(data).hexdigest()
    key = source_key(path)
    try:
        docs = read(str(path), data, format=format)
    except IngestError as exc:
        return str(path), sha, len(data), exc.reason + (f" ({exc.hint})" if exc.hint else "")
    except Exception as exc:  # a reader bug must not sink the other files of the batch
        return str(path), sha, len(data), f"reader failed unexpectedly ({type(exc).__name__}: {exc}); please report it"
    for i, doc in enumerate(docs):
        # ids derive from where the file sits in its collection, not from this machine's paths
        doc.source_key = key
        doc.id = document_id(doc.title, doc.author, doc.written, key if i == 0 else f"{key}#{i}")
        doc.sha256 = sha
        doc.reader_version = doc.reader_version or READER_VERSIONS.get(doc.reader, "")
    return str(path), sha, len(data), [(doc, document_postings(doc)) for doc in docs]


class Archive:
    """An archive of primary sources in a store (SQLite file by default, or PostgreSQL)."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.store: Store = open_store(db, create=create)
        self._checker: Checker | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def checker(self) -> Checker:
        if self._checker is None:
            self._checker = Checker(self.store)
        return self._checker

    def _changed(self) -> None:
        self._checker = None

    # -- ingest ---------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        format: str | None = None,
        progress: Progress | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """Read files and folders into the archive, one transaction per file.

        Unchanged files (same bytes) are skipped before parsing; a changed file for the same source
        becomes a new version; a file that cannot be read is reported, never half-stored.
        """
        files, missing = walk(paths)
        report = IngestReport(failed=list(missing))
        todo: list[Path] = []
        for path in files:
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                report.failed.append((str(path), f"cannot read the file: {exc.strerror or exc}"))
                continue
            if self.store.has_file(sha):
                report.unchanged.append(str(path))
            else:
                todo.append(path)
        report.files = len(files)
        done = len(files) - len(todo)
        for path_str, sha, size, result in self._read_all(todo, format, workers):
            done += 1
            report.bytes += size
            if progress:
                progress(path_str, done, len(files))
            if isinstance(result, str):
                report.failed.append((path_str, result))
                continue
            self._store_docs(path_str, sha, result, report)
        self._changed()
        return report

    def _read_all(self, todo: list[Path], format: str | None, workers: int | None) -> Iterator[Read]:
        workers = pools.size(workers, most=4)
        if workers <= 1 or len(todo) < 8:
            for path in todo:
                yield _read_file(path, format)
            return
        with pools.forked(workers) as pool:
            yield from pool.map(_read_file, todo, [format] * len(todo), chunksize=4)

    def _store_docs(
        self, path: str, sha: str, read: list[tuple[Document, DocumentIndex]], report: IngestReport
    ) -> None:
        known = [a["name"] for a in self.store.authors()]
        docs = [doc for doc, _ in read]
        for doc in docs:
            doc.author = author_names.canonical(doc.author, known)
            if doc.author not in known:
                known.append(doc.author)
        key = docs[0].source_key if docs else path
        for result in self.store.add_documents(sha, key, docs, [index for _, index in read]):
            {"added": report.added, "unchanged": report.unchanged, "new_version": report.new_version}[
                result.status
            ].append(result.document_id)

    def ingest_one(self, path: str | os.PathLike[str], *, format: str | None = None) -> Document:
        """Ingest one file and return its (first) document as stored; IngestError if it fails."""
        report = self.ingest([path], format=format, workers=1)
        if report.failed:
            where, reason = report.failed[0]
            raise IngestError(where, reason)
        doc_id = (report.added or report.new_version or [None])[0]
        if doc_id is None:
            _, _, _, docs = _read_file(Path(path), format)
            assert not isinstance(docs, str)
            doc_id = self.store.current_id(docs[0][0].source_key) or docs[0][0].id
        doc = self.document(doc_id)
        assert doc is not None
        return doc

    # -- reading --------------------------------------------------------------------------------
    def document(self, doc_id: str, version: int | None = None) -> Document | None:
        """A document by id (the current version unless one is asked for)."""
        return self.store.document(doc_id, version)

    def documents(self, author: str | None = None) -> list[dict[str, Any]]:
        """Current documents, optionally of one author (any name form of theirs)."""
        if author:
            rows: list[dict[str, Any]] = []
            for name in self.checker.resolve_author(author):
                rows += self.store.documents(name)
            return rows
        return self.store.documents()

    def authors(self) -> list[dict[str, Any]]:
        """Every author with their number of documents and the years they span."""
        return self.store.authors()

    def versions(self, doc_id: str) -> list[dict[str, Any]]:
        return self.store.versions(doc_id)

    def search(self, q: str, *, author: str | None = None, limit: int = 20, raw: bool = False) -> list[SearchHit]:
        """Full-text search with snippets; `q` is plain words unless `raw` (FTS syntax)."""
        if not isinstance(q, str) or not q.strip():
            raise QueryError("the search is empty: give one or more words")
        if not 1 <= limit <= 1000:
            raise QueryError("limit must be between 1 and 1000")
        names = self.checker.resolve_author(author) if author else [None]
        hits: list[SearchHit] = []
        for name in names:
            hits += self.store.search(words(q), name, limit, q if raw else None)
        return hits[:limit]

    def stats(self) -> Stats:
        return self.store.stats()

    def witness(self, ref: str | os.PathLike[str], label: str | None = None) -> Witness:
        """A witness to collate: a document id of the archive, or a file any reader takes."""
        ref_str = str(ref)
        doc = self.document(ref_str)
        if doc is None:
            path = Path(ref_str)
            if not path.is_file():
                raise QueryError(f"{ref_str!r} is neither a document id of the archive nor a file")
            docs = read(ref_str, path.read_bytes())
            doc = docs[0]
            doc_id = None
        else:
            doc_id = doc.id
        default = doc.edition or (doc.written or "")[:4] or doc.title
        return Witness(label or default or ref_str, doc.text, doc_id)

    def editions(self, doc_id: str) -> list[dict[str, Any]]:
        """Other documents that are witnesses of the same work: same author and same title."""
        doc = self.document(doc_id)
        if doc is None:
            raise QueryError(f"no document {doc_id!r} in the archive")
        key = words(doc.work or doc.title)
        return [row for row in self.store.documents(doc.author) if row["id"] != doc_id and words(row["title"]) == key]

    # -- checking -------------------------------------------------------------------------------
    def check(self, quote: str, author: str) -> Verdict:
        """Did `author` write `quote`? A Verdict with matches, citation and explanation."""
        return self.checker.check(quote, author)

    def check_batch(self, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
        """Check JSONL lines `{"id", "quote", "author"}`; one result dict per line, in order.

        A line that cannot be used gives `{"id", "error"}` instead of stopping the batch.
        """
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            item_id: Any = number
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise QueryError(f"line {number} is not a JSON object")
                item_id = item.get("id", number)
                quote, author = item.get("quote"), item.get("author")
                if not isinstance(quote, str) or not isinstance(author, str):
                    raise QueryError(f'line {number} needs string fields "quote" and "author"')
                verdict = self.check(quote, author)
                verdict.id = item_id
                yield verdict.to_dict()
            except json.JSONDecodeError as exc:
                yield {"id": item_id, "error": f"line {number} is not valid JSON: {exc.msg}"}
            except QueryError as exc:
                yield {"id": item_id, "error": str(exc)}

    def check_article(
        self,
        data: str | bytes,
        *,
        lang: str = "auto",
        kind: str = "auto",
        title: str | None = None,
        url: str | None = None,
    ) -> ArticleReport:
        """Every quotation of an article (text, HTML or Markdown) with its speaker and verdict."""
        return check_article(self.checker, data, lang=lang, kind=kind, title=title, url=url)

    # -- disputes -------------------------------------------------------------------------------
    def detect_disputes(self) -> list[Dispute]:
        """Proposed disputes for every published denial found in the archive's documents."""
        from misquote.dispute import detect

        docs = (self.document(row["id"]) for row in self.store.documents())
        return detect(d for d in docs if d is not None)

    def accept_dispute(self, dispute: Dispute) -> Dispute:
        """Store a proposed dispute (as found by `detect_disputes`)."""
        return self.store.add_dispute(dispute)

    def add_dispute(
        self,
        author: str,
        quote: str,
        published_in: str,
        *,
        date: str | None = None,
        rebuttal: str | None = None,
        note: str | None = None,
    ) -> Dispute:
        """Record that `author` denied `quote`, attributed to them in `published_in`.

        `rebuttal` is the document (optionally `DOC_ID#pN`) where they denied it.
        """
        names = self.checker.resolve_author(author)
        if len(names) > 1:
            raise QueryError(f"{author!r} can mean {', '.join(names)}: give the full name")
        if len(words(quote)) < 3:
            raise QueryError("the disputed quote needs at least 3 words")
        if not published_in.strip():
            raise QueryError("say where the words were published (--published-in)")
        doc_id, _, paragraph = (rebuttal or "").partition("#")
        if doc_id:
            doc = self.document(doc_id)
            if doc is None:
                raise QueryError(f"no document {doc_id!r} in the archive for the rebuttal: see misquote documents")
            if paragraph:
                try:
                    doc.paragraph(paragraph)
                except KeyError:
                    raise QueryError(f"document {doc_id} has no paragraph {paragraph!r}") from None
        dispute = Dispute(names[0], quote, published_in, date, doc_id or None, paragraph or None, note)
        return self.store.add_dispute(dispute)

    def disputes(self, author: str | None = None) -> list[Dispute]:
        if author:
            return [d for name in self.checker.resolve_author(author) for d in self.store.disputes(name)]
        return self.store.disputes()

    # -- text reuse -----------------------------------------------------------------------------
    def reuse(
        self,
        *,
        author: str | None = None,
        min_words: int = 15,
        engine: str = "local",
        master: str | None = None,
        out_dir: str | os.PathLike[str] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        workers: int | None = None,
    ) -> Any:
        """Passages shared between documents, clustered (see `reuse.find_reuse`); `engine` is local or spark.

        `workers` is the local engine's number of processes (default: every core).
        """
        from misquote import reuse

        name = None
        if author:
            names = self.checker.resolve_author(author)
            if len(names) > 1:
                raise QueryError(f"{author!r} can mean {', '.join(names)}: give the full name")
            name = names[0]
        if engine == "local":
            result = reuse.find_reuse(self.store, name, min_words, out_dir, progress, workers=workers)
        elif engine == "spark":
            from misquote import spark

            result = spark.find_reuse(
                self.store, master=master, author=name, min_words=min_words, out_dir=out_dir, progress=progress
            )
        else:
            raise QueryError(f"unknown engine {engine!r}: use local or spark")
        if name is None:  # a whole-archive run replaces what document pages show as "found elsewhere"
            self.store.save_reuse([c.to_dict() for c in result.clusters])
        return result

    def reuse_for(self, doc_id: str) -> list[dict[str, Any]]:
        """Clusters of the last archive-wide reuse run holding a passage of this document."""
        return self.store.reuse_clusters(doc_id)

    def also_found_in(self, match: Match) -> list[dict[str, Any]]:
        """The other documents where the passage a check matched stands too (from the last reuse run),
        earliest first: a check result's "also found in"."""
        out: dict[str, dict[str, Any]] = {}
        for cluster in self.store.reuse_clusters(match.document_id):
            witnesses = cluster["witnesses"]
            if any(w["document_id"] == match.document_id and w["start"] < match.end and w["end"] > match.start
                   for w in witnesses):
                for w in witnesses:
                    if w["document_id"] != match.document_id:
                        out.setdefault(w["document_id"], w)
        return sorted(out.values(), key=lambda w: (w["written"] is None, w["written"] or "", w["title"]))

    def align(self, a: str, b: str, *, min_words: int = 15) -> list[Any]:
        """The reused passages between two documents, each a document id in the archive or a file."""
        from misquote.reuse import align_documents

        return align_documents(self._text_of(a), self._text_of(b), min_words)

    def _text_of(self, ref: str) -> str:
        doc = self.document(ref)
        if doc is not None:
            return doc.text
        path = Path(ref)
        if not path.is_file():
            raise QueryError(f"{ref!r} is neither a document id in the archive nor a file: see misquote documents")
        docs = read(str(path))
        return "\n\n".join(d.text for d in docs)
