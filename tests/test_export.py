"""Exports of Natalia Sedova's letter (JSON, TEI, CSL-JSON, BibTeX, citation) and of verdicts (ClaimReview)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import SEED
from lxml import etree

from misquote import export
from misquote.errors import QueryError
from misquote.model import Dispute, Document, Edit, Match, Note, Paragraph, Verdict

TEI = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SEDOVA_ID = "trotsky-1961-corrections-to-france-soir-interview-cb792b"
TITLE = "Corrections to France-Soir Interview"
AUTHOR = "Natalia Sedova Trotsky"

P2 = (
    "In the interview written by Michel Gordey and published in France-Soir on Monday, November 7th, it "
    "says in the second paragraph “She (i.e., myself) hopes, before she dies, to witness the rehabilitation "
    "by world communism of the one (Trotsky) who was, after Lenin, the greatest revolutionary of the modern "
    "times and the spiritual father of Mao Tse-Tung, the Chinese communist leader.” These were certainly not "
    "my words; they were introduced by the author of the interview. I am therefore forced to clarify this by "
    "the following:"
)
P3 = (
    "1. A great revolutionary like Leon Trotsky can in no way be the spiritual father of Mao Tse-Tung, who "
    "achieved his position in China in direct struggle with the left opposition (Trotskyist) and consolidated "
    "it by the assassination and persecution of revolutionaries, exactly as Chiang Kai-Shek did. The spiritual "
    "fathers of Mao and of his party are obviously Stalin (whom he in fact claims as such) and his "
    "collaborators, Khruschev included."
)
P4 = (
    "2. I consider the present Chinese regime, as well as the Russian regime or any other built on the same "
    "model, to be as far away from Marxism and from a proletarian revolution as Franco’s regime in Spain."
)
MIA_NOTE = (
    "This document was written by Natalia Sedova shortly before her death and is purported to be her last "
    "written statement. The statement was published in its entirety in one edition of France-Soir. It was "
    "printed in abbreviated form in other editions."
)
CITATION_P3 = (
    'Natalia Sedova Trotsky, "Corrections to France-Soir Interview" (written 1961-11-09), ¶ p3. '
    "First published 1971 (English translation). "
    "Source: Natalia Trotsky and the Fourth International Pluto Press, 1972. "
    "Online: Natalia Sedova Internet Archive, December 2001. "
    f"misquote:{SEDOVA_ID}#p3"
)


def sedova() -> Document:
    """The seed letter as the archive-text reader gives it (body shortened to its first paragraphs)."""
    return Document(
        title=TITLE,
        author=AUTHOR,
        paragraphs=[
            Paragraph("p1", "Monsieur le Directeur:"),
            Paragraph("p2", P2),
            Paragraph("p3", P3),
            Paragraph("p4", P4),
            Paragraph("p5", "Yours faithfully,", kind="signature"),
            Paragraph("p6", AUTHOR, kind="signature"),
            Paragraph("p7", "Paris, November 9 1961", kind="dateline", notes=["1"]),
        ],
        written="1961-11-09",
        written_raw="November 9, 1961",
        first_published="1971 (English translation)",
        first_published_date="1971",
        source="Natalia Trotsky and the Fourth International Pluto Press, 1972",
        online_version="Natalia Sedova Internet Archive, December 2001",
        transcriber="Mike Bessler",
        language="en",
        header=[
            ("Written", "November 9, 1961"),
            ("First Published", "1971 (English translation)"),
            ("Source", "Natalia Trotsky and the Fourth International Pluto Press, 1972"),
            ("Online Version", "Natalia Sedova Internet Archive, December 2001"),
            ("Transcribed/HTML Markup", "Mike Bessler"),
        ],
        notes=[Note("1", MIA_NOTE, by="MIA", kind="editorial", refs=["p7"])],
        format="archive-text",
        reader="archive-text",
        reader_version="1",
        sha256="318d4bdbbf15cc65112da9cbe1e297205b85ef6bd58e95ea43b053514863aebc",
        source_key="seed/sedova-corrections-to-france-soir-1961.txt",
    ).finalize()


def full() -> Document:
    """The letter with every optional field set as well (translator, edition, work, URL, extra, aliases...)."""
    doc = sedova()
    doc.paragraphs.insert(0, Paragraph("", TITLE, kind="heading"))
    doc.paragraphs.insert(
        3, Paragraph("", "She hopes to witness the rehab.", kind="quotation", speaker="Michel Gordey")
    )
    doc.paragraphs.insert(4, Paragraph("", "The widow of the revolutionary.", kind="quotation"))
    doc.paragraphs.insert(5, Paragraph("", "[Editor: the numbered points follow.]", kind="note"))
    for p in doc.paragraphs:
        p.anchor = ""
    doc.paragraphs[-1].notes = ["1", "a"]
    doc.notes = [
        Note("1", MIA_NOTE, by="MIA", kind="editorial", refs=["p11"]),
        Note("a", "Gordey’s interview ran on 7 November.", by="Translator", kind="translator", refs=["p11"]),
        Note("b", "The author’s own note.", refs=[]),
    ]
    return dataclasses.replace(
        doc,
        id="",
        authors=[AUTHOR, "Natalia Sedova", "N. Sedova"],
        translator="Anonymous translator",
        edition="English translation, Pluto Press",
        work="Natalia Trotsky and the Fourth International",
        url="https://www.marxists.org/archive/sedova-natalia/1961/11/09.htm",
        extra={"Public Domain": "Natalia Sedova Internet Archive 2001", "Proofread": "Einde O’Callaghan"},
        header=[*doc.header, ("Public Domain", "Natalia Sedova Internet Archive 2001")],
        version=2,
    ).finalize()


HOSTILE = '<script>alert("x")</script> & ]]> {unbalanced \\ 100% $x_1^2 #1 ~'


def hostile() -> Document:
    """Every text field full of markup, entities, CDATA ends, TeX specials."""
    return Document(
        title=f"Title {HOSTILE}",
        author="Ann <b>O'Hara</b> & Co",
        paragraphs=[
            Paragraph("", f"Body {HOSTILE}", notes=["1"]),
            Paragraph("", f"Q {HOSTILE}", kind="quotation", speaker="X & <Y>"),
        ],
        written="1961",
        first_published=f"FP {HOSTILE}",
        source=f"Source {HOSTILE}",
        online_version=f"Online {HOSTILE}",
        header=[(f"Label {HOSTILE}", f"Value {HOSTILE}")],
        extra={f"Key {HOSTILE}": f"Extra {HOSTILE}"},
        notes=[Note("1", f"Note {HOSTILE}", by="A & <B>", kind="editorial", refs=["p1"])],
        url='https://example.org/a b{c}"d',
        source_key="hostile",
    ).finalize()


def parse(xml: str) -> Any:
    """Parse with a strict parser: anything not well-formed raises."""
    return etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=False, resolve_entities=False))


def xp(root: Any, path: str) -> list[Any]:
    return root.xpath(path, namespaces=TEI)


def one(root: Any, path: str) -> Any:
    found = xp(root, path)
    assert len(found) == 1, (path, found)
    return found[0]


def text_of(el: Any) -> str:
    """The text content of an element (or the value of an attribute XPath result)."""
    return el if isinstance(el, str) else "".join(el.itertext())


# ---- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [pytest.param(sedova, id="seed"), pytest.param(full, id="full"), pytest.param(hostile, id="hostile")]
)
def test_json_export_reads_back_as_the_same_document(make: Callable[[], Document]) -> None:
    doc = make()
    out = export.to_json(doc)
    assert Document.from_dict(json.loads(out)) == doc
    assert "\n  " in out


def test_json_keeps_unicode_unescaped() -> None:
    assert "Franco’s regime" in export.to_json(sedova())


# ---- TEI ----------------------------------------------------------------------------------------

HEADER_FIELDS: dict[str, str] = {
    "title": "t:teiHeader/t:fileDesc/t:titleStmt/t:title[@type='main']",
    "author": "t:teiHeader/t:fileDesc/t:titleStmt/t:author",
    "transcriber": "t:teiHeader/t:fileDesc/t:titleStmt/t:respStmt[t:resp='transcription and markup']/t:name",
    "translator": "t:teiHeader/t:fileDesc/t:titleStmt/t:respStmt[t:resp='translation']/t:name",
    "edition": "t:teiHeader/t:fileDesc/t:editionStmt/t:edition",
    "version": "t:teiHeader/t:fileDesc/t:editionStmt/t:edition/@n",
    "online_version": "t:teiHeader/t:fileDesc/t:publicationStmt/t:publisher[@type='onlineVersion']",
    "id": "t:teiHeader/t:fileDesc/t:publicationStmt/t:idno[@type='misquote']",
    "url": "t:teiHeader/t:fileDesc/t:publicationStmt/t:idno[@type='URI']",
    "source_key": "t:teiHeader/t:fileDesc/t:publicationStmt/t:idno[@type='sourceKey']",
    "sha256": "t:teiHeader/t:fileDesc/t:publicationStmt/t:idno[@type='sha256']",
    "source": "t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl[@type='source']",
    "first_published": "t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl[@type='firstPublished']",
    "first_published_date": "t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl[@type='firstPublished']/t:date/@when",
    "work": "t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl[@type='work']/t:title",
    "written_raw": "t:teiHeader/t:profileDesc/t:creation/t:date[@type='written']",
    "written": "t:teiHeader/t:profileDesc/t:creation/t:date[@type='written']/@when",
    "language": "t:teiHeader/t:profileDesc/t:langUsage/t:language/@ident",
    "reader": "t:teiHeader/t:encodingDesc/t:appInfo/t:application[@type='reader']/@ident",
    "reader_version": "t:teiHeader/t:encodingDesc/t:appInfo/t:application[@type='reader']/@version",
    "format": "t:teiHeader/t:encodingDesc/t:appInfo/t:application[@type='reader']/t:desc[@type='format']",
}
"""Where each scalar Document field stands in the TEI export."""
STRUCTURED_FIELDS = {"authors", "header", "extra", "paragraphs", "notes"}


def test_tei_maps_every_document_field() -> None:
    """A new Document field fails here until the TEI export (and this test) places it."""
    assert set(HEADER_FIELDS) | STRUCTURED_FIELDS == {f.name for f in dataclasses.fields(Document)}


@pytest.mark.parametrize("make", [pytest.param(full, id="full"), pytest.param(hostile, id="hostile")])
def test_tei_keeps_every_field_in_its_element(make: Callable[[], Document]) -> None:
    doc = make()
    root = parse(export.to_tei(doc))
    for name, path in HEADER_FIELDS.items():
        value = doc.written_raw or doc.written if name == "written_raw" else getattr(doc, name)
        if value in (None, ""):
            assert all(text_of(found) == "" for found in xp(root, path)), name
            continue
        assert text_of(one(root, path)) == str(value), name

    assert [(n.get("n"), n.text) for n in xp(root, "//t:notesStmt/t:note[@type='header']")] == doc.header
    assert {n.get("n"): n.text for n in xp(root, "//t:notesStmt/t:note[@type='extra']")} == doc.extra
    author = one(root, "//t:particDesc//t:person[@role='author']")
    assert [text_of(n) for n in xp(author, "t:persName")] == doc.authors
    assert one(root, "//t:titleStmt/t:author/@ref") == f"#{author.get(XML_ID)}"

    for p in doc.paragraphs:
        el = one(root, f"//t:body//*[@xml:id='{p.anchor}']")
        assert text_of(el) == p.text
        if p.kind == "quotation":
            assert text_of(one(el, ".//t:quote")) == p.text
        if p.speaker:
            who = one(el, "t:said/@who")
            assert text_of(one(root, f"//t:person[@xml:id='{who[1:]}']/t:persName")) == p.speaker
        assert [ptr.get("n") for ptr in xp(el, "t:ptr")] == p.notes
    for note in doc.notes:
        el = one(root, f"//t:back//t:note[@n='{note.label}']")
        assert (el.text, el.get("type")) == (note.text, note.kind)
        assert el.get("target", "").split() == [f"#{r}" for r in note.refs]
        if note.by:
            assert text_of(one(root, f"//t:respStmt[@xml:id='{el.get('resp')[1:]}']/t:name")) == note.by
        else:
            assert el.get("resp") is None
        for ref in note.refs:
            assert one(root, f"//*[@xml:id='{ref}']/t:ptr[@n='{note.label}']/@target") == f"#{el.get(XML_ID)}"


def test_tei_of_the_letter_ends_in_a_closer_with_the_mia_note() -> None:
    root = parse(export.to_tei(sedova()))
    assert root.tag == "{http://www.tei-c.org/ns/1.0}TEI"
    body = [(el.tag.split("}")[1], el.get(XML_ID)) for el in xp(root, "t:text/t:body/t:div/*")]
    assert body == [("p", "p1"), ("p", "p2"), ("p", "p3"), ("p", "p4"), ("closer", None)]
    closer = [(el.tag.split("}")[1], el.get(XML_ID), text_of(el)) for el in xp(root, "//t:closer/*")]
    assert closer == [
        ("signed", "p5", "Yours faithfully,"),
        ("signed", "p6", AUTHOR),
        ("dateline", "p7", "Paris, November 9 1961"),
    ]
    assert one(root, "//t:dateline/t:ptr/@target") == "#note-1"
    note = one(root, "t:text/t:back/t:div[@type='notes']/t:note")
    assert dict(note.attrib) == {XML_ID: "note-1", "n": "1", "type": "editorial", "resp": "#MIA", "target": "#p7"}
    assert one(root, "//t:titleStmt/t:respStmt[@xml:id='MIA']/t:name").text == "MIA"
    assert one(root, "//t:creation/t:date").attrib == {"type": "written", "when": "1961-11-09"}
    assert one(root, "//t:bibl[@type='firstPublished']/t:date/@when") == "1971"
    assert one(root, "@xml:lang") == "en"


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        pytest.param(["heading", "text"], ["head", "p"], id="heading"),
        pytest.param(["text", "quotation"], ["p", "p/quote"], id="quotation"),
        pytest.param(["text", "note"], ["p", "note"], id="editorial-note"),
        pytest.param(["dateline", "text"], ["opener/dateline", "p"], id="opening-dateline"),
        pytest.param(["text", "signature", "dateline"], ["p", "closer/signed", "closer/dateline"], id="closer"),
        pytest.param(["text", "signature", "text"], ["p", "p", "p"], id="signature-mid-text"),
        pytest.param(["text", "heading", "text"], ["p", "head", "p"], id="second-section"),
    ],
)
def test_tei_places_each_paragraph_kind(kinds: list[str], expected: list[str]) -> None:
    doc = Document(title="T", author="A B", paragraphs=[Paragraph("", f"w{i}", kind=k) for i, k in enumerate(kinds)])  # type: ignore[arg-type]
    root = parse(export.to_tei(doc.finalize()))
    for p, path in zip(doc.paragraphs, expected, strict=True):
        el = one(root, f"//*[@xml:id='{p.anchor}']")
        chain = [a.tag.split("}")[1] for a in el.iterancestors() if a.tag.split("}")[1] not in ("div", "body")]
        chain = [*reversed(chain[: chain.index("text")]), el.tag.split("}")[1]]
        inner = el.find("t:quote", TEI)
        assert "/".join(chain + (["quote"] if inner is not None else [])) == path
    if kinds == ["text", "heading", "text"]:
        assert len(xp(root, "//t:body/t:div")) == 2


def test_tei_escapes_hostile_text() -> None:
    doc = hostile()
    xml = export.to_tei(doc)
    root = parse(xml)
    assert "<script>" not in xml and "]]>" not in xml
    assert not xp(root, "//*[local-name()='script' or local-name()='b']")
    assert one(root, "//t:titleStmt/t:title").text == doc.title
    assert text_of(one(root, "//t:quote")) == f"Q {HOSTILE}"
    assert one(root, "//t:notesStmt/t:note[@type='header']/@n") == f"Label {HOSTILE}"


def test_tei_ids_stay_unique_for_repeated_anchors_and_note_authors() -> None:
    doc = Document(
        title="T",
        author="A B",
        paragraphs=[Paragraph("x", "one", notes=["1"]), Paragraph("x", "two"), Paragraph("", "three")],
        notes=[Note("1", "n1", by="MIA", refs=["x"]), Note("1", "n2", by="MIA"), Note("p3", "n3", by="p3")],
    )
    root = parse(export.to_tei(doc))
    ids = [el.get(XML_ID) for el in xp(root, "//*[@xml:id]")]
    assert len(ids) == len(set(ids))
    assert [el.get(XML_ID) for el in xp(root, "//t:body//*[@xml:id]")] == ["x", "x-2", "p3"]
    assert [n.get("resp") for n in xp(root, "//t:back//t:note")] == ["#MIA", "#MIA", "#p3-2"]
    assert one(root, "//*[@xml:id='x']/t:ptr/@target") == "#note-1"


def test_tei_replaces_characters_xml_cannot_hold() -> None:
    doc = Document(title="bell\x07 and nul\x00", author="A B", paragraphs=[Paragraph("", "form\x0cfeed")]).finalize()
    root = parse(export.to_tei(doc))
    assert one(root, "//t:titleStmt/t:title").text == "bell\ufffd and nul\ufffd"
    assert text_of(one(root, "//t:p[@xml:id='p1']")) == "form\ufffdfeed"


# ---- CSL-JSON, BibTeX, citation line ------------------------------------------------------------


def test_csl_json_of_the_letter_cites_a_paragraph() -> None:
    assert export.to_csl_json(sedova(), "p3") == {
        "id": SEDOVA_ID,
        "type": "article",
        "title": TITLE,
        "author": [{"family": "Trotsky", "given": "Natalia Sedova"}],
        "issued": {"date-parts": [[1961, 11, 9]]},
        "original-date": {"date-parts": [[1971]]},
        "archive": "Natalia Sedova Internet Archive, December 2001",
        "source": "Natalia Trotsky and the Fourth International Pluto Press, 1972",
        "language": "en",
        "note": "First published 1971 (English translation). Source: Natalia Trotsky and the Fourth "
        "International Pluto Press, 1972. Transcribed by Mike Bessler.",
        "locator": "p3",
        "label": "paragraph",
    }


def test_csl_json_of_the_full_document() -> None:
    item = export.to_csl_json(full())
    assert item["translator"] == [{"family": "translator", "given": "Anonymous"}]
    assert (item["edition"], item["container-title"], item["URL"]) == (
        "English translation, Pluto Press",
        "Natalia Trotsky and the Fourth International",
        "https://www.marxists.org/archive/sedova-natalia/1961/11/09.htm",
    )
    assert "locator" not in item


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(AUTHOR, {"family": "Trotsky", "given": "Natalia Sedova"}, id="three-words"),
        pytest.param("V. I. Lenin", {"family": "Lenin", "given": "V. I."}, id="initials"),
        pytest.param("Voltaire", {"literal": "Voltaire"}, id="single-name"),
        pytest.param("Trotsky, Leon", {"family": "Trotsky", "given": "Leon"}, id="family-first"),
        pytest.param(
            "Charles de Gaulle", {"family": "Gaulle", "given": "Charles", "non-dropping-particle": "de"}, id="particle"
        ),
        pytest.param(
            "Martin Luther King Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}, id="suffix"
        ),
        pytest.param("Fourth International", {"literal": "Fourth International"}, id="organisation"),
        pytest.param("Anonymous", None, id="anonymous"),
        pytest.param("  ", None, id="empty"),
    ],
)
def test_csl_name(name: str, expected: dict[str, str] | None) -> None:
    assert export.csl_name(name) == expected


@pytest.mark.parametrize(
    ("written", "issued"),
    [
        pytest.param("1961", {"date-parts": [[1961]]}, id="year"),
        pytest.param("1961-11", {"date-parts": [[1961, 11]]}, id="month"),
        pytest.param("1917-10-25/1917-11-07", {"date-parts": [[1917, 10, 25], [1917, 11, 7]]}, id="range"),
        pytest.param("Autumn 1961", {"raw": "Autumn 1961"}, id="free-text"),
    ],
)
def test_csl_dates(written: str, issued: dict[str, Any]) -> None:
    assert export.to_csl_json(Document(title="T", author="A B", written=written))["issued"] == issued


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        pytest.param({"format": "gutenberg"}, "book", id="gutenberg-book"),
        pytest.param({"source": "Pluto Press, 1972"}, "article", id="published"),
        pytest.param({}, "manuscript", id="unpublished"),
    ],
)
def test_csl_type(fields: dict[str, str], kind: str) -> None:
    assert export.csl_type(Document(title="T", author="A B", **fields)) == kind


def test_citing_a_paragraph_the_document_lacks_is_refused() -> None:
    with pytest.raises(QueryError, match=r"no paragraph 'p99'.*p1\.\.p7"):
        export.citation(sedova(), "p99")


def test_a_document_without_its_paragraphs_is_cited_at_the_anchor_given() -> None:
    meta_only = Document.from_dict(sedova().metadata())
    assert export.citation(meta_only, "p3") == CITATION_P3


def test_bibtex_entry_of_the_letter() -> None:
    assert export.to_bibtex(sedova(), "p3") == (
        "@misc{trotsky1961corrections,\n"
        "  author       = {Trotsky, Natalia Sedova},\n"
        "  title        = {{Corrections to France-Soir Interview}},\n"
        "  date         = {1961-11-09},\n"
        "  year         = {1961},\n"
        "  howpublished = {Natalia Sedova Internet Archive, December 2001},\n"
        "  language     = {en},\n"
        "  note         = {First published 1971 (English translation). Source: Natalia Trotsky and the Fourth "
        "International Pluto Press, 1972. Transcribed by Mike Bessler. Paragraph p3.},\n"
        "  eprinttype   = {misquote},\n"
        f"  eprint       = {{{SEDOVA_ID}}}\n"
        "}\n"
    )


def test_bibtex_escapes_braces_and_tex_specials() -> None:
    entry = export.to_bibtex(hostile())
    title = next(line for line in entry.splitlines() if line.strip().startswith("title"))
    expected = r'{{Title <script>alert("x")</script> \& ]]> \{unbalanced \textbackslash{} 100\% \$x\_1\^{}2 \#1 \~{}}},'
    assert title.endswith(expected)
    unescaped = entry.replace(r"\{", "").replace(r"\}", "")
    assert unescaped.count("{") == unescaped.count("}")
    assert "url          = {https://example.org/a%20b%7Bc%7D%22d}" in entry
    assert "author       = {Co, Ann <b>O'Hara</b> \\&}," in entry


def test_bibtex_uses_book_for_a_gutenberg_text() -> None:
    doc = Document(title="The Iron Heel", author="Jack London", written="1908", format="gutenberg")
    assert export.to_bibtex(doc).startswith("@book{london1908iron,\n")


def test_citation_line_of_the_letter() -> None:
    doc = sedova()
    assert export.citation(doc, "p3") == CITATION_P3
    assert export.citation(doc) == CITATION_P3.replace(", ¶ p3", "").replace("#p3", "")


def test_citation_line_with_translator_and_url_and_with_nothing_known() -> None:
    assert export.citation(full(), "p2").split(". ")[1:3] == [
        "First published 1971 (English translation)",
        "Translated by Anonymous translator",
    ]
    assert "Online: Natalia Sedova Internet Archive, December 2001, https://www.marxists.org/" in export.citation(
        full()
    )
    bare = Document(title="Untitled notes", author="", id="anon-notes")
    assert export.citation(bare) == 'Anonymous, "Untitled notes". misquote:anon-notes'


@pytest.mark.parametrize("fmt", ["json", "tei", "csl-json", "bibtex"])
def test_export_by_format_name(fmt: str) -> None:
    assert export.export(sedova(), fmt) == export.EXPORTERS[fmt](sedova())


def test_export_refuses_an_unknown_format() -> None:
    with pytest.raises(QueryError, match="unknown export format 'docx'; use one of json, tei"):
        export.export(sedova(), "docx")


# ---- verdicts in words and ClaimReview ----------------------------------------------------------


def match(paragraph: str, text: str, *, author: str = AUTHOR, identity: float = 1.0, **kw: Any) -> Match:
    doc = sedova()
    p = doc.paragraph(paragraph)
    start = p.start + p.text.index(text) if text in p.text else p.start
    return Match(SEDOVA_ID, author, TITLE, "1961-11-09", paragraph, start, start + len(text), text, identity, 1.0, **kw)


FATHERS = "The spiritual fathers of Mao and of his party are obviously Stalin"
FRANCE_SOIR = "the spiritual father of Mao Tse-Tung"


def verdicts() -> dict[str, Verdict]:
    """One verdict of each kind, as the checker gives them for quotes about the letter."""
    dispute = Dispute(AUTHOR, FRANCE_SOIR, "France-Soir", "1961-11-07", SEDOVA_ID, "p2")
    return {
        "verbatim": Verdict(
            "verbatim", 1.0, AUTHOR, FATHERS, [match("p3", FATHERS)], citation=export.citation(sedova(), "p3")
        ),
        "altered": Verdict(
            "altered",
            0.83,
            AUTHOR,
            "The spiritual fathers of Mao and his party are clearly Stalin",
            [
                match(
                    "p3",
                    FATHERS,
                    identity=0.83,
                    edits=[Edit("delete", "", "of"), Edit("substitute", "clearly", "obviously")],
                )
            ],
            citation=export.citation(sedova(), "p3"),
        ),
        "spliced": Verdict(
            "spliced",
            0.9,
            AUTHOR,
            "Mao Tse-Tung is as far away from Marxism as Franco",
            [match("p3", "Mao Tse-Tung"), match("p4", "as far away from Marxism")],
        ),
        "misattributed": Verdict(
            "misattributed",
            1.0,
            "Leon Trotsky",
            FATHERS,
            [match("p3", FATHERS)],
            real_authors=[AUTHOR],
            candidates=["Leon Trotsky", AUTHOR],
        ),
        "disputed": Verdict(
            "disputed",
            1.0,
            AUTHOR,
            FRANCE_SOIR,
            [match("p2", FRANCE_SOIR, quoted_from="Michel Gordey")],
            dispute=dispute,
            citation=export.citation(sedova(), "p2"),
            explanation="A recorded correction says Natalia Sedova Trotsky denied these words.",
        ),
        "not_found": Verdict(
            "not_found",
            0.2,
            AUTHOR,
            "the revolution devours its own children",
            [match("p4", "the same model", identity=0.3)],
        ),
    }


WHERE_P3 = '"Corrections to France-Soir Interview" by Natalia Sedova Trotsky (written 1961-11-09), ¶ p3'
WORDS = {
    "verbatim": f"Verbatim: these exact words are in {WHERE_P3}.",
    "altered": "Altered: the quote is close to, but not the same as, what Natalia Sedova Trotsky wrote in "
    f'{WHERE_P3} (83% of the words match). The quote leaves out "of"; "clearly" instead of "obviously".',
    "spliced": "Spliced: each part of the quote is by Natalia Sedova Trotsky, but the parts come from different "
    f"places ({WHERE_P3}; {WHERE_P3[:-1]}4) and are joined with no ellipsis to show the cut.",
    "misattributed": "Misattributed: Leon Trotsky did not write these words; they are by Natalia Sedova "
    f'Trotsky, earliest in {WHERE_P3}. The name "Leon Trotsky" can mean Leon Trotsky or Natalia Sedova '
    "Trotsky; each was checked.",
    "disputed": "Disputed: France-Soir (1961-11-07) attributed these words to Natalia Sedova Trotsky, who "
    f"denied them in {WHERE_P3[:-1]}2.",
    "not_found": "Not found: these words are in no document of Natalia Sedova Trotsky, nor anywhere else in "
    f"the archive. The closest passage is {WHERE_P3[:-1]}4, 30% of the words matching.",
}


@pytest.mark.parametrize("kind", [pytest.param(k, id=k) for k in WORDS])
def test_verdict_in_words(kind: str) -> None:
    assert export.verdict_explanation_words(verdicts()[kind]) == WORDS[kind]


@pytest.mark.parametrize(
    ("kind", "rating", "first_appearance"),
    [
        pytest.param("verbatim", 5, "Corrections to France-Soir Interview", id="verbatim"),
        pytest.param("altered", 3, None, id="altered"),
        pytest.param("spliced", 2, None, id="spliced"),
        pytest.param("misattributed", 1, None, id="misattributed"),
        pytest.param("disputed", 1, "France-Soir", id="disputed"),
        pytest.param("not_found", 1, None, id="not_found"),
    ],
)
def test_claimreview_for_each_verdict(kind: str, rating: int, first_appearance: str | None) -> None:
    v = verdicts()[kind]
    data = export.claimreview(
        [v], article_url="https://example.org/interview", article_title="An interview", date="2024-05-01"
    )
    assert data["@context"] == "https://schema.org"
    [review] = data["@graph"]
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == v.quote
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": kind,
        "ratingValue": rating,
        "bestRating": 5,
        "worstRating": 1,
        "ratingExplanation": review["reviewRating"]["ratingExplanation"],
    }
    assert review["reviewRating"]["ratingExplanation"].startswith(WORDS[kind])
    if v.citation:
        assert review["reviewRating"]["ratingExplanation"].endswith(f"Citation: {v.citation}")
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim" and claim["author"] == {"@type": "Person", "name": v.author}
    assert claim["appearance"] == {
        "@type": "NewsArticle",
        "url": "https://example.org/interview",
        "headline": "An interview",
    }
    assert claim.get("firstAppearance", {}).get("name") == first_appearance
    assert ("citation" in review) == (kind != "not_found")
    json.dumps(data)


def test_claimreview_of_the_france_soir_words_whole() -> None:
    data = export.claimreview(
        [verdicts()["disputed"]],
        article_url=None,
        article_title="Sample interview",
        reviewer="Example Desk",
        date="2024-05-01",
    )
    assert data == {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "ClaimReview",
                "claimReviewed": "the spiritual father of Mao Tse-Tung",
                "itemReviewed": {
                    "@type": "Claim",
                    "author": {"@type": "Person", "name": AUTHOR},
                    "appearance": {"@type": "NewsArticle", "headline": "Sample interview"},
                    "firstAppearance": {"@type": "CreativeWork", "name": "France-Soir", "datePublished": "1961-11-07"},
                },
                "reviewRating": {
                    "@type": "Rating",
                    "alternateName": "disputed",
                    "ratingValue": 1,
                    "bestRating": 5,
                    "worstRating": 1,
                    "ratingExplanation": WORDS["disputed"]
                    + " A recorded correction says Natalia Sedova Trotsky denied these words."
                    + f" Citation: {CITATION_P3.replace('p3', 'p2')}",
                },
                "author": {"@type": "Organization", "name": "Example Desk"},
                "datePublished": "2024-05-01",
                "citation": [
                    {
                        "@type": "CreativeWork",
                        "name": TITLE,
                        "author": {"@type": "Person", "name": AUTHOR},
                        "dateCreated": "1961-11-09",
                        "identifier": f"misquote:{SEDOVA_ID}#p2",
                        "text": FRANCE_SOIR,
                    }
                ],
            }
        ],
    }


def test_claimreview_graph_keeps_the_order_of_the_quotations() -> None:
    vs = list(verdicts().values())
    for i, v in enumerate(vs):
        v.id = i
    graph = export.claimreview(vs, article_url=None, article_title=None, date="2024-05-01")["@graph"]
    assert [(r["identifier"], r["reviewRating"]["alternateName"]) for r in graph] == [
        (str(i), v.verdict) for i, v in enumerate(vs)
    ]
    assert all("appearance" not in r["itemReviewed"] for r in graph)


def test_jsonld_script_cannot_close_the_script_element() -> None:
    v = dataclasses.replace(verdicts()["not_found"], quote="</script><script>alert(1)</script> & co")
    data = export.claimreview([v], article_url=None, article_title=None, date="2024-05-01")
    text = export.jsonld_script(data)
    assert "</script>" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == data


# ---- the real seed, through the reader ----------------------------------------------------------


def test_the_real_seed_exports_with_its_provenance() -> None:
    from misquote.ingest import read

    [doc] = read(SEED)
    assert Document.from_dict(json.loads(export.to_json(doc))) == doc
    root = parse(export.to_tei(doc))
    assert one(root, "//t:titleStmt/t:title").text == TITLE
    assert one(root, "//t:titleStmt/t:respStmt[t:resp='transcription and markup']/t:name").text == "Mike Bessler"
    assert one(root, "//t:back//t:note").attrib["resp"] == "#MIA"
    assert len(xp(root, "//t:body//*[@xml:id]")) == len(doc.paragraphs)
    assert export.citation(doc, "p3") == CITATION_P3.replace(SEDOVA_ID, doc.id)
    assert export.to_csl_json(doc)["author"] == [{"family": "Trotsky", "given": "Natalia Sedova"}]
    assert export.to_bibtex(doc).startswith("@misc{trotsky1961corrections,\n")
