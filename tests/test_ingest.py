"""The readers on the real corpora: every file read or refused for a stated reason, and hand-checked pages."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPORA, SEED
from selectolax.lexbor import LexborHTMLParser

from misquote.errors import IngestError
from misquote.ingest import READERS, is_content_file, names, read, sniff
from misquote.ingest.header import is_known_label, label_field, parse_date, parse_lines
from misquote.ingest.mia import parse_info_block
from misquote.model import Document, Note

FOLDERS = ["mia/html", "mia/markdown", "mia/epub-html", "gutenberg/authors", "gutenberg/marxists"]


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict[str, Any]]:
    """Read every content file of the corpora once: per folder the documents read and the refusals."""
    result: dict[str, dict[str, Any]] = {}
    for folder in FOLDERS:
        files = sorted(p for p in (CORPORA / folder).rglob("*") if p.is_file())
        read_ok: dict[str, list[Document]] = {}
        refused: dict[str, str] = {}
        for path in files:
            if not is_content_file(path):
                continue
            try:
                read_ok[str(path.relative_to(CORPORA))] = read(path)
            except IngestError as exc:
                refused[str(path.relative_to(CORPORA))] = exc.reason
        skipped = [p.name for p in files if not is_content_file(p)]
        result[folder] = {"read": read_ok, "refused": refused, "skipped": skipped}
    return result


def reason_kind(reason: str) -> str:
    return reason.split(":")[0]


@pytest.mark.parametrize(
    ("folder", "n_read", "refusals", "skipped"),
    [
        pytest.param("mia/html", 153, {"navigation page": 48, "stub page": 12}, ["SOURCE.md"], id="mia-html"),
        pytest.param("mia/markdown", 373, {"navigation page": 11}, ["SOURCE.md"], id="mia-markdown"),
        pytest.param(
            "mia/epub-html",
            26,
            {"navigation page": 3, "stub page": 1},
            ["SOURCE.md", "toc.ncx", "content.opf", "toc.ncx"],
            id="mia-epub-html",
        ),
        pytest.param("gutenberg/authors", 160, {}, ["SOURCE.md", "manifest.json"], id="gutenberg-authors"),
        pytest.param("gutenberg/marxists", 8, {}, ["SOURCE.md"], id="gutenberg-marxists"),
    ],
)
def test_every_corpus_file_is_read_or_refused_for_a_reason(
    outcomes: dict[str, dict[str, Any]], folder: str, n_read: int, refusals: dict[str, int], skipped: list[str]
) -> None:
    got = outcomes[folder]
    assert len(got["read"]) == n_read
    assert dict(collections.Counter(reason_kind(r) for r in got["refused"].values())) == refusals
    assert sorted(got["skipped"]) == sorted(skipped)
    for docs in got["read"].values():
        assert len(docs) == 1
        assert docs[0].paragraphs and docs[0].id and docs[0].title and docs[0].author


def test_stub_pages_are_the_ones_the_archive_marks_no_longer_available(outcomes: dict[str, dict[str, Any]]) -> None:
    marked = {
        str(p.relative_to(CORPORA))
        for p in (CORPORA / "mia/html").rglob("*.htm")
        if b"File No Longer Available" in p.read_bytes()
    }
    stubs = {key for key, reason in outcomes["mia/html"]["refused"].items() if reason.startswith("stub page")}
    assert stubs == marked


def test_formats_are_sniffed_per_folder(outcomes: dict[str, dict[str, Any]]) -> None:
    formats = {
        folder: dict(collections.Counter(docs[0].format for docs in got["read"].values()))
        for folder, got in outcomes.items()
    }
    assert formats == {
        "mia/html": {"mia-html": 153},
        "mia/markdown": {"markdown": 362, "mia-html": 11},  # 13 pages were left as .html by the converter
        "mia/epub-html": {"mia-html": 26},
        "gutenberg/authors": {"gutenberg": 160},
        "gutenberg/marxists": {"plain": 8},  # PG header already stripped upstream
    }


def test_gutenberg_licence_is_not_part_of_any_work(outcomes: dict[str, dict[str, Any]]) -> None:
    for docs in outcomes["gutenberg/authors"]["read"].values():
        text = docs[0].text
        assert "Project Gutenberg Literary Archive Foundation" not in text
        assert "START OF TH" not in text[:500]
        assert docs[0].url and docs[0].url.startswith("https://www.gutenberg.org/ebooks/")


def test_gutenberg_ebook_numbers_agree_with_the_manifest(outcomes: dict[str, dict[str, Any]]) -> None:
    manifest = json.loads((CORPORA / "gutenberg/authors/manifest.json").read_text())
    read_ok = outcomes["gutenberg/authors"]["read"]
    present = [e for e in manifest if (CORPORA / "gutenberg/authors" / e["file"]).exists()]
    assert len(present) == 160  # the manifest lists 162; two files are held back from this copy
    for entry in present:
        if not entry["pg_ebook_no"]:
            continue  # the manifest missed "[Etext #2009]"; the reader does not
        doc = read_ok["gutenberg/authors/" + entry["file"]][0]
        assert doc.extra.get("ebook") == entry["pg_ebook_no"], entry["file"]


def test_gutenberg_authors_are_first_last_and_folders_agree(outcomes: dict[str, dict[str, Any]]) -> None:
    for key, docs in outcomes["gutenberg/authors"]["read"].items():
        author = docs[0].author
        assert "," not in author and "  " not in author and not author.endswith(".")
        surname = Path(key).parts[2].split("_")[0]
        # Anthologies and adaptations filed under an author name someone else.
        if surname not in author:
            assert author in {
                "Various",
                "Percy Fitzgerald",
                "C. Z. Barnett",
                "Charles A. Scott",
                "Rennell Rodd",
                "Abbott Lawrence Rotch",
                "Frank Luther Mott",
                "F. W. Nietzsche",
            }, key


# ---- the seed, whole -----------------------------------------------------------------------------


def test_seed_keeps_its_provenance_footnote_and_letter_ending() -> None:
    (doc,) = read(SEED)
    assert doc.format == "archive-text"
    assert {
        "title": doc.title,
        "author": doc.author,
        "written": doc.written,
        "written_raw": doc.written_raw,
        "first_published": doc.first_published,
        "first_published_date": doc.first_published_date,
        "source": doc.source,
        "online_version": doc.online_version,
        "transcriber": doc.transcriber,
        "header": doc.header,
        "extra": doc.extra,
    } == {
        "title": "Corrections to France-Soir Interview",
        "author": "Natalia Sedova Trotsky",
        "written": "1961-11-09",
        "written_raw": "November 9, 1961",
        "first_published": "1971 (English translation)",
        "first_published_date": "1971",
        "source": "Natalia Trotsky and the Fourth International Pluto Press, 1972",
        "online_version": "Natalia Sedova Internet Archive, December 2001",
        "transcriber": "Mike Bessler",
        "header": [
            ("Written", "November 9, 1961"),
            ("First Published", "1971 (English translation)"),
            ("Source", "Natalia Trotsky and the Fourth International Pluto Press, 1972"),
            ("Online Version", "Natalia Sedova Internet Archive, December 2001"),
            ("Transcribed/HTML Markup", "Mike Bessler"),
        ],
        "extra": {},
    }
    # The footnote is the archive's, not hers: an editorial note, so not one of her footnotes.
    assert doc.notes == [
        Note(
            label="1",
            text="This document was written by Natalia Sedova shortly before her death and is purported to be "
            "her last written statement. The statement was published in its entirety in one edition of "
            "France-Soir. It was printed in abbreviated form in other editions.",
            by="MIA",
            kind="editorial",
            refs=["p8"],
        )
    ]
    assert doc.footnotes == []
    shape = [(p.anchor, p.kind, p.notes, p.text[:30]) for p in doc.paragraphs]
    assert shape == [
        ("p1", "text", [], "Monsieur le Directeur:"),
        ("p2", "text", [], "In the interview written by Mi"),
        ("p3", "text", [], "1. A great revolutionary like "),
        ("p4", "text", [], "2. I consider the present Chin"),
        ("p5", "text", [], "3. The police terror and the s"),
        ("p6", "signature", [], "Yours faithfully,"),
        ("p7", "signature", [], "Natalia Sedova Trotsky"),
        ("p8", "dateline", ["1"], "Paris, November 9 1961"),
    ]
    assert "natalia in red" not in doc.text


# ---- hand-checked pages, one summary each ------------------------------------------------------------


def summary(doc: Document) -> dict[str, Any]:
    """The fields checked by eye against each file."""
    return {
        "author": doc.author,
        "title": doc.title,
        "written": doc.written,
        "first_published": doc.first_published,
        "source": doc.source,
        "transcriber": doc.transcriber,
        "translator": doc.translator,
        "notes": len(doc.notes),
        "footnotes": len(doc.footnotes),
        "first": doc.paragraphs[0].text[:50],
        "last": doc.paragraphs[-1].text[:50],
    }


def page(author: str, title: str, **kw: Any) -> dict[str, Any]:
    base = dict.fromkeys(("written", "first_published", "source", "transcriber", "translator"))
    base.update({"author": author, "title": title, "notes": 0, "footnotes": 0})
    base.update(kw)
    return base


HAND_CHECKED = [
    pytest.param(
        "mia/html/marx/works/1852/18th-brumaire/ch01.htm",
        page(
            "Karl Marx",
            "The Eighteenth Brumaire of Louis Bonaparte: I",
            notes=5,
            footnotes=5,
            first="I",
            last="During the June days all classes and parties had u",
        ),
        id="html-brumaire-footnotes-in-p-information",
    ),
    pytest.param(
        "mia/html/marx/works/1848/communist-manifesto/ch01.htm",
        page(
            "Karl Marx",
            "Manifesto of the Communist Party",
            notes=4,
            footnotes=4,
            first="A spectre is haunting Europe — the spectre of comm",
            last="The essential conditions for the existence and for",
        ),
        id="html-manifesto-breadcrumb-title-engels-notes",
    ),
    pytest.param(
        "mia/html/lenin/works/1913/mar/x01.htm",
        page(
            "Vladimir Ilyich Lenin",
            "The Three Sources and Three Component Parts of Marxism",
            first_published="Prosveshcheniye No 3., March 1913. Signed: V. I.. Published according to the "
            "Prosveshcheniye text.",
            source="Lenin’s Collected Works, Progress Publishers, 1977, Moscow, Volume 19, pages 21-28.",
            transcriber="Lee Joon Koo and Marc Luzietti; K. Goins (2008)",
            translator="The Late George Hanna",
            first="This article was published in 1913 in Prosveshchen",
            last="Independent organisations of the proletariat are m",
        ),
        id="html-lenin-published-label-original-transcription",
    ),
    pytest.param(
        "mia/html/lenin/works/1914/granat/ch01.htm",
        page(
            "Vladimir Ilyich Lenin",
            "Karl Marx",
            notes=13,
            footnotes=2,  # two notes signed "—Lenin"
            first="A Brief Biographical Sketch With an Exposition of ",
            last="His wife died on December 2, 1881, and on March 14",
        ),
        id="html-lenin-ednotes",
    ),
    pytest.param(
        "mia/html/marx/works/1871/letters/71_04_17.htm",
        page(
            "Karl Marx",
            "Marx-Engels Correspondence: Marx to Ludwig Kugelmann In Hanover",
            written="1871-04-17",
            first_published="Gestamtausgabe",
            source="Marx and Engels Correspondence",
            transcriber="Sally Ryan in 1999",
            notes=1,
            footnotes=1,
            first="Marx to Ludwig Kugelmann In Hanover",
            last="KM",
        ),
        id="html-letter-publisher-and-markup",
    ),
    pytest.param(
        "mia/html/marx/works/1884/origin-family/ch02d.htm",
        page(
            "Frederick Engels",
            "Origins of the Family, Private Property, and the State: II. The Family",
            notes=1,
            footnotes=1,
            first="II. The Family",
            last="When the fact is accepted that the family has pass",
        ),
        id="html-engels-under-marx-path",
    ),
    pytest.param(
        "mia/epub-html/out-OEBPS/ch01.htm",
        page(
            "Karl Marx",
            "Wage Labour and Capital: Preliminary",
            first="Preliminary",
            last="We shall seek to portray this as simply and popula",
        ),
        id="epub-wage-labour",
    ),
    pytest.param(
        "mia/markdown/archive/lafargue/1884/06/herbert-spencer.md",
        page(
            "Paul Lafargue",
            "A Few Words with Mr Herbert Spencer",
            written="1884",
            source="To-Day, Jan-June 1884, pp. 416-427",
            transcriber="Ted Crawford",
            notes=3,
            footnotes=3,
            first="Mr. Herbert Spencer, the English philosopher, of w",
            last="Paris, April, 1884.",
        ),
        id="md-info-spans-and-footnotes",
    ),
    pytest.param(
        "mia/markdown/archive/plekhanov/1907/dietzgen.md",
        page(
            "Georgi Plekhanov",
            "Joseph Dietzgen",
            written="1907",
            source="Georgi Plekhanov, Selected Philosophical Works, Volume 3 (Progress Publishers, Moscow, "
            "1976), pp. 100-16.",
            transcriber="Paul Flewers",
            first="Ernest Unterman, Antonio Labriola and Joseph Dietz",
            last="Looking at the matter from another angle, it would",
        ),
        id="md-plekhanov-editors-note-in-header",
    ),
    pytest.param(
        "mia/markdown/archive/connolly/1899/07/homec.md",
        page(
            "James Connolly",
            "Home Thrusts",
            written="1898",
            source="Republished in James Connolly: Lost Writings, (ed. Aindrias Ó Cathasaigh), Pluto Press 1997.",
            transcriber="Einde O'Callaghan for the Marxists' Internet Archive",
            first="Peace, blessed Peace!",
            last="SPAILPÍN.",
        ),
        id="md-connolly-free-text-header",
    ),
    pytest.param(
        "mia/markdown/archive/deleon/works/1906/060730.md",
        page(
            "Daniel De Leon",
            "THE DRUG HABIT",
            first="A contemporary yesterday published an article by a",
            last="The only cure is to eradicate the cause of the evi",
        ),
        id="md-deleon-no-rules",
    ),
    pytest.param(
        "mia/markdown/archive/deleon/works/1907/070629.md",
        page(
            "Daniel De Leon",
            "WITH MARX FOR TEXT",
            written="1907",
            first='"Only the economic organization is capable of sett',
            last="Marx has uttered many pregnant sentences. None mor",
        ),
        id="md-title-naming-marx-and-a-paper-dateline",
    ),
    pytest.param(
        "mia/markdown/archive/lafargue/1897/09/socialism-france.md",
        page(
            "Paul Lafargue",
            "Socialism in France 1874-1896",
            written="1897",
            source='Paul Lafargue, (trans. Aveling) "Socialism in France 1874-1896," Nineteenth Century, Sept 1897, '
            "pp. 445-458",
            transcriber="Ted Crawford",
            notes=1,
            footnotes=1,
            first="Scientific Socialism in France dates from the war ",
            last="PAUL LAFARGUE, (Translated by Edward Aveling)",
        ),
        id="md-byline-with-month",
    ),
    pytest.param(
        "gutenberg/authors/Darwin_Charles/On_the_Origin_of_Species_By_Means_of_Natural_Selection_Or_the_"
        "Preservation_of_Favoured_Races_in_the_Struggle_for_Life.txt",
        page(
            "Charles Darwin",
            "On the Origin of Species: 1st Edition",
            source="Project Gutenberg EBook #1228",
            first="ON THE ORIGIN OF SPECIES.",
            last="THE END.",
        ),
        id="pg-darwin-first-edition",
    ),
    pytest.param(
        "gutenberg/authors/Twain_Mark/The_Adventures_of_Tom_Sawyer.txt",
        page(
            "Mark Twain",
            "The Adventures of Tom Sawyer, Complete",
            source="Project Gutenberg EBook #74",
            first="THE ADVENTURES OF TOM SAWYER",
            last="Most of the characters that perform in this book s",
        ),
        id="pg-twain-pen-name",
    ),
    pytest.param(
        "gutenberg/marxists/marx-communist-manifesto.txt",
        page(
            "Unknown",
            "Marx Communist Manifesto",
            first="A spectre is haunting Europe—the spectre of Commun",
            last="WORKING MEN OF ALL COUNTRIES, UNITE!",
        ),
        id="plain-title-from-file-name",
    ),
    pytest.param(
        "collation/frankenstein/2023-variorum-chapters/f1818_vol_1_chapter_i.xml",
        page(
            "Unknown",
            "Bridge Phase 6: f1818 vol 1 chapter i",
            source="Produced from a corpus of collation output files for the Frankenstein Variorum digital "
            "edition on 2023-11-30T21:50:55.93184-05:00.",
            first="CHAPTER I.",
            last="Such was our domestic circle, from which care and ",
        ),
        id="tei-frankenstein-1818",
    ),
]


@pytest.mark.parametrize(("relpath", "expected"), HAND_CHECKED)
def test_hand_checked_page(relpath: str, expected: dict[str, Any]) -> None:
    (doc,) = read(CORPORA / relpath)
    assert summary(doc) == expected


def test_gutenberg_header_fields_and_pen_name_alias() -> None:
    (doc,) = read(CORPORA / "gutenberg/authors/Twain_Mark/The_Adventures_of_Tom_Sawyer.txt")
    assert (doc.authors, doc.language, doc.extra["ebook"]) == (["Mark Twain", "Samuel Clemens"], "en", "74")


def test_gutenberg_translator() -> None:
    (doc,) = read(CORPORA / "gutenberg/authors/Nietzsche_Friedrich_Wilhelm/Beyond_Good_and_Evil.txt")
    assert (doc.author, doc.translator) == ("Friedrich Nietzsche", "Helen Zimmern")


def test_manuscript_witness_reads_final_text_without_deletions() -> None:
    (doc,) = read(CORPORA / "collation/frankenstein/2023-variorum-chapters/fMS_box_c56_ch_v_113.xml")
    assert doc.paragraphs[1].text.startswith("He then put the following letter into my hands.")
    assert "Apri" not in doc.paragraphs[1].text  # <del>Apri</del><mdel>l</mdel> <add>March</add>
    assert "March" in doc.paragraphs[1].text


def test_editor_notes_and_their_references_in_lenin() -> None:
    (doc,) = read(CORPORA / "mia/html/lenin/works/1914/granat/ch01.htm")
    first = doc.notes[0]
    assert (first.label, first.by, first.kind) == ("1", "Editor", "editorial")
    assert first.text.startswith("This “Bibliography” written by Lenin")
    assert doc.paragraph(first.refs[0]).notes[:2] == ["1", "2"]
    assert all(n.refs for n in doc.notes)


def test_manifesto_notes_by_engels_are_his() -> None:
    (doc,) = read(CORPORA / "mia/html/marx/works/1848/communist-manifesto/ch01.htm")
    assert [(n.label, n.by) for n in doc.notes] == [("1", None), ("2", "Engels"), ("3", "Engels"), ("4", "Engels")]
    assert doc.notes[3].text.endswith("France. [Engels, 1888 English Edition]")


# ---- the header parser on every real header block ---------------------------------------------------------


@pytest.fixture(scope="module")
def awd_blocks() -> list[str]:
    html = (CORPORA / "mia/infoblocks/awd.html").read_text(encoding="utf-8")
    return [node.html or "" for node in LexborHTMLParser(html).css("p.information")]


def test_every_awd_header_block_parses_with_nothing_lost(awd_blocks: list[str]) -> None:
    assert len(awd_blocks) == 917
    unknown: collections.Counter[str] = collections.Counter()
    for block in awd_blocks:
        header = parse_info_block(block)
        assert header.pairs and header.fields, block[:200]
        for label, value in header.pairs:
            unknown.update([label] if not is_known_label(label) else [])
            name = label_field(label)
            # Every pair lands somewhere: its field, or `extra` under its own label.
            if name is None or (value not in header.fields.get(name, "") and name not in ("transcriber", "translator")):
                assert label in header.extra and value in header.extra[label], (label, value)
    assert unknown == collections.Counter()


def test_awd_fields_have_expected_coverage(awd_blocks: list[str]) -> None:
    counts = collections.Counter(name for block in awd_blocks for name in parse_info_block(block).fields)
    assert counts["source"] >= 900 and counts["transcriber"] >= 900 and counts["translator"] >= 850
    assert counts["first_published"] + counts["written"] >= 900


@pytest.mark.parametrize(
    ("lines", "fields", "extra"),
    [
        pytest.param(
            ["Written: 10 November, 1917", "Transcription\\Markup: R. Cymbala", "Delivered: 12 November 1917"],
            {"written": "10 November, 1917", "transcriber": "R. Cymbala"},
            {"Delivered": "12 November 1917"},
            id="second-date-goes-to-extra",
        ),
        pytest.param(
            ["Source: Works, Vol. 2;", "Publisher: Progress;", "Weather Report: sunny"],
            {"source": "Works, Vol. 2"},
            {"Publisher": "Progress", "Weather Report": "sunny"},
            id="unknown-label-kept-in-extra",
        ),
        pytest.param(
            ["Transcription & HTML Markup: Charles Farrell", "Proofread: by Alvaro Miranda."],
            {"transcriber": "Charles Farrell; Alvaro Miranda"},
            {},
            id="credits-joined",
        ),
        pytest.param(
            ["From Workers' Republic, July 1, 1899", "Transcribed by The James Connolly Society in 1997."],
            {
                "first_published": "From Workers' Republic, July 1, 1899",
                "transcriber": "The James Connolly Society in 1997",
            },
            {},
            id="free-text-header-lines",
        ),
    ],
)
def test_header_lines(lines: list[str], fields: dict[str, str], extra: dict[str, str]) -> None:
    header = parse_lines(lines, strict=True)
    assert (header.fields, header.extra) == (fields, extra)
    assert len(header.pairs) == len(lines)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        pytest.param("November 9, 1961", "1961-11-09", id="month-day-year"),
        pytest.param("10 November, 1917", "1917-11-10", id="day-month-year"),
        pytest.param("Written prior to May 5, 1914", "1914-05-05", id="prose-around"),
        pytest.param("December 1851 - March 1852", "1851-12", id="range-keeps-start"),
        pytest.param("1857–58", "1857", id="year-range"),
        pytest.param("April 12-17, 1871", "1871-04-12", id="day-range"),
        pytest.param("Published April 22 (O.S.), 1914, in", "1914-04-22", id="old-style"),
        pytest.param("Written at the beginning of January 19O5", "1905-01", id="letter-o-typo"),
        pytest.param("Late 1847", "1847", id="year-only"),
        pytest.param("no date at all", None, id="none"),
    ],
)
def test_parse_date(raw: str, iso: str | None) -> None:
    assert parse_date(raw) == iso


# ---- bad input ---------------------------------------------------------------------------------------------

STUB = (CORPORA / "mia/html/marx/works/1845/theses/feuerbach.htm").read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "fmt", "reason_start"),
    [
        pytest.param("empty.txt", b"", None, "empty file", id="empty"),
        pytest.param("blank.txt", b"  \n\n \t\n", None, "empty file", id="whitespace-only"),
        pytest.param("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary file", id="binary-nul"),
        pytest.param(
            "garbage.txt",
            bytes(range(0x80, 0xA0)) * 40 + b"\x01\x02\x03" * 50,
            None,
            "undecodable bytes",
            id="undecodable",
        ),
        pytest.param(
            "cut.htm",
            b"<html><head><title>Lenin</title></head><body>",
            None,
            "truncated or empty HTML",
            id="truncated-html",
        ),
        pytest.param("stub.htm", STUB, None, "stub page", id="stub-page"),
        pytest.param("x.dat", b"hello", "docx", "unknown format 'docx'", id="unknown-format"),
        pytest.param(
            "bad.xml",
            b'<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>',
            None,
            "malformed XML",
            id="truncated-tei",
        ),
        pytest.param(
            "pg.txt",
            b"The Project Gutenberg EBook of X\n\nTitle: X\n\nno start line here\n",
            None,
            "no `*** START OF THE PROJECT GUTENBERG EBOOK` line",
            id="gutenberg-without-start",
        ),
        pytest.param("doc.json", b'{"id": 3}', None, "JSON is not a misquote Document", id="json-not-document"),
    ],
)
def test_bad_input_is_refused_with_a_specific_reason(
    name: str, data: bytes, fmt: str | None, reason_start: str
) -> None:
    with pytest.raises(IngestError) as info:
        read(name, data, format=fmt)
    assert info.value.reason.startswith(reason_start), info.value.reason
    assert info.value.path == name and info.value.hint


def test_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(IngestError) as info:
        read("x.txt", b"text", format="docx")
    assert all(name in info.value.hint for name in READERS)
    assert sorted(READERS) == ["archive-text", "gutenberg", "json", "markdown", "mia-html", "plain", "tei"]


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300)
    with pytest.raises(IngestError) as info:
        read(big, max_bytes=1000)
    assert info.value.reason.startswith("file too large: 1,500 bytes is over the limit of 1,000 bytes")


def test_header_with_unknown_labels_keeps_them() -> None:
    data = (
        b"A Title\n\nWritten: 1 May 1920\nSource: Pravda\nWeather Report: sunny\nEditor's Remark: none\n\n"
        b"The body of the work is here, long enough to be a paragraph of text.\n"
    )
    (doc,) = read("x.txt", data)
    assert doc.format == "archive-text"
    assert doc.extra == {"Weather Report": "sunny", "Editor's Remark": "none"}
    assert [label for label, _ in doc.header] == ["Written", "Source", "Weather Report", "Editor's Remark"]


def test_charsets_declared_and_mislabelled() -> None:
    body = "<p>" + "Caussidière für Danton, la république en gants jaunes. " * 5 + "</p>"
    latin = f'<html><head><meta charset="iso-8859-1"><title>T</title></head><body>{body}</body></html>'
    cp1252 = latin.replace("iso-8859-1", "windows-1252").replace("Danton", "Danton’s")
    utf8_labelled_latin = latin  # a UTF-8 page that wrongly declares ISO-8859-1
    mojibake = latin.replace("iso-8859-1", "utf-8").replace("è", "Ã¨")
    texts = [
        read("a.htm", latin.encode("latin-1"))[0].text,
        read("b.htm", cp1252.encode("cp1252"))[0].text,
        read("c.htm", utf8_labelled_latin.encode("utf-8"))[0].text,
        read("d.htm", mojibake.encode("utf-8"))[0].text,
    ]
    assert all("Caussidière für Danton" in t for t in texts)
    assert "Danton’s" in texts[1]


def test_json_export_round_trips(tmp_path: Path) -> None:
    (doc,) = read(SEED)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(doc.to_dict()), encoding="utf-8")
    (again,) = read(path)
    assert again.to_dict() == doc.to_dict()


@pytest.mark.parametrize(
    ("path", "head", "fmt"),
    [
        pytest.param("a/page.htm", b"<!DOCTYPE HTML PUBLIC", "mia-html", id="html"),
        pytest.param("a/page.md", b"---\nlayout: default", "markdown", id="markdown"),
        pytest.param("a/x.xml", b'<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0">', "tei", id="tei"),
        pytest.param("a/x.txt", b"The Project Gutenberg EBook of X", "gutenberg", id="gutenberg"),
        pytest.param("a/x.txt", b"T\n\nWritten: 1917\nSource: Pravda\n", "archive-text", id="archive-text"),
        pytest.param("a/x.txt", b"Just some words.\n", "plain", id="plain"),
        pytest.param("a/x.json", b'{"title": "T"}', "json", id="json"),
    ],
)
def test_sniff(path: str, head: bytes, fmt: str) -> None:
    assert sniff(path, head) == fmt


@pytest.mark.parametrize(
    ("path", "content"),
    [
        pytest.param("mia/SOURCE.md", False, id="source-md"),
        pytest.param("gutenberg/authors/manifest.json", False, id="manifest"),
        pytest.param("out-OEBPS/toc.ncx", False, id="ncx"),
        pytest.param("out-OEBPS/content.opf", False, id="opf"),
        pytest.param(".hidden.txt", False, id="hidden"),
        pytest.param("marx/works/1852/ch01.htm", True, id="htm"),
        pytest.param("export/doc.json", True, id="json-export"),
    ],
)
def test_is_content_file(path: str, content: bool) -> None:
    assert is_content_file(path) is content


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("G V Plekhanov", "Georgi Plekhanov"),
        ("George V. Plekhanov", "Georgi Plekhanov"),
        ("Daniel DeLeon", "Daniel De Leon"),
        ("Eleanor Marx", None),  # a known surname with another first name is another person
        ("Paul Lafargue September", None),
    ],
)
def test_author_names_in_their_many_spellings(written: str, canonical: str | None) -> None:
    assert names.canonical(written) == canonical


def test_a_line_of_names_is_a_byline_a_title_naming_someone_is_not() -> None:
    assert names.only_names("James Connolly Daniel DeLeon")
    assert names.only_names("by Karl Marx and Frederick Engels")
    assert not names.only_names("With Marx for Text")
