"""The quote check on real archive text: every verdict, the evidence, and bad input."""

from __future__ import annotations

import pytest

from misquote import Archive
from misquote.errors import QueryError
from tests.conftest import CORPORA, SEED

BRUMAIRE = CORPORA / "mia/html/marx/works/1852/18th-brumaire/ch01.htm"
WILDE = CORPORA / "gutenberg/authors/Wilde_Oscar/Miscellaneous_Aphorisms_The_Soul_of_Man.txt"
TWAIN = CORPORA / "gutenberg/authors/Twain_Mark/A_Dog_s_Tale.txt"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Sedova's letter, Marx's Eighteenth Brumaire (ch. 1), Wilde's aphorisms and a Twain story."""
    with Archive(tmp_path_factory.mktemp("check") / "archive.db") as a:
        report = a.ingest([SEED, BRUMAIRE, WILDE, TWAIN])
        assert not report.failed, report.failed
        yield a


def test_verbatim_with_evidence_and_citation(archive):
    v = archive.check("Men make their own history, but they do not make it as they please", "Karl Marx")
    assert (v.verdict, v.score, v.author) == ("verbatim", 1.0, "Karl Marx")
    m = v.matches[0]
    assert m.text == "Men make their own history, but they do not make it as they please"
    assert (m.identity, m.coverage, m.edits, m.quoted_from) == (1.0, 1.0, [], None)
    doc = archive.document(m.document_id)
    assert doc.text[m.start : m.end] == m.text
    assert m.paragraph in v.citation and "Karl Marx" in v.citation


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param("men make THEIR own history; but they do not make it — as they please!", id="case-punctuation"),
        pytest.param(
            "“The tradition of all dead generations weighs like a nightmare on the brains of the living.”",
            id="curly-quotes",
        ),
        pytest.param(
            "Men make their own history ... they do not make it under self-selected circumstances", id="ellipsis"
        ),
        pytest.param("Men make their own history, but they [men] do not make it as they please", id="editorial"),
        pytest.param("make their own history, but they do not make it", id="truncated"),
    ],
)
def test_verbatim_variants(archive, quote):
    assert archive.check(quote, "Marx").verdict == "verbatim"


@pytest.mark.parametrize(
    ("quote", "edits"),
    [
        pytest.param(
            "Men make their own history, but they do not make it just as they wish",
            [("insert", "just", ""), ("substitute", "wish", "please")],
            id="two-words",
        ),
        pytest.param(
            "Men make their own history, but they do not make it as they pleese",
            [("substitute", "pleese", "please")],
            id="ocr-noise",
        ),
        pytest.param(
            "The tradition of all the dead generations weighs like a nightmare on the brains of living",
            [("insert", "the", ""), ("delete", "", "the")],
            id="insert-delete",
        ),
    ],
)
def test_altered_lists_the_word_edits(archive, quote, edits):
    v = archive.check(quote, "Karl Marx")
    assert v.verdict == "altered"
    assert [(e.op, e.quote, e.source) for e in v.matches[0].edits] == edits
    assert 0.75 <= v.score < 1


def test_spliced_fragments_from_different_paragraphs(archive):
    quote = (
        "Men make their own history, but they do not make it as they please "
        "the heroes as well as the parties and the masses of the old French Revolution"
    )
    v = archive.check(quote, "Karl Marx")
    assert v.verdict == "spliced"
    assert len(v.matches) == 2 and v.matches[0].paragraph != v.matches[1].paragraph


def test_misattributed_names_the_real_author(archive):
    v = archive.check("The only way to get rid of a temptation is to yield to it", "Mark Twain")
    assert v.verdict == "misattributed"
    assert v.real_authors == ["Oscar Wilde"]
    assert v.matches[0].author == "Oscar Wilde"


def test_words_someone_else_said_inside_the_authors_letter_are_not_hers(archive):
    # Sedova quotes the interview's words in order to deny them: without a dispute on record,
    # they are still not her words.
    v = archive.check("the greatest revolutionary of the modern times", "Natalia Sedova")
    assert v.verdict == "misattributed"
    assert v.matches[0].quoted_from


def test_words_found_only_where_the_author_is_unknown_are_not_found_rather_than_misattributed(tmp_path):
    # De Leon's translation of the Brumaire, a plain text with no header: its author is not recorded
    de_leon = CORPORA / "gutenberg/marxists/The_Eighteenth_Brumaire_of_Louis_Bonaparte.txt"
    with Archive(tmp_path / "a.db") as a:
        a.ingest([de_leon, BRUMAIRE])
        v = a.check("Man makes his own history, but he does not make it out of the whole cloth", "Karl Marx")
    assert (v.verdict, v.real_authors) == ("not_found", [])
    assert v.matches[0].author == "Unknown" and v.matches[0].identity == 1.0
    assert "whose author the archive does not record" in v.explanation


def test_reported_speech_in_the_authors_text_is_still_the_authors_wording(tmp_path):
    # The paragraph reads like reported speech to the extractor, but it stands in no quote marks:
    # these are Nietzsche's own words.
    nietzsche = CORPORA / "gutenberg/authors/Nietzsche_Friedrich_Wilhelm/Thoughts_out_of_Season_Part_I.txt"
    with Archive(tmp_path / "a.db") as a:
        a.ingest([nietzsche])
        v = a.check("An opposition so devoid of pity is not as a rule found amongst you", "Friedrich Nietzsche")
    assert (v.verdict, v.matches[0].quoted_from) == ("verbatim", None)


def test_france_soir_words_are_disputed_after_detection(tmp_path):
    with Archive(tmp_path / "a.db") as a:
        a.ingest([SEED])
        assert a.check("the spiritual father of Mao Tse-Tung", "Natalia Sedova").verdict == "verbatim"
        [proposal] = a.detect_disputes()
        assert proposal.published_in == "France-Soir"
        assert proposal.quote.startswith("She (i.e., myself) hopes, before she dies")
        a.accept_dispute(proposal)
        v = a.check("the spiritual father of Mao Tse-Tung", "Natalia Sedova")
        assert v.verdict == "disputed"
        assert v.dispute.published_in == "France-Soir"
        assert v.dispute.paragraph == proposal.paragraph
        assert v.dispute.date == "1961-11-09"
        assert "Corrections to France-Soir Interview" in v.citation


def test_not_found_lists_the_closest_passages(archive):
    v = archive.check(
        "It is a truth universally acknowledged, that a single man in possession of a good fortune", "Karl Marx"
    )
    assert v.verdict == "not_found"
    assert v.score < 0.75


def test_ambiguous_surname_checks_every_candidate(tmp_path):
    with Archive(tmp_path / "a.db") as a:
        a.ingest([SEED])
        a.store.add_documents(
            "f" * 64, "x/trotsky.txt", [_doc("Leon Trotsky", "The permanent revolution is the answer")]
        )
        v = a.check("a great revolutionary like Leon Trotsky", "Trotsky")
        assert v.verdict == "verbatim"
        assert v.candidates == ["Leon Trotsky", "Natalia Sedova Trotsky"]


def _doc(author, text):
    from misquote.model import Document, Paragraph

    return Document(title="T", author=author, paragraphs=[Paragraph("", text)], source_key="x").finalize()


@pytest.mark.parametrize(
    ("quote", "author", "message"),
    [
        pytest.param("", "Karl Marx", "the quote is empty", id="empty"),
        pytest.param("two words", "Karl Marx", "at least 3 words", id="too-short"),
        pytest.param("word " * 30_000, "Karl Marx", "the limit is", id="huge"),
        pytest.param("Men make their own history", "Rosa Luxemburg", "closest names are", id="unknown-author"),
        pytest.param("Men make their own history", "", "no author given", id="no-author"),
        pytest.param("\x00\x01\x02", "Karl Marx", "the quote", id="control-characters"),
    ],
)
def test_bad_input_is_a_clear_error(archive, quote, author, message):
    with pytest.raises(QueryError, match=message):
        archive.check(quote, author)


def test_other_script_is_a_well_defined_verdict(archive):
    assert archive.check("Люди сами делают свою историю", "Karl Marx").verdict == "not_found"


def test_empty_archive_says_so(tmp_path):
    with Archive(tmp_path / "empty.db") as a, pytest.raises(QueryError, match="archive is empty"):
        a.check("Men make their own history", "Karl Marx")


def test_json_shape_is_the_contract(archive):
    data = archive.check("Men make their own history", "Karl Marx").to_dict()
    assert set(data) >= {"id", "verdict", "score", "author", "matches", "dispute", "citation"}
    assert set(data["matches"][0]) == {
        "document_id",
        "author",
        "title",
        "written",
        "paragraph",
        "start",
        "end",
        "text",
        "identity",
        "coverage",
        "edits",
        "quoted_from",
    }


def test_words_quoted_without_a_named_speaker_are_someone_elses_not_they(tmp_path):
    # Marx quotes the unions' motto, then "they ought to inscribe...": `they` names no one
    ch03 = CORPORA / "mia/html/marx/works/1865/value-price-profit/ch03.htm"
    with Archive(tmp_path / "a.db") as a:
        a.ingest([ch03])
        v = a.check("a fair day's wage for a fair day's work", "Karl Marx")
    assert v.verdict == "misattributed"
    assert {m.quoted_from for m in v.matches} == {"someone quoted by the author"}
