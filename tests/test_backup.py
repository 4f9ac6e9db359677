"""Backup: `misquote dump` to JSON Lines and `misquote load` back give the same archive, record for record."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from misquote import Archive, backup
from misquote.errors import IngestError, StoreError
from tests.conftest import SEED, database_url

LETTERS = [
    {"title": "Letter to the Editor", "author": "Natalia Sedova Trotsky", "written": "1961-11-20",
     "paragraphs": [{"anchor": "p1", "text": "I never said that he was “the spiritual father of all of them”."}]},
    {"title": "Second Letter", "author": "N. Sedova", "written": "1962",
     "paragraphs": [{"anchor": "p1", "text": "A second letter, read from the same file as the first."}]},
]


def fill(archive: Archive, tmp_path: Path) -> None:
    """An archive with every kind of record: versions (one retired), a two-document file, disputes, reuse."""
    archive.ingest_one(SEED)
    letter = archive.document(archive.documents()[0]["id"])
    reprint = tmp_path / "reprint.txt"
    reprint.write_text(f"A Reprint\n\nAs she wrote: {letter.paragraphs[1].text}\n", encoding="utf-8")
    archive.ingest([reprint], workers=1)
    changing = tmp_path / "changing.txt"
    changing.write_text("A Changing Text\n\nThe first edition of the words of this page.\n", encoding="utf-8")
    archive.ingest([changing], workers=1)
    changing.write_text("A Changing Text\n\nThe second edition, with its words changed.\n", encoding="utf-8")
    archive.ingest([changing], workers=1)
    (tmp_path / "letters.json").write_text(json.dumps(LETTERS), encoding="utf-8")
    archive.ingest([tmp_path / "letters.json"], workers=1)
    for proposal in archive.detect_disputes():
        archive.accept_dispute(proposal)
    archive.add_dispute("Natalia Sedova", "the spiritual father of Mao Tse-Tung", "France-Soir", date="1961-11-09")
    assert archive.reuse().clusters


def dumped(archive: Archive) -> str:
    out = io.StringIO()
    backup.dump(archive.store, out)
    return out.getvalue()


def test_dump_load_dump_gives_the_same_file(archive: Archive, db_url: str, tmp_path: Path) -> None:
    fill(archive, tmp_path)
    first = dumped(archive)
    stats = archive.stats()
    assert (stats.versions, stats.documents) == (6, 5) and stats.disputes >= 2
    path = tmp_path / "backup.jsonl"
    path.write_text(first, encoding="utf-8")
    backend = "sqlite" if "://" not in db_url else "postgresql"
    with database_url(backend, tmp_path / "restored") as url:
        (tmp_path / "restored").mkdir(exist_ok=True)
        with Archive(url) as restored:
            report = backup.load(restored.store, path)
            assert report.to_dict() == {"files": 5, "versions": 6, "disputes": stats.disputes, "reuse_clusters": 1}
            assert dumped(restored) == first
            assert restored.stats() == stats
            verdict = restored.check("the spiritual father of Mao Tse-Tung", "Natalia Sedova")
            assert (verdict.verdict, verdict.dispute and verdict.dispute.published_in) == ("disputed", "France-Soir")


def test_the_cli_dumps_and_loads(tmp_path: Path) -> None:
    source, restored, file = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "backup.jsonl"
    with Archive(source) as archive:
        fill(archive, tmp_path)

    def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "misquote.cli", *map(str, args)], capture_output=True, text=True)

    wrote = cli("dump", "--db", source, "--out", file)
    assert wrote.returncode == 0, wrote.stderr
    assert "5 files: 6 document versions" in wrote.stdout
    loaded = cli("load", file, "--db", restored, "--json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["versions"] == 6
    assert cli("dump", "--db", restored).stdout == file.read_text(encoding="utf-8")
    again = cli("load", file, "--db", restored)
    assert again.returncode == 2 and "into an empty database" in " ".join(again.stderr.split())


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        pytest.param(lambda lines: lines[:-1], "the backup is incomplete", id="end-line-missing"),
        pytest.param(lambda lines: lines[:-2] + lines[-1:], "the backup is incomplete", id="record-missing"),
        pytest.param(lambda lines: [lines[0], lines[1][: len(lines[1]) // 2], *lines[2:]], "not valid JSON",
                     id="truncated-record"),
        pytest.param(lambda lines: lines[1:], "not a misquote-backup file", id="no-header"),
        pytest.param(lambda lines: [*lines, lines[1]], "records after the end line", id="appended"),
        pytest.param(lambda lines: [lines[0], '{"type": "document", "sha256": "x", "document": {"title": 5}}',
                                    '{"type": "end", "versions": 1, "disputes": 0}'], "malformed document record",
                     id="wrong-types"),
        pytest.param(lambda lines: [], "not a misquote-backup file", id="empty"),
        pytest.param(lambda lines: [*lines[:-2], '{"type": "reuse", "cluster": {"id": 1, "witnesses": [{}]}}',
                                    lines[-1]], "malformed reuse cluster record", id="bad-cluster"),
    ],
)
def test_a_damaged_backup_is_refused_before_anything_is_stored(tmp_path: Path, damage, message: str) -> None:
    with Archive(tmp_path / "a.db") as archive:
        fill(archive, tmp_path)
        lines = dumped(archive).splitlines()
    path = tmp_path / "damaged.jsonl"
    path.write_text("\n".join(damage(lines)) + "\n", encoding="utf-8")
    with Archive(tmp_path / "b.db") as target:
        with pytest.raises(IngestError, match=message):
            backup.load(target.store, path)
        assert target.stats().versions == 0


def test_load_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.ingest_one(SEED)
        path = tmp_path / "backup.jsonl"
        path.write_text(dumped(archive), encoding="utf-8")
        with pytest.raises(StoreError, match="load a backup into an empty database"):
            backup.load(archive.store, path)


def test_a_version_1_backup_without_reuse_clusters_still_loads(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        fill(archive, tmp_path)
        lines = [json.loads(line) for line in dumped(archive).splitlines()]
    old = [{**lines[0], "version": 1}, *(r for r in lines[1:-1] if r["type"] != "reuse"),
           {k: v for k, v in lines[-1].items() if k != "reuse_clusters"}]
    path = tmp_path / "old.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in old), encoding="utf-8")
    with Archive(tmp_path / "b.db") as target:
        report = backup.load(target.store, path)
        assert (report.versions, report.reuse_clusters) == (6, 0)
        assert target.reuse_for(target.documents()[0]["id"]) == []
