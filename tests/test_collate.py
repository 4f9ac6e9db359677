"""Collation: what one edition cut, added, moved or changed, on real editions and on small made-up cases."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from lxml import etree

from misquote.collate import SMALL_TYPES, Apparatus, Witness, collate
from misquote.errors import QueryError

TEI_NS = "{http://www.tei-c.org/ns/1.0}"


def assert_offsets(app: Apparatus) -> None:
    """Every reading's offsets cut exactly its text out of its witness."""
    texts = {w.label: w.text for w in app.witnesses}
    for locus in app.loci:
        assert set(locus.readings) == set(texts)
        for label, reading in locus.readings.items():
            assert texts[label][reading.start : reading.end] == reading.text


def table(app: Apparatus) -> list[tuple[str, ...]]:
    """The apparatus as (type, reading of each witness...) rows, easy to compare whole."""
    return [(locus.type, *(r.text for r in locus.readings.values())) for locus in app.loci]


# ---- real editions -------------------------------------------------------------------------------


def darwin_paragraph(corpora: Path, name: str) -> dict[str, str]:
    return ast.literal_eval((corpora / "collation" / "darwin" / "darwin-ch1" / name).read_text(encoding="utf-8"))


def test_darwin_1872_rewords_the_opening_of_chapter_one(corpora: Path) -> None:
    eds = darwin_paragraph(corpora, "Ch1-100.json")
    app = collate([Witness("1859", eds["1859"]), Witness("1872", eds["1872"])], ignore=SMALL_TYPES)
    assert_offsets(app)
    rows = table(app)
    assert ("addition", "", "Causes of Variability.") in rows  # the 1872 side heading
    assert ("substitution", "look to", "compare") in rows
    assert ("omission", "I think", "") in rows
    assert not {locus.type for locus in app.loci} & SMALL_TYPES


def test_darwin_six_editions_share_one_apparatus(corpora: Path) -> None:
    eds = darwin_paragraph(corpora, "Ch1-1000.json")
    witnesses = [Witness(year, eds[year]) for year in sorted(eds)]
    app = collate(witnesses)
    assert app.base == "1859"
    assert_offsets(app)
    assert all(locus.differs for locus in app.loci)
    assert table(app)[[r[1] for r in table(app)].index("silkworm")][:2] == ("spelling", "silkworm")
    starts = [locus.readings["1859"].start for locus in app.loci]
    assert starts == sorted(starts)


def frankenstein_text(corpora: Path, name: str) -> str:
    """A chapter file's body text without the editors' notes, whitespace collapsed."""
    path = corpora / "collation" / "frankenstein" / "2023-variorum-chapters" / name
    body = etree.parse(str(path), etree.XMLParser(recover=True)).getroot().find(f".//{TEI_NS}body")
    etree.strip_elements(body, f"{TEI_NS}note", with_tail=False)  # the text after a note is the author's
    return " ".join("".join(body.itertext()).split())


def test_frankenstein_preface_1818_against_1831(corpora: Path) -> None:
    a = frankenstein_text(corpora, "f1818_vol_1_preface.xml")
    b = frankenstein_text(corpora, "f1831_preface.xml")
    app = collate([Witness("1818", a), Witness("1831", b)], ignore={"punctuation"})
    assert_offsets(app)
    assert ("spelling", "Shakespeare", "Shakspeare") in table(app)
    assert table(app)[-1] == ("addition", "", "Marlow, September, 1817.")


def test_origin_of_species_whole_books(corpora: Path) -> None:
    folder = corpora / "gutenberg" / "authors" / "Darwin_Charles"
    first = next(folder.glob("On_the_Origin_of_Species*.txt")).read_text(encoding="utf-8")
    sixth = next(folder.glob("The_Origin_of_Species*_6th_E.txt")).read_text(encoding="utf-8")
    app = collate([Witness("1859", first), Witness("1872", sixth)], ignore=SMALL_TYPES)
    assert 1000 < len(app.loci) < 20_000  # book-length edits, not one locus per word
    biggest = max(app.loci, key=lambda locus: len(locus.readings["1872"].text))
    assert "MISCELLANEOUS OBJECTIONS" in biggest.readings["1872"].text  # the chapter new in 1872
    assert app.summary().startswith("1872 omits ")


# ---- the kinds of variant ------------------------------------------------------------------------

INTRO = "It was on a dreary night of November that I beheld the accomplishment of my toils. "
PARAGRAPH = (
    "With an anxiety that almost amounted to agony, I collected the instruments of life around me, "
    "that I might infuse a spark of being into the lifeless thing that lay at my feet."
)
OUTRO = " It was already one in the morning; the rain pattered dismally against the panes."


@pytest.mark.parametrize(
    ("base", "other", "expected"),
    [
        pytest.param(
            INTRO + "\n\n" + PARAGRAPH + "\n\n" + OUTRO,
            INTRO + "\n\n" + OUTRO,
            [("omission", PARAGRAPH, "")],
            id="omitted-paragraph-is-one-locus",
        ),
        pytest.param(
            INTRO + OUTRO,
            INTRO + "Suddenly a bell tolled twelve times in the tower. " + OUTRO,
            [("addition", "", "Suddenly a bell tolled twelve times in the tower.")],
            id="addition",
        ),
        pytest.param(
            INTRO + OUTRO,
            INTRO.replace("dreary night", "cold evening") + OUTRO,
            [("substitution", "dreary night", "cold evening")],
            id="substitution",
        ),
        pytest.param(
            "The rain pattered dismally against the panes and my candle was nearly burnt out. " + INTRO,
            INTRO + " The rain pattered dismally against the panes and my candle was nearly burnt out.",
            [
                (
                    "transposition",
                    "The rain pattered dismally against the panes and my candle was nearly burnt out.",
                    "The rain pattered dismally against the panes and my candle was nearly burnt out.",
                )
            ],
            id="transposition",
        ),
        pytest.param(
            "The colour of the sea, he said, was grey.",
            "The color of the sea, he said, was gray.",
            [("spelling", "colour", "color"), ("spelling", "grey", "gray")],
            id="spelling",
        ),
        pytest.param(
            "The colour of the sea, he said, was grey.",
            "The colour of the sea he said; was grey!",
            [("punctuation", ",", ""), ("punctuation", ",", ";"), ("punctuation", ".", "!")],
            id="punctuation",
        ),
        pytest.param(
            "The colour of the Sea was grey.",
            "The colour of the sea was Grey.",
            [("case", "Sea", "sea"), ("case", "grey", "Grey")],
            id="case",
        ),
        pytest.param(INTRO, INTRO, [], id="identical"),
        pytest.param(INTRO, "", [("omission", INTRO.strip(), "")], id="empty-witness"),
    ],
)
def test_variant_types(base: str, other: str, expected: list[tuple[str, str, str]]) -> None:
    app = collate([Witness("A", base), Witness("B", other)])
    assert_offsets(app)
    assert table(app) == expected


def test_small_variants_can_be_ignored() -> None:
    a = Witness("A", "The colour of the Sea, he said, was grey; and then he died.")
    b = Witness("B", "The color of the sea he said was grey, and then he slept.")
    assert {locus.type for locus in collate([a, b]).loci} == {"spelling", "case", "punctuation", "substitution"}
    assert table(collate([a, b], ignore=SMALL_TYPES)) == [("substitution", "died", "slept")]


def test_three_witnesses_merge_by_base_range() -> None:
    a = Witness("1818", "I beheld the wretch, the miserable monster whom I had created.")
    b = Witness("1823", "I beheld the wretch, the miserable monster which I had created.")
    c = Witness("1831", "I beheld the wretch, the miserable monster I had made.")
    app = collate([a, b, c])
    assert_offsets(app)
    assert table(app) == [
        ("substitution", "whom", "which", ""),  # 1823 substitutes, 1831 omits: one place in the base
        ("substitution", "created", "created", "made"),
    ]
    assert [locus.differs for locus in app.loci] == [{"1823", "1831"}, {"1831"}]


# ---- the four output forms -----------------------------------------------------------------------


def test_json_has_the_design_shape() -> None:
    app = collate([Witness("1859", "one two three", id="darwin-1859"), Witness("1872", "one three")])
    assert app.to_dict() == {
        "witnesses": [
            {"id": "darwin-1859", "label": "1859", "length": 13},
            {"id": None, "label": "1872", "length": 9},
        ],
        "base": "1859",
        "loci": [
            {
                "type": "omission",
                "readings": {
                    "1859": {"start": 4, "end": 7, "text": "two"},
                    "1872": {"start": 3, "end": 3, "text": ""},
                },
            }
        ],
    }
    with_text = json.loads(json.dumps(app.to_dict(with_text=True)))
    assert [w["text"] for w in with_text["witnesses"]] == ["one two three", "one three"]


def test_tei_is_parallel_segmentation_with_empty_rdg_for_an_omission() -> None:
    app = collate([Witness("A & B", "Fish <and> chips, then tea."), Witness("C", "Fish <and> chips.")])
    root = etree.fromstring(app.to_tei().encode())
    witnesses = root.findall(f".//{TEI_NS}listWit/{TEI_NS}witness")
    assert [w.text for w in witnesses] == ["A & B", "C"]
    (app_el,) = root.iter(f"{TEI_NS}app")
    assert app_el.get("type") == "omission"
    assert app_el.find(f"{TEI_NS}lem").text == "then tea."
    rdg = app_el.find(f"{TEI_NS}rdg")
    assert rdg.get("wit") == "#" + witnesses[1].get("{http://www.w3.org/XML/1998/namespace}id")
    assert rdg.text is None and len(rdg) == 0
    assert "".join(root.find(f".//{TEI_NS}body").itertext()).startswith("Fish <and> chips")


def test_html_escapes_witness_text_and_has_a_fragment_form() -> None:
    app = collate([Witness("<b>A</b>", "Hello <script>alert(1)</script> world"), Witness("B", "Hello world")])
    page = app.to_html()
    fragment = app.to_html(fragment=True)
    assert page.startswith("<!DOCTYPE html>") and "<html" not in fragment
    for html_text in (page, fragment):
        assert "<script" not in html_text and "</script" not in html_text
        assert "alert(1)&lt;/script&gt;" in html_text and "&lt;b&gt;A&lt;/b&gt;" in html_text
        assert '<mark class="mq-omission"' in html_text


def test_summary_counts_in_plain_words() -> None:
    base = Witness("1859", INTRO + "\n\n" + PARAGRAPH + "\n\n" + OUTRO)
    other = Witness("1872", INTRO.replace("dreary", "stormy") + "\n\n" + OUTRO)
    lines = collate([base, other]).summary().splitlines()
    assert lines[0] == ("1872 omits 1 passage (33 words), adds 0 (0 words), changes 1 word against 1859.")
    assert lines[1].startswith("  - omits 33 words: “With an anxiety")
    assert collate([base, base.__class__("copy", base.text)]).summary() == "copy reads the same as 1859."


# ---- bad input -----------------------------------------------------------------------------------


def test_one_witness_is_refused() -> None:
    with pytest.raises(QueryError, match="two or more witnesses"):
        collate([Witness("A", INTRO)])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"base": "1900"}, "base '1900' is not one of", id="unknown-base"),
        pytest.param({"ignore": {"typos"}}, "cannot ignore", id="unknown-type"),
        pytest.param({"max_chars": 20}, "more than the 20 characters", id="too-large"),
    ],
)
def test_bad_arguments_say_what_to_fix(kwargs: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        collate([Witness("A", INTRO), Witness("B", OUTRO)], **kwargs)


def test_duplicate_labels_are_refused() -> None:
    with pytest.raises(QueryError, match="labels must differ"):
        collate([Witness("A", INTRO), Witness("A", OUTRO)])


def test_different_languages_give_one_rewrite() -> None:
    english = "It was on a dreary night of November that I beheld the accomplishment of my toils."
    french = "Ce fut par une lugubre nuit de novembre que je vis l'accomplissement de mes travaux."
    app = collate([Witness("en", english), Witness("fr", french)])
    assert_offsets(app)
    assert [locus.type for locus in app.loci] == ["substitution"]


def test_cli_collates_two_archive_documents(tmp_path):
    """`misquote collate` takes archive ids or files and prints the DESIGN.md JSON."""
    import subprocess
    import sys

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Title\n\nThe quick brown fox jumps over the lazy dog. It was a dark night.\n")
    second.write_text("Title\n\nThe quick red fox jumps over the dog. It was a dark and stormy night.\n")
    result = subprocess.run(
        [sys.executable, "-m", "misquote.cli", "collate", str(first), str(second), "--labels", "A,B", "--json",
         "--db", str(tmp_path / "a.db")], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["base"] == "A" and [w["label"] for w in data["witnesses"]] == ["A", "B"]
    assert [locus["type"] for locus in data["loci"]] == ["substitution", "omission", "addition"]
