"""Crash safety: SIGKILL an ingest, a dispute acceptance and a reuse run at random points, again and again.

After every kill the SQLite file passes `PRAGMA integrity_check`, holds only whole documents (every
file with its documents, every document with all its passages) and nothing it held before is gone;
the next run picks up the work, and the last one ends with exactly what an uninterrupted run stores.
`kill_rounds` is shared with `bench/fuzz.py kill`, which makes 50 kills per target instead of 5.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from misquote import Archive
from misquote.store import open_store
from misquote.store.migrate import first_difference
from tests.conftest import CORPORA, SEED

INGESTED = [CORPORA / "mia/epub-html", CORPORA / "mia/html/lenin"]
"""48 files, 38 documents: a 3-second ingest and a 4-second reuse run on the 2-core machine."""
DENIALS = 1500


def cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "misquote.cli", *map(str, args)]


def problems(db: Path) -> list[str]:
    """What is wrong with a killed archive: corruption, or a file or document stored in part."""
    found: list[str] = []
    if not db.exists():
        return found
    with sqlite3.connect(db, timeout=30) as conn:
        if (check := conn.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            found.append(f"integrity_check: {check}")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            found.append("foreign keys point nowhere")
        if conn.execute("SELECT name FROM sqlite_master WHERE name='documents'").fetchone() is None:
            return found  # killed before the schema was committed: an empty file is whole
        try:
            conn.execute("INSERT INTO passages_fts(passages_fts) VALUES('integrity-check')")
        except sqlite3.DatabaseError as exc:
            found.append(f"full-text index: {exc}")
        orphans = conn.execute(
            "SELECT COUNT(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = f.sha256)"
        ).fetchone()[0]
        if orphans:
            found.append(f"{orphans} files without their documents")
        for rowid, data in conn.execute("SELECT rowid, data FROM documents"):
            doc = json.loads(data)
            stored = conn.execute("SELECT COUNT(*) FROM passages WHERE doc=?", (rowid,)).fetchone()[0]
            if stored != len(doc["paragraphs"]) + len(doc["notes"]):
                found.append(f"document {doc['id']} has {stored} passages stored")
    return found


def records(db: Path) -> set[str]:
    """The archive's documents and disputes as comparable strings (what a kill must never take away)."""
    if not db.exists():
        return set()
    try:
        with sqlite3.connect(db, timeout=30) as conn:
            docs = conn.execute("SELECT id || ' v' || version FROM documents").fetchall()
            disputes = conn.execute("SELECT author || '|' || quote || '|' || published_in FROM disputes").fetchall()
    except sqlite3.OperationalError:  # no schema yet
        return set()
    return {row[0] for row in docs + disputes}


@dataclass
class KillTarget:
    """A command to kill: how to prepare its database, and how to tell that its work is complete."""

    prepare: Callable[[Path], None]
    """Build what the command needs in the work folder (the database it starts from: `base.db`)."""
    command: Callable[[Path, Path], list[str]]
    """The command line for a database and the work folder."""
    outcome: Callable[[Path, Path, subprocess.CompletedProcess[str]], str]
    """What a completed run produced, comparable with the uninterrupted reference run."""
    aim_at_writes: bool = False
    """Half the kills wait for a random number of new records to appear: for work whose writes take
    a small part of the run (dispute acceptance is 0.1 s of a 1 s run), where a random moment misses them."""


def _prepare_ingest(work: Path) -> None:
    pass  # ingest starts from nothing


def _prepare_disputes(work: Path) -> None:
    """An archive of the seed and DENIALS letters, each denying words a newspaper put in her mouth."""
    letters = [
        {"title": f"Letter {i}", "author": "Natalia Sedova Trotsky", "written": "1961-11-09",
         "paragraphs": [{"anchor": "p1", "text": f"The paper printed that I called him “the spiritual father "
                         f"number {i} of all the new revolutions”. These were certainly not my words."}]}
        for i in range(DENIALS)
    ]
    (work / "letters.json").write_text(json.dumps(letters), encoding="utf-8")
    with Archive(work / "base.db") as archive:
        report = archive.ingest([SEED, work / "letters.json"], workers=1)
        assert not report.failed, report.failed


def _prepare_reuse(work: Path) -> None:
    with Archive(work / "base.db") as archive:
        archive.ingest(INGESTED, workers=1)


def _dump_outcome(db: Path, work: Path, proc: subprocess.CompletedProcess[str]) -> str:
    reference = work / "reference.db"
    if db == reference:
        return ""
    a, b = open_store(reference, create=False), open_store(db, create=False)
    try:
        return first_difference(a, b) or ""
    finally:
        a.close()
        b.close()


def _reuse_outcome(db: Path, work: Path, proc: subprocess.CompletedProcess[str]) -> str:
    result = json.loads(proc.stdout)
    return json.dumps([result["pairs"], result["clusters"]], sort_keys=True)


KILL_TARGETS: dict[str, KillTarget] = {
    "ingest": KillTarget(
        _prepare_ingest, lambda db, work: cli("ingest", *INGESTED, "--db", db, "--json"), _dump_outcome
    ),
    "dispute acceptance": KillTarget(
        _prepare_disputes, lambda db, work: cli("dispute", "detect", "--accept", "--db", db, "--json"), _dump_outcome,
        aim_at_writes=True,
    ),
    "reuse": KillTarget(
        _prepare_reuse, lambda db, work: cli("reuse", "--db", db, "--out", work / "stages", "--json"), _reuse_outcome
    ),
}


@dataclass
class KillResult:
    """What `kill_rounds` did: kills made, kills the archive survived whole, records lost."""

    kills: int = 0
    survived: int = 0
    lost: int = 0
    completed_early: int = 0
    """Runs that finished before their kill time came (the database is then compared and reset)."""
    mid_work: int = 0
    """Kills that left the work part done (some, not all, documents, disputes or reuse stages stored)."""
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def _fresh(work: Path, db: Path) -> None:
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    shutil.rmtree(work / "stages", ignore_errors=True)
    if (work / "base.db").exists():
        shutil.copyfile(work / "base.db", db)


def _wait_for_records(proc: subprocess.Popen[str], db: Path, count: int) -> None:
    """Return once `db` holds `count` records (then raise TimeoutExpired: time to kill) or the run ends.

    The run's output goes to files, not pipes, so it never blocks on a full pipe while this polls.
    """
    while proc.poll() is None:
        if len(records(db)) >= count:
            raise subprocess.TimeoutExpired(proc.args, 0)
        time.sleep(0.002)


def kill_rounds(name: str, kills: int, work: Path, seed: int = 0) -> KillResult:
    """Run target `name` and SIGKILL it (with its worker processes) at a random moment, `kills` times.

    The kills land on the same database one after the other, each run resuming the last one's work;
    a run that finishes before its kill is checked against the reference and the database reset (as it
    is when a kill finds every record already stored).
    The final run goes to completion and must match the reference run exactly.
    """
    target = KILL_TARGETS[name]
    rng = random.Random(seed)
    result = KillResult()
    started = time.perf_counter()
    target.prepare(work)
    reference = work / "reference.db"
    _fresh(work, reference)
    t0 = time.perf_counter()
    ref_proc = subprocess.run(target.command(reference, work), capture_output=True, text=True, check=True)
    duration = time.perf_counter() - t0
    expected = target.outcome(reference, work, ref_proc)
    base, goal = records(work / "base.db"), records(reference)
    db = work / "killed.db"
    _fresh(work, db)
    before: set[str] = set()
    while result.kills < kills:
        with open(work / "stdout", "w+", encoding="utf-8") as out_f, open(work / "stderr", "w+") as err_f:
            proc = subprocess.Popen(target.command(db, work), stdout=out_f, stderr=err_f, text=True,
                                    start_new_session=True)
            try:
                if target.aim_at_writes and rng.random() < 0.5:
                    _wait_for_records(proc, db, rng.randint(min(len(before | base) + 1, len(goal)), len(goal)))
                proc.wait(timeout=rng.uniform(0.0, duration * 1.1))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the run and its ingest workers, as a power cut would
                proc.wait()
                result.kills += 1
                now = records(db)
                wrong = problems(db) + [f"lost {key}" for key in sorted(before - now)]
                result.lost += len(before - now)
                manifest = work / "stages/manifest.json"
                stages = len(json.loads(manifest.read_text())["done"]) if manifest.exists() else 0
                result.mid_work += 0 < len(now - base) < len(goal - base) or 0 < stages < 4
                if wrong:
                    result.failures.append(f"kill {result.kills}: " + "; ".join(wrong[:5]))
                else:
                    result.survived += 1
                before = now
                if goal - base and now >= goal:  # all stored: start again, so later kills land mid-work too
                    _fresh(work, db)
                    before = set()
                continue
            out_f.seek(0)
            err_f.seek(0)
            out, err = out_f.read(), err_f.read()
        result.completed_early += 1
        completed = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        if proc.returncode != 0 or target.outcome(db, work, completed) != expected:
            result.failures.append(f"run after kill {result.kills} ended wrong (exit {proc.returncode}): {err[-300:]}")
        _fresh(work, db)
        before = set()
    final = subprocess.run(target.command(db, work), capture_output=True, text=True)
    if final.returncode != 0:
        result.failures.append(f"the re-run after the last kill failed: {final.stderr[-500:]}")
    elif (difference := target.outcome(db, work, final)) != expected:
        result.failures.append(f"the re-run after the last kill differs from the reference: {difference[:300]}")
        result.lost += len(records(reference) - records(db))
    result.seconds = time.perf_counter() - started
    return result


@pytest.mark.parametrize("name", list(KILL_TARGETS))
def test_five_kills_leave_a_whole_archive_and_a_rerun_completes_the_work(name: str, tmp_path: Path) -> None:
    seed = int(time.time())
    result = kill_rounds(name, 5, tmp_path, seed=seed)
    assert result.failures == [], f"kill_rounds({name!r}, 5, seed={seed})"
    assert (result.kills, result.survived, result.lost) == (5, 5, 0)


def test_a_reuse_manifest_cut_short_by_a_kill_means_starting_over(tmp_path: Path) -> None:
    from misquote.reuse import Stages

    (tmp_path / "manifest.json").write_text("", encoding="utf-8")  # what a kill mid-write once left behind
    stages = Stages(tmp_path, {"min_words": 15})
    assert stages.done == []
    stages.save("shingles", [{"doc": 1, "hashes": [1, 2]}])
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["done"] == ["shingles"]
    assert not list(tmp_path.glob("*.tmp"))
