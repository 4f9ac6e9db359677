"""PostgreSQL as a shared archive: migration both ways, concurrent ingests and checks, killed writers, a
server that goes away and comes back.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from conftest import CORPORA, ROOT, SEED, postgres_schema

from misquote import Archive
from misquote.check import Checker
from misquote.errors import StoreError
from misquote.store.migrate import first_difference, migrate

GUTENBERG = CORPORA / "gutenberg" / "authors"
BOOKS = [
    GUTENBERG / "Wilde_Oscar" / "The_Ballad_of_Reading_Gaol.txt",
    GUTENBERG / "Wilde_Oscar" / "Impressions_of_America.txt",
    GUTENBERG / "Twain_Mark" / "On_the_Decay_of_the_Art_of_Lying.txt",
    GUTENBERG / "Twain_Mark" / "A_Dog_s_Tale.txt",
    GUTENBERG / "Franklin_Benjamin" / "Franklin_s_Way_to_Wealth_or_Poor_Richard_Improved.txt",
    GUTENBERG / "Nietzsche_Friedrich_Wilhelm" / "Homer_and_Classical_Philology.txt",
]
QUOTES = [
    ("Yet each man kills the thing he loves", "Oscar Wilde"),
    ("Yet each man kills the thing he loves", "Mark Twain"),
    ("I consider the present Chinese regime, as well as the Russian regime", "Natalia Sedova"),
    ("early to bed and early to rise makes a man healthy, rich and wise", "Benjamin Franklin"),
    ("the quick brown fox jumps over the lazy dog", "Mark Twain"),
]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema on the test server."""
    with postgres_schema() as url:
        yield url


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of real files (the seed letter and six short books) to ingest."""
    where = tmp_path / "corpus"
    where.mkdir()
    for path in [SEED, *BOOKS]:
        (where / path.name).write_bytes(path.read_bytes())
    return where


def misquote_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "misquote.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def assert_whole_documents(url: str) -> None:
    """Every stored file has its documents, every document all its passages, every count its postings."""
    with psycopg.connect(url) as conn:
        def count(query: str) -> int:
            row = conn.execute(query.encode()).fetchone()
            assert row is not None
            return int(row[0])

        assert count("SELECT count(*) FROM files f WHERE NOT EXISTS "
                     "(SELECT 1 FROM documents d WHERE d.sha256 = f.sha256)") == 0
        assert count("""SELECT count(*) FROM documents d
                        WHERE (SELECT count(*) FROM passages p WHERE p.doc = d.rowid)
                           != json_array_length(d.data::json->'paragraphs') + json_array_length(d.data::json->'notes')
                     """) == 0
        assert count("SELECT count(*) FROM documents d WHERE d.current AND NOT EXISTS "
                     "(SELECT 1 FROM postings p WHERE p.doc = d.rowid)") == 0
        assert count("SELECT count(*) FROM vocab v "
                     "WHERE v.df != (SELECT count(*) FROM postings p WHERE p.word = v.id)") == 0


# -- migration ----------------------------------------------------------------------------------
def test_migrate_round_trip_is_lossless(tmp_path: Path, pg_url: str) -> None:
    letter = tmp_path / "mia" / "sedova" / SEED.name
    letter.parent.mkdir(parents=True)
    letter.write_bytes(SEED.read_bytes())
    first = tmp_path / "first.db"
    with Archive(first) as a:
        a.ingest([letter, *BOOKS[:3]], workers=1)
        letter.write_text(letter.read_text(encoding="utf-8").replace("certainly not", "not"), encoding="utf-8")
        a.ingest([letter], workers=1)  # a second version; the first stays, not current
        a.add_dispute("Natalia Sedova", "the spiritual father of Mao Tse-Tung", "France-Soir",
                      date="1961-11-07", rebuttal=a.documents("Natalia Sedova")[0]["id"] + "#p2")
        reprint = tmp_path / "reprint.txt"
        letter_doc = a.document(a.documents("Natalia Sedova")[0]["id"])
        reprint.write_text(f"A Reprint\n\nShe wrote: {letter_doc.paragraphs[1].text}\n", encoding="utf-8")
        a.ingest([reprint], workers=1)
        a.reuse()  # the reprint and the letter make a reuse cluster to carry over
        before = list(a.store.dump())
        versions_before = [a.versions(d["id"]) for d in a.documents()]
    assert sum(1 for r in before if r["type"] == "document" and not r["current"]) == 1
    assert any(r["type"] == "reuse" for r in before)

    to_pg = misquote_cli("migrate", "--from", f"sqlite:///{first}", "--to", pg_url, "--json")
    assert to_pg.returncode == 0, to_pg.stderr
    back = tmp_path / "back.db"
    assert misquote_cli("migrate", "--from", pg_url, "--to", f"sqlite:///{back}").returncode == 0

    with Archive(pg_url) as on_pg, Archive(back) as again:
        assert list(on_pg.store.dump()) == before
        assert list(again.store.dump()) == before
        assert [[{k: v for k, v in row.items() if k != "ingested_at"} for row in again.versions(d["id"])]
                for d in again.documents()] == [[{k: v for k, v in row.items() if k != "ingested_at"} for row in vs]
                                               for vs in versions_before]
        assert first_difference(on_pg.store, again.store) is None
        assert on_pg.check(*QUOTES[2]).to_dict() == again.check(*QUOTES[2]).to_dict()
        with pytest.raises(StoreError, match="migrate into an empty database"):
            migrate(again.store, on_pg.store)
    assert_whole_documents(pg_url)


# -- concurrency --------------------------------------------------------------------------------
def test_four_concurrent_ingests_store_each_document_once(folder: Path, pg_url: str, tmp_path: Path) -> None:
    with Archive(tmp_path / "alone.db") as alone:
        alone.ingest([folder], workers=1)
        expected = sorted(d["id"] for d in alone.documents())
    runs = [subprocess.Popen([sys.executable, "-m", "misquote.cli", "ingest", str(folder), "--db", pg_url, "--json"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [err for _, err in outputs]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sum(r["added"] for r in reports) == len(expected)
    assert all(r["added"] + r["unchanged"] == len(expected) and not r["failed"] for r in reports)
    with Archive(pg_url) as shared:
        assert sorted(d["id"] for d in shared.documents()) == expected
        assert shared.stats().versions == len(expected)
    assert_whole_documents(pg_url)


def test_many_checks_at_once_while_ingesting(folder: Path, pg_url: str) -> None:
    with Archive(pg_url) as archive:
        archive.ingest([SEED, *BOOKS[:5]], workers=1)
        serial = [archive.check(q, a).to_dict() for q, a in QUOTES]
        more = threading.Thread(target=archive.ingest, args=([BOOKS[5]],), kwargs={"workers": 1})
        more.start()

        def check(i: int) -> dict[str, object]:
            quote, author = QUOTES[i % len(QUOTES)]
            return Checker(archive.store).check(quote, author).to_dict()

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(check, range(80)))
        more.join()
        # the new book holds none of these quotes, so every answer is the serial one
        assert answers == [serial[i % len(QUOTES)] for i in range(80)]
        assert archive.stats().documents == 7
    assert_whole_documents(pg_url)


# -- faults -------------------------------------------------------------------------------------
def test_killed_ingest_leaves_whole_documents_only(folder: Path, pg_url: str) -> None:
    script = "import sys; from misquote import Archive; Archive(sys.argv[1]).ingest([sys.argv[2]], workers=1)"
    writer = subprocess.Popen([sys.executable, "-c", script, pg_url, str(folder)], cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 120
    with psycopg.connect(pg_url, autocommit=True) as conn:
        while time.monotonic() < deadline and writer.poll() is None:
            if conn.execute("SELECT to_regclass('documents') IS NOT NULL AND "
                            "(SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%%' "
                            "OR query LIKE 'COPY%%') > 0").fetchone() == (True,):
                tables = conn.execute("SELECT count(*) FROM documents").fetchone()
                if tables and tables[0] >= 2:
                    break
            time.sleep(0.02)
    assert writer.poll() is None, "the ingest ended before it could be killed: give it more files"
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    time.sleep(0.5)  # the server notices the dead client and rolls its transaction back
    assert_whole_documents(pg_url)
    with Archive(pg_url) as archive:
        stored = archive.stats().documents
        assert 2 <= stored < len(BOOKS) + 1
        report = archive.ingest([folder], workers=1)
        assert (len(report.added), len(report.unchanged), report.failed) == (len(BOOKS) + 1 - stored, stored, [])
        assert archive.stats().versions == len(BOOKS) + 1
    assert_whole_documents(pg_url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def own_server() -> Iterator[tuple[str, dict[str, str]]]:
    """A PostgreSQL server of this test's own (the shared one must stay up), and its script environment."""
    env = {**os.environ, "PGTEST_DIR": tempfile.mkdtemp(prefix="misquote-pg-"), "PGTEST_PORT": str(_free_port()),
           "PGTEST_DB": "misquote_fault"}
    script = str(ROOT / "scripts" / "pg-test-server")
    started = subprocess.run([script], env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip(), env
    finally:
        subprocess.run([script, "destroy"], env=env, capture_output=True, timeout=120)


def test_server_down_is_a_clear_error_and_the_pool_recovers(own_server: tuple[str, dict[str, str]]) -> None:
    url, env = own_server
    script = str(ROOT / "scripts" / "pg-test-server")
    port = env["PGTEST_PORT"]
    with Archive(url) as archive:
        archive.ingest_one(SEED)
        before = archive.check(*QUOTES[2]).to_dict()
        assert subprocess.run([script, "stop"], env=env, capture_output=True, timeout=60).returncode == 0

        message = rf"cannot reach PostgreSQL at 127\.0\.0\.1:{port}: .*start it or check --db"
        with pytest.raises(StoreError, match=message):
            archive.check(*QUOTES[2])
        with pytest.raises(StoreError, match=message):
            Archive(url)
        cli = misquote_cli("stats", "--db", url)
        assert cli.returncode == 2 and f"cannot reach PostgreSQL at 127.0.0.1:{port}" in cli.stderr

        assert subprocess.run([script, "start"], env=env, capture_output=True, timeout=120).returncode == 0
        deadline = time.monotonic() + 20
        while True:  # the same archive object, without reopening: the pool reconnects by itself
            try:
                assert archive.check(*QUOTES[2]).to_dict() == before
                break
            except StoreError:
                assert time.monotonic() < deadline, "the pool did not recover within 20 s of the restart"
                time.sleep(0.2)
