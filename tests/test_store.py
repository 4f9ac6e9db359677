"""The Store behaves the same on SQLite and on PostgreSQL: ingest, versions, search, check, disputes, errors.

Most tests run once per backend through the `archive` fixture; the comparison tests ingest the same
real files into both and ask both the same questions.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA, SEED, database_url

from misquote import Archive
from misquote.errors import QueryError, StoreError
from misquote.store import open_store
from misquote.text import words

GUTENBERG = CORPORA / "gutenberg" / "authors"
BOOKS = [
    GUTENBERG / "Wilde_Oscar" / "The_Ballad_of_Reading_Gaol.txt",
    GUTENBERG / "Twain_Mark" / "On_the_Decay_of_the_Art_of_Lying.txt",
    GUTENBERG / "Franklin_Benjamin" / "Franklin_s_Way_to_Wealth_or_Poor_Richard_Improved.txt",
]

QUOTES = [
    pytest.param("Yet each man kills the thing he loves", "Oscar Wilde", "verbatim", id="verbatim"),
    pytest.param(
        "I do not mean to suggest that the custom of lying has suffered any decay ... the Lie, as a Virtue, "
        "A Principle, is eternal", "Mark Twain", "verbatim", id="ellipsis",
    ),
    pytest.param("Yet every man kills the thing he loves", "Oscar Wilde", "altered", id="altered"),
    pytest.param("Yet each man kills the thing he loves", "Mark Twain", "misattributed", id="misattributed"),
    pytest.param(  # Franklin's proverbs stand inside quotations of Poor Richard
        "early to bed, and early to rise, makes a man healthy, wealthy, and wise", "Benjamin Franklin",
        "misattributed", id="quoted-from",
    ),
    pytest.param(  # the interviewer's words, which she quotes in order to deny them
        "the spiritual father of Mao Tse-Tung, the Chinese communist leader", "Natalia Sedova", "misattributed",
        id="quoted-to-deny",
    ),
    pytest.param(
        "I consider the present Chinese regime, as well as the Russian regime", "Natalia Sedova", "verbatim",
        id="sedova",
    ),
    pytest.param("the quick brown fox jumps over the lazy dog", "Mark Twain", "not_found", id="not-found"),
]


def _copy(path: Path, where: Path) -> Path:
    """A copy of a real file at a path of its own, so a test may change it (its source key is its place)."""
    where.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(path, where / path.name))


# -- one backend at a time ----------------------------------------------------------------------
def test_sedova_letter_keeps_its_provenance(archive: Archive) -> None:
    doc = archive.ingest_one(SEED)
    assert (doc.title, doc.author, doc.written, doc.version) == (
        "Corrections to France-Soir Interview", "Natalia Sedova Trotsky", "1961-11-09", 1,
    )
    assert doc.id.startswith("trotsky-1961-corrections-to-france-soir-interview-")
    assert doc.transcriber == "Mike Bessler"
    assert archive.document(doc.id) == doc
    assert [a["name"] for a in archive.authors()] == ["Natalia Sedova Trotsky"]


def test_unchanged_file_is_not_stored_twice(archive: Archive) -> None:
    first = archive.ingest([SEED, *BOOKS])
    again = archive.ingest([SEED, *BOOKS])
    assert (len(first.added), first.unchanged, first.failed) == (4, [], [])
    assert (again.added, len(again.unchanged), again.new_version) == ([], 4, [])
    assert archive.stats().versions == 4


def test_changed_file_becomes_a_new_version(archive: Archive, tmp_path: Path) -> None:
    letter = _copy(SEED, tmp_path / "archive" / "sedova")
    v1 = archive.ingest_one(letter)
    letter.write_text(letter.read_text(encoding="utf-8").replace("certainly not my words", "not my words"),
                      encoding="utf-8")
    v2 = archive.ingest_one(letter)
    assert (v2.id, v1.version, v2.version) == (v1.id, 1, 2)
    assert [(v["version"], v["current"]) for v in archive.versions(v1.id)] == [(1, 0), (2, 1)]
    assert archive.document(v1.id, 1) == v1
    assert archive.document(v1.id) == v2
    # the old wording stays readable but no longer counts as hers
    assert archive.check("These were certainly not my words", "Natalia Sedova").verdict != "verbatim"
    assert archive.check("These were not my words", "Natalia Sedova").verdict == "verbatim"
    stats = archive.stats()
    assert (stats.documents, stats.versions) == (1, 2)
    # the word index holds the current version alone: every posting is its, and df counts them
    vocab = archive.store.vocabulary({w for part in [*v1.paragraphs, *v1.notes] for w in words(part.text)})
    postings = archive.store.postings([wid for wid, _ in vocab.values()])
    assert len({doc for hits in postings.values() for doc, _ in hits}) == 1
    assert {w: df for w, (wid, df) in vocab.items()} == {w: len(postings.get(wid, [])) for w, (wid, _) in vocab.items()}
    assert vocab["certainly"][1] == 0


def test_search_finds_plain_words_with_snippets(archive: Archive) -> None:
    letter = archive.ingest_one(SEED)
    archive.ingest(BOOKS)
    hits = archive.search("spiritual father")
    assert {(h.document_id, h.paragraph) for h in hits} == {(letter.id, "p2"), (letter.id, "p3")}
    for hit in hits:
        assert "[spiritual]" in hit.snippet and "[father]" in hit.snippet
        assert "spiritual father" in hit.text


@pytest.mark.parametrize("q", ["Trotsky OR Stalin", "-Trotsky Stalin", '"Stalin', "NOT Stalin AND"])
def test_search_never_reads_plain_words_as_syntax(archive: Archive, q: str) -> None:
    archive.ingest_one(SEED)
    hits = archive.search(q)  # no error, and every word (even "or", "not") must be in the passage
    assert all(w.strip('"-').lower() in h.text.lower() for h in hits for w in q.split())


def test_search_by_author_and_limit(archive: Archive) -> None:
    archive.ingest([SEED, *BOOKS])
    assert {h.author for h in archive.search("man", author="Oscar Wilde", limit=5)} == {"Oscar Wilde"}
    assert len(archive.search("man", limit=3)) == 3
    with pytest.raises(QueryError):
        archive.search("   ")


def test_disputes_are_recorded_once_and_change_the_verdict(archive: Archive) -> None:
    letter = archive.ingest_one(SEED)
    quote = "the spiritual father of Mao Tse-Tung"
    first = archive.add_dispute("Natalia Sedova", quote, "France-Soir", date="1961-11-07",
                                rebuttal=f"{letter.id}#p2")
    again = archive.add_dispute("Natalia Sedova", quote, "France-Soir", date="1961-11-07",
                                rebuttal=f"{letter.id}#p3")
    assert first.id == again.id == 1
    assert [d.to_dict() for d in archive.disputes()] == [again.to_dict()]
    verdict = archive.check("Trotsky was the spiritual father of Mao Tse-Tung", "Natalia Sedova")
    assert verdict.verdict == "disputed"
    assert verdict.dispute is not None and verdict.dispute.paragraph == "p3"


def test_all_passages_and_stats_agree(archive: Archive) -> None:
    archive.ingest([SEED, *BOOKS])
    passages = list(archive.store.all_passages())
    stats = archive.stats()
    assert len(passages) == stats.paragraphs + stats.notes
    assert sum(1 for p in passages if p.kind == "note") == stats.notes
    assert {a for a, _ in stats.by_author} == {"Natalia Sedova Trotsky", "Oscar Wilde", "Mark Twain",
                                               "Benjamin Franklin"}
    wilde, twain = ({p.doc for p in archive.store.all_passages(name)} for name in ("Oscar Wilde", "Mark Twain"))
    assert len(wilde) == len(twain) == 1 and wilde != twain


# -- databases misquote must refuse -------------------------------------------------------------
def _execute(url: str, *statements: str) -> None:
    """Run SQL on either backend behind misquote's back (to damage or age a database)."""
    if url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement.encode())
    else:
        with sqlite3.connect(url) as conn:
            for statement in statements:
                conn.execute(statement)


def test_newer_schema_is_refused(db_url: str) -> None:
    open_store(db_url).close()
    _execute(db_url, "INSERT INTO migrations VALUES (99, 'from the future', '2099-01-01')")
    with pytest.raises(StoreError, match="schema version 99, newer than this misquote"):
        open_store(db_url)


def test_foreign_database_is_refused(db_url: str) -> None:
    _execute(db_url, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")
    with pytest.raises(StoreError, match="not a misquote archive"):
        open_store(db_url)


def test_corrupt_sqlite_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"this is not an SQLite file at all" * 100)
    with pytest.raises(StoreError, match="not a misquote database"):
        open_store(bad)


def test_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(StoreError, match="unknown database URL"):
        open_store("mysql://localhost/misquote")


# -- both backends, same data, same answers ------------------------------------------------------
@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Archive]]:
    """The seed letter and three books ingested into an SQLite and a PostgreSQL archive."""
    tmp = tmp_path_factory.mktemp("both")
    with database_url("sqlite", tmp) as lite_url, database_url("postgresql", tmp) as pg_url:
        archives = {"sqlite": Archive(lite_url), "postgresql": Archive(pg_url)}
        try:
            for a in archives.values():
                letter = a.ingest_one(SEED)
                a.ingest(BOOKS, workers=1)
                a.add_dispute("Natalia Sedova", "Trotsky can in no way be the spiritual father of Mao",
                              "a made-up paper", rebuttal=letter.id)
            yield archives
        finally:
            for a in archives.values():
                a.close()


@pytest.mark.parametrize(("quote", "author", "expected"), QUOTES)
def test_check_answers_the_same_on_both(both: dict[str, Archive], quote: str, author: str, expected: str) -> None:
    lite, pg = (both[b].check(quote, author).to_dict() for b in ("sqlite", "postgresql"))
    assert lite["verdict"] == expected
    assert pg == lite


def test_disputed_check_is_the_same_on_both(both: dict[str, Archive]) -> None:
    quote = "Trotsky can in no way be the spiritual father of Mao"
    lite, pg = (both[b].check(quote, "Natalia Sedova").to_dict() for b in ("sqlite", "postgresql"))
    assert lite["verdict"] == "disputed"
    assert pg == lite


def _listing(a: Archive) -> dict[str, Any]:
    return {
        "dump": list(a.store.dump()),
        "documents": a.documents(),
        "authors": a.authors(),
        "stats": {**a.stats().__dict__, "by_author": sorted(a.stats().by_author)},
        "versions": [
            {k: v for k, v in row.items() if k != "ingested_at"}
            for doc in a.documents()
            for row in a.versions(doc["id"])
        ],
        "disputes": [d.to_dict() for d in a.disputes()],
    }


def test_listings_and_dump_are_the_same_on_both(both: dict[str, Archive]) -> None:
    assert _listing(both["postgresql"]) == _listing(both["sqlite"])


def test_word_index_is_the_same_on_both(both: dict[str, Archive]) -> None:
    words = ["each", "man", "kills", "the", "thing", "he", "loves", "wealthy", "tse", "nowhere-word"]
    lite, pg = (both[b].store for b in ("sqlite", "postgresql"))
    lite_vocab, pg_vocab = lite.vocabulary(words), pg.vocabulary(words)
    assert {w: df for w, (_, df) in pg_vocab.items()} == {w: df for w, (_, df) in lite_vocab.items()}

    def positions(store: Any, vocab: dict[str, tuple[int, int]]) -> dict[str, list[tuple[str, bytes]]]:
        found = store.postings([wid for wid, _ in vocab.values()])
        rows = store.doc_rows({doc for rows in found.values() for doc, _ in rows})
        by_id = {wid: w for w, (wid, _) in vocab.items()}
        return {by_id[wid]: sorted((rows[doc].id, blob) for doc, blob in hits) for wid, hits in found.items()}

    assert positions(pg, pg_vocab) == positions(lite, lite_vocab)


def test_search_finds_the_same_passages_on_both(both: dict[str, Archive]) -> None:
    for q in ["spiritual father", "thing he loves", "healthy wealthy wise", "lying"]:
        lite, pg = (sorted((h.document_id, h.paragraph) for h in both[b].search(q, limit=500))
                    for b in ("sqlite", "postgresql"))
        assert pg == lite, q
