"""The command line as a user meets it: the France-Soir case end to end, exit codes, the batch contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED

BRUMAIRE = ROOT.parent / "shared/corpora/mia/html/marx/works/1852/18th-brumaire/ch01.htm"


def run(*args: str, db: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "misquote.cli", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "archive.db"
    result = run("ingest", str(SEED), str(BRUMAIRE), db=path)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout
    return path


def test_france_soir_words_are_disputed_end_to_end(db):
    assert (
        json.loads(
            run("check", "the spiritual father of Mao Tse-Tung", "--author", "Natalia Sedova", "--json", db=db).stdout
        )["verdict"]
        == "verbatim"
    )
    detected = run("dispute", "detect", "--accept", "--json", db=db)
    assert detected.returncode == 0, detected.stderr
    [dispute] = json.loads(detected.stdout)
    assert dispute["published_in"] == "France-Soir"
    result = run("check", "the spiritual father of Mao Tse-Tung", "--author", "Natalia Sedova", "--json", db=db)
    verdict = json.loads(result.stdout)
    assert verdict["verdict"] == "disputed"
    assert verdict["dispute"] == {
        "published_in": "France-Soir",
        "date": "1961-11-09",
        "rebuttal_document_id": dispute["rebuttal_document_id"],
        "paragraph": dispute["paragraph"],
    }
    assert "Corrections to France-Soir Interview" in verdict["citation"]
    listed = json.loads(run("dispute", "list", "--json", db=db).stdout)
    assert [d["quote"] for d in listed] == [dispute["quote"]]


def test_reingest_is_a_no_op(db):
    result = run("ingest", str(SEED), db=db)
    assert result.returncode == 0
    assert "0 added, 1 unchanged" in result.stdout


def test_batch_keeps_order_and_ids_and_reports_bad_lines(db, tmp_path):
    lines = [
        {"id": "a", "quote": "Men make their own history", "author": "Karl Marx"},
        "not json at all",
        {"id": 7, "quote": "two words", "author": "Karl Marx"},
        {"id": "b", "quote": "Men make their own history", "author": "Nobody Known"},
        {"id": "c", "quote": "a great revolutionary like Leon Trotsky", "author": "N. Sedova"},
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    result = run("check", "--batch", str(batch), "--json", db=db)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 2, 7, "b", "c"]
    assert [o.get("verdict") or "error" for o in out] == ["verbatim", "error", "error", "error", "verbatim"]
    assert "at least 3 words" in out[2]["error"]
    assert "closest names" in out[3]["error"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["check", "ab", "--author", "Karl Marx"], "at least 3 words", id="short-quote"),
        pytest.param(["check", "Men make their own history", "--author", "Zzz"], "closest names", id="unknown-author"),
        pytest.param(["check", "Men make their own history"], "--author", id="no-author"),
        pytest.param(["show", "no-such-doc"], "no document", id="unknown-document"),
        pytest.param(["export", "no-such-doc", "--format", "tei"], "no document", id="export-unknown"),
        pytest.param(["search", ""], "empty", id="empty-search"),
        pytest.param(["check", "Men make their own history", "--autor", "Marx"], "No such option: --autor",
                     id="unknown-option"),
        pytest.param(["show"], "Missing argument", id="missing-argument"),
    ],
)
def test_input_errors_exit_2_with_a_message(db, args, message):
    result = run(*args, db=db)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_reading_a_missing_database_says_how_to_make_one(tmp_path):
    result = run("authors", db=tmp_path / "nothing.db")
    assert result.returncode == 2
    assert "misquote ingest" in result.stderr


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite at all" * 100)
    result = run("stats", db=bogus)
    assert result.returncode == 2
    assert "not a misquote database" in result.stderr


def test_show_and_export_a_document(db):
    docs = json.loads(run("documents", "--author", "Natalia Sedova", "--json", db=db).stdout)
    doc_id = docs[0]["id"]
    shown = json.loads(run("show", doc_id, "--json", db=db).stdout)
    assert shown["transcriber"] == "Mike Bessler"
    assert ["Transcribed/HTML Markup", "Mike Bessler"] in shown["header"]
    tei = run("export", doc_id, "--format", "tei", db=db).stdout
    assert tei.lstrip().startswith("<") and "Mike Bessler" in tei
    bib = run("export", doc_id, "--format", "bibtex", db=db).stdout
    assert bib.startswith("@")


def test_search_escapes_user_input(db):
    result = run("search", 'spiritual "father" (*', "--json", db=db)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits and "spiritual" in hits[0]["snippet"].lower()


def test_readme_documents_every_command():
    from misquote.cli import app, dispute_app

    readme = (ROOT / "README.md").read_text()
    commands = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
    commands += [f"dispute {c.name}" for c in dispute_app.registered_commands]
    missing = [c for c in commands if not re.search(rf"misquote {re.escape(c)}\b", readme)]
    assert not missing, f"commands missing from README: {missing}"
