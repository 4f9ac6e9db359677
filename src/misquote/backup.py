"""Backup: an archive to a JSON Lines file and back, losslessly.

The file is a header line, then every record of `Store.dump()` in order (each document version with
its current flag, the hash and source key of the file it was read from and the whole document; then
each dispute and each stored reuse cluster), then an end line with the counts, which tells a complete
backup from one cut short. Version 1 files (before reuse clusters were kept) still load.
`load` replays the files in the order they were first stored through the target's own
`add_documents` (so it rebuilds its word and search indexes, and its versioning turns the same files
into the same versions and current flags), adds the disputes and reuse clusters, then compares its dump with the backup
record by record: a difference is a StoreError, never a silent partial restore. Ingest timestamps
are not part of `Store.dump()` and become the time of the load.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from misquote.errors import IngestError, StoreError
from misquote.ingest.jsondoc import wrong_field
from misquote.model import Dispute, Document
from misquote.store import Store
from misquote.store.migrate import first_difference

FORMAT = "misquote-backup"
VERSION = 2
READS = (1, 2)


@dataclass
class BackupReport:
    """What a dump wrote or a load restored."""

    files: int = 0
    versions: int = 0
    disputes: int = 0
    reuse_clusters: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def dump(store: Store, out: IO[str]) -> BackupReport:
    """Write the whole archive of `store` to `out` as JSON Lines (see the module docstring)."""
    report = BackupReport()
    files: set[str] = set()
    out.write(json.dumps({"type": "header", "format": FORMAT, "version": VERSION}) + "\n")
    for record in store.dump():
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        if record["type"] == "document":
            report.versions += 1
            files.add(record["sha256"])
        elif record["type"] == "dispute":
            report.disputes += 1
        else:
            report.reuse_clusters += 1
    report.files = len(files)
    end = {"type": "end", "versions": report.versions, "disputes": report.disputes,
           "reuse_clusters": report.reuse_clusters}
    out.write(json.dumps(end) + "\n")
    return report


class _Backup:
    """A backup file read lazily: an index of where each record is, and the records read back on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = str(path)
        self.files: dict[str, list[tuple[int, int]]] = {}  # sha256 -> (file_seq, byte offset) of its versions
        self.source_keys: dict[str, str] = {}
        self.disputes: list[int] = []
        self.clusters: list[int] = []
        self.version = VERSION
        self.versions = 0
        self.end: dict[str, Any] | None = None
        try:
            with open(path, "rb") as f:
                self._index(f)
        except OSError as exc:
            raise IngestError(str(path), f"cannot read the backup: {exc.strerror or exc}", "check the path") from exc

    def _index(self, f: IO[bytes]) -> None:
        offset = 0
        for number, line in enumerate(f, start=1):
            if line.strip():
                record = self._parse(line, number)
                if self.end is not None:
                    raise self._error(number, "records after the end line")
                if number == 1:
                    if record.get("type") != "header" or record.get("format") != FORMAT:
                        raise self._error(1, f"not a {FORMAT} file (no header line)")
                    if record.get("version") not in READS:
                        raise self._error(1, f"backup format version {record.get('version')!r}; this misquote "
                                             f"reads versions {', '.join(map(str, READS))}")
                    self.version = record["version"]
                elif record.get("type") == "document" and isinstance(record.get("sha256"), str):
                    self._check_document(record.get("document"), number)
                    seq = record.get("file_seq")
                    self.files.setdefault(record["sha256"], []).append((seq if isinstance(seq, int) else 0, offset))
                    self.source_keys.setdefault(record["sha256"], str(record.get("source_key", "")))
                    self.versions += 1
                elif record.get("type") == "dispute":
                    self._check_dispute(record.get("dispute"), number)
                    self.disputes.append(offset)
                elif record.get("type") == "reuse" and self.version >= 2:
                    self._check_cluster(record.get("cluster"), number)
                    self.clusters.append(offset)
                elif record.get("type") == "end":
                    self.end = record
                else:
                    raise self._error(number, "a record that is not a document, a dispute or a reuse cluster")
            elif number == 1:
                raise self._error(1, f"not a {FORMAT} file (no header line)")
            offset += len(line)
        if offset == 0:
            raise self._error(1, "the file is empty")
        counts: dict[str, Any] = {"type": "end", "versions": self.versions, "disputes": len(self.disputes)}
        if self.version >= 2:
            counts["reuse_clusters"] = len(self.clusters)
        if self.end != counts:
            raise IngestError(str(self.path), f"the backup is incomplete: it holds {self.versions} document versions, "
                              f"{len(self.disputes)} disputes and {len(self.clusters)} reuse clusters, "
                              f"its end line says {self.end}",
                              "the file was cut short or edited; use a complete backup")

    def _check_document(self, data: Any, number: int) -> None:
        """Refuse a document record that would not make a Document, before anything is stored."""
        wrong = wrong_field(data, Document) if isinstance(data, dict) else "document"
        if wrong is None and not {"title", "author", "id", "version"} <= set(data):
            wrong = "set of fields"
        if wrong is not None:
            raise self._error(number, f"a malformed document record: its {wrong} is wrong")

    def _check_dispute(self, data: Any, number: int) -> None:
        if not isinstance(data, dict) or wrong_field(data, Dispute, strict=True) is not None:
            raise self._error(number, "a malformed dispute record")

    def _check_cluster(self, data: Any, number: int) -> None:
        keys = {"document_id", "author", "title", "written", "start", "end", "text"}
        if not (isinstance(data, dict) and isinstance(data.get("id"), int) and isinstance(data.get("witnesses"), list)
                and all(isinstance(w, dict) and set(w) == keys for w in data["witnesses"])):
            raise self._error(number, "a malformed reuse cluster record")

    def _parse(self, line: bytes, number: int) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise self._error(number, f"not valid JSON ({exc})") from exc
        if not isinstance(record, dict):
            raise self._error(number, "not a JSON object")
        return record

    def _error(self, number: int, reason: str) -> IngestError:
        return IngestError(f"{self.path}:{number}", reason, "give a file written by misquote dump")

    def record(self, offset: int) -> dict[str, Any]:
        with open(self.path, "rb") as f:
            f.seek(offset)
            return self._parse(f.readline(), 0)

    def dump(self) -> Iterator[dict[str, Any]]:
        """The records in file order, as `Store.dump()` gives them (so `first_difference` can compare)."""
        with open(self.path, "rb") as f:
            next(f)
            for line in f:
                if line.strip() and (record := json.loads(line))["type"] != "end":
                    yield record


def load(store: Store, path: str | os.PathLike[str]) -> BackupReport:
    """Restore the backup at `path` into the empty `store`, then verify it against the file."""
    held = store.stats()
    if held.versions or held.disputes:
        raise StoreError(
            f"{store.url} already holds {held.versions} document versions and {held.disputes} disputes: "
            "load a backup into an empty database"
        )
    backup = _Backup(Path(path))
    report = BackupReport()
    for sha256, versions in backup.files.items():
        docs = []
        for _seq, offset in sorted(versions):
            docs.append(Document.from_dict(backup.record(offset)["document"]))  # checked by _Backup
        store.add_documents(sha256, backup.source_keys[sha256], docs)
        report.files += 1
        report.versions += len(docs)
    for offset in backup.disputes:
        store.add_dispute(Dispute(**{**backup.record(offset)["dispute"], "id": None}))
        report.disputes += 1
    clusters = [backup.record(offset)["cluster"] for offset in backup.clusters]
    if clusters:
        store.save_reuse(clusters)
    report.reuse_clusters = len(clusters)
    difference = first_difference(cast(Store, backup), store)
    if difference is not None:
        raise StoreError(f"the archive loaded into {store.url} differs from the backup {path}: {difference}")
    return report
