"""Ingest as an archivist meets it: versions, no-ops, failures with reasons, and crashes that lose nothing."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from misquote import Archive
from misquote.errors import IngestError, StoreError
from tests.conftest import CORPORA, SEED


def test_the_seed_keeps_its_provenance(archive):
    doc = archive.ingest_one(SEED)
    assert (doc.title, doc.author, doc.written, doc.transcriber) == (
        "Corrections to France-Soir Interview",
        "Natalia Sedova Trotsky",
        "1961-11-09",
        "Mike Bessler",
    )
    assert doc.notes[0].by == "MIA"
    assert archive.document(doc.id).to_dict() == doc.to_dict()


def test_same_bytes_twice_is_a_no_op_and_changed_bytes_a_new_version(archive, tmp_path):
    page = tmp_path / "letter.txt"
    page.write_bytes(SEED.read_bytes())
    first = archive.ingest([page])
    assert (len(first.added), len(first.unchanged)) == (1, 0)
    assert len(archive.ingest([page]).unchanged) == 1
    page.write_bytes(SEED.read_bytes().replace(b"Monsieur le Directeur:", b"Monsieur le Directeur,"))
    second = archive.ingest([page])
    assert second.new_version == first.added
    doc_id = first.added[0]
    assert [(v["version"], v["current"]) for v in archive.versions(doc_id)] == [(1, 0), (2, 1)]
    assert archive.document(doc_id).paragraphs[0].text == "Monsieur le Directeur,"
    assert archive.document(doc_id, version=1).paragraphs[0].text == "Monsieur le Directeur:"
    # only the current version answers checks
    assert len(archive.check("I am therefore forced to clarify this", "Natalia Sedova").matches) == 1


def test_failures_are_reported_with_reasons_and_do_not_stop_the_batch(archive, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    report = archive.ingest([tmp_path / "empty.txt", tmp_path / "binary.txt", tmp_path / "missing.txt", SEED])
    reasons = dict(report.failed)
    assert len(report.added) == 1
    assert "empty" in reasons[str(tmp_path / "empty.txt")]
    assert "binary" in reasons[str(tmp_path / "binary.txt")]
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]
    assert archive.stats().documents == 1


def test_ingest_one_raises_the_reason(archive, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        archive.ingest_one(tmp_path / "empty.txt")


def test_a_folder_is_read_recursively_with_a_progress_callback(archive):
    seen = []
    report = archive.ingest([CORPORA / "mia/html/marx/works/1852"], progress=lambda p, d, t: seen.append((d, t)))
    assert report.files == len(seen) > 3
    assert seen[-1][0] == seen[-1][1]
    # the chapters are read; two pages of the folder are "no longer available" stubs of 1,823 bytes
    assert sorted(Path(p).name for p, _ in report.failed) == ["52_03_05.htm", "notes.htm"]
    assert all(reason.startswith("stub page") for _, reason in report.failed)


def test_a_database_from_a_newer_misquote_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Archive(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO migrations VALUES (999, 'future', '2099-01-01')")
    with pytest.raises(StoreError, match="newer than this misquote"):
        Archive(path)


def test_an_sqlite_file_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE things (x)")
    with pytest.raises(StoreError, match="not a misquote archive"):
        Archive(path)


def test_killed_mid_ingest_leaves_whole_documents_only(tmp_path):
    db = tmp_path / "killed.db"
    folder = CORPORA / "gutenberg/authors/Twain_Mark"
    proc = subprocess.Popen(
        [sys.executable, "-m", "misquote.cli", "ingest", str(folder), "--db", str(db), "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:  # kill once some documents are in, so the kill lands mid-run
        time.sleep(0.3)
        if db.exists() and _count(db, "SELECT COUNT(*) FROM documents") >= 3:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for rowid, data in conn.execute("SELECT rowid, data FROM documents"):
            doc = json.loads(data)
            expected = len(doc["paragraphs"]) + len(doc["notes"])
            assert conn.execute("SELECT COUNT(*) FROM passages WHERE doc=?", (rowid,)).fetchone()[0] == expected
    stored = _count(db, "SELECT COUNT(*) FROM documents")
    with Archive(db) as archive:
        report = archive.ingest([folder])
        assert len(report.unchanged) == stored and not report.failed
        assert archive.stats().documents == len(list(folder.glob("*.txt")))


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return 0
