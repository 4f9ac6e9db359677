"""misquote.article: every quotation of an article checked in one go, reported as a table, JSON, HTML or
ClaimReview, on the sample articles, a French text and a real news article read in place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPORA, ROOT, SEED

from misquote import Archive
from misquote.errors import QueryError

EXAMPLES = ROOT / "examples"
WORKS = [
    SEED,
    CORPORA / "mia/html/marx/works/1852/18th-brumaire/ch01.htm",
    CORPORA / "mia/html/marx/works/1884/origin-family/ch02d.htm",
    CORPORA / "gutenberg/authors/Wilde_Oscar/The_Picture_of_Dorian_Gray.txt",
    CORPORA / "gutenberg/authors/Twain_Mark/A_Dog_s_Tale.txt",
]
POLNEAR_DEV = CORPORA / "attribution/polnear/data/dev/text"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Marx's Eighteenth Brumaire, Engels, Wilde, Twain and Natalia Sedova's letter, with her denial recorded."""
    path = tmp_path_factory.mktemp("article") / "a.db"
    with Archive(path) as archive:
        report = archive.ingest(WORKS, workers=1)
        assert not report.failed, report.failed
        for proposal in archive.detect_disputes():
            archive.accept_dispute(proposal)
    return path


@pytest.fixture(scope="module")
def archive(db: Path):
    with Archive(db) as archive:
        yield archive


def outcome(report, start: str) -> tuple[str | None, str, str | None]:
    """(archive author, kind, verdict or the reason it was not checked) of the quotation starting so
    (the one that is exactly so, when several start alike)."""
    found = [q for q in report.quotations if q.quotation.text.startswith(start)]
    [q] = [q for q in found if q.quotation.text.rstrip(" ,.") == start.rstrip(" ,.")] if len(found) > 1 else found
    return q.author, q.quotation.kind, q.check.verdict if q.check else q.note


def test_the_sample_article_shows_every_verdict(archive: Archive) -> None:
    report = archive.check_article((EXAMPLES / "article-en.txt").read_bytes())
    assert outcome(report, "Men make their own history, but they do not make it as they please.") == (
        "Karl Marx", "direct", "verbatim"
    )
    assert outcome(report, "The tradition of all dead generations") == ("Karl Marx", "direct", "altered")
    assert outcome(report, "Men make their own history, but they do not make it as they please. The first") == (
        "Karl Marx", "direct", "spliced"
    )
    assert outcome(report, "The only way to get rid of a temptation") == ("Mark Twain", "direct", "misattributed")
    assert outcome(report, "history is written by those") == ("Frederick Engels", "direct", "not_found")
    assert outcome(report, "the spiritual father of Mao Tse-Tung") == ("Natalia Sedova Trotsky", "direct", "disputed")
    # the interviewee speaks, but is not an author of the archive: reported, not checked
    assert outcome(report, "People love a good line") == (None, "direct", "Morel is not an author in the archive")
    [wilde] = [q for q in report.quotations if q.check and q.check.verdict == "misattributed"]
    assert wilde.check.matches[0].author == "Oscar Wilde"


def test_indirect_speech_is_reported_as_such(archive: Archive) -> None:
    report = archive.check_article((EXAMPLES / "article-en.txt").read_bytes())
    indirect = [q for q in report.quotations if q.quotation.kind == "indirect"]
    assert any(q.quotation.text.startswith("to witness the rehabilitation of Trotsky") and
               q.author == "Natalia Sedova Trotsky" for q in indirect), [q.to_dict() for q in indirect]


def test_a_french_article(archive: Archive) -> None:
    report = archive.check_article((EXAMPLES / "article-fr.txt").read_bytes(), lang="fr")
    texts = {q.quotation.text: q for q in report.quotations}
    assert "Ce n’étaient certainement pas mes mots." in texts  # « ... » with French spacing
    assert texts["Ce n’étaient certainement pas mes mots."].author == "Natalia Sedova Trotsky"
    # Marx in translation, recalled by the historian: hers to answer for, and not in the archive
    recalled = texts["Les hommes font leur propre histoire, mais ils ne la font pas arbitrairement"]
    assert (recalled.quotation.kind, recalled.check) == ("direct", None)
    assert any(q.quotation.kind == "indirect" for q in report.quotations)  # « Selon elle, ... »


def test_claimreview_has_one_review_per_checked_quotation(archive: Archive) -> None:
    report = archive.check_article((EXAMPLES / "article-en.txt").read_bytes(), url="https://example.org/interview")
    graph = report.claimreview()["@graph"]
    reviews = [node for node in graph if node["@type"] == "ClaimReview"]
    assert len(reviews) == len(report.verdicts) >= 6
    by_claim = {r["claimReviewed"]: r for r in reviews}
    wilde = next(r for c, r in by_claim.items() if c.startswith("The only way to get rid of a temptation"))
    assert wilde["itemReviewed"]["@type"] == "Claim"
    assert wilde["itemReviewed"]["author"]["name"] == "Mark Twain"
    assert wilde["itemReviewed"]["appearance"]["url"] == "https://example.org/interview"
    assert wilde["reviewRating"]["alternateName"] == "misattributed"
    assert "Oscar Wilde" in wilde["reviewRating"]["ratingExplanation"]


def test_the_html_report_is_self_contained_and_inert(archive: Archive) -> None:
    hostile = (
        '<html><head><script>window.__pwned = 1</script></head><body><div class="ad">BUY NOW</div>'
        '<p>“Men make their own history, but they do not make it as they please.” '
        'said Karl Marx, who never wrote “&lt;img src=x onerror=alert(1)&gt; is the answer.”</p></body></html>'
    )
    html = archive.check_article(hostile).to_html()
    assert "window.__pwned" not in html and "BUY NOW" not in html  # scripts and ads are dropped
    assert "<img" not in html and "&lt;img src=x" in html  # the article's markup shows as text
    assert 'class="verbatim"' in html
    assert "http" not in html.split("<body>")[0]  # no stylesheet or script from elsewhere


def cli(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "misquote.cli", *map(str, args)], capture_output=True, text=True,
                          input=stdin)


def test_a_real_news_article_through_every_output(db: Path) -> None:
    """A PolNeAR news text, read in place (research use only: nothing of it is kept)."""
    article = next(p for p in sorted(POLNEAR_DEV.glob("*.txt")) if p.read_text(encoding="utf-8").count("“") >= 3)
    as_json = cli("check-article", article, "--db", db, "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert len(data["quotations"]) >= 3
    assert all(data["text"][q["start"]:q["end"]] == q["text"] for q in data["quotations"])
    assert {q["kind"] for q in data["quotations"]} <= {"direct", "indirect", "mention"}
    html = cli("check-article", article, "--db", db, "--html")
    assert html.returncode == 0 and html.stdout.startswith("<!doctype html>") and "<mark" in html.stdout
    review = cli("check-article", article, "--db", db, "--claimreview")
    assert review.returncode == 0 and json.loads(review.stdout)["@context"] == "https://schema.org"
    table = cli("check-article", article, "--db", db)
    assert table.returncode == 0 and "speaker" in table.stdout


def test_an_unbalanced_mark_does_not_swallow_the_rest(archive: Archive) -> None:
    text = ("The minister said “we will win this, and walked out.\n\n"
            "Later Karl Marx wrote “Men make their own history, but they do not make it as they please.”")
    report = archive.check_article(text)
    assert outcome(report, "Men make their own history") == ("Karl Marx", "direct", "verbatim")


def test_an_article_without_quotations_is_an_empty_report(db: Path) -> None:
    done = cli("check-article", "-", "--db", db, "--json", stdin="Nobody said anything today. The weather was fine.")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["quotations"] == []


def test_a_huge_article_is_refused_with_a_clear_error(archive: Archive, db: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("“Words, words, words,” he said. " * 700_000, encoding="utf-8")  # about 22 MB
    done = cli("check-article", big, "--db", db)
    assert done.returncode == 2
    assert "the limit is 5,000,000: split it into parts" in " ".join(done.stderr.split())
    with pytest.raises(QueryError, match="split it into parts"):
        archive.check_article(big.read_bytes())
