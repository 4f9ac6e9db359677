"""The normalizer: one form of every word, offsets into the original."""

import pytest

from misquote.text import normalize, split_ellipsis, strip_editorial, tokens, words


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        pytest.param("Tse-Tung", "tse tung", id="hyphen-splits"),
        pytest.param("revolu-\ntionary", "revolutionary", id="line-break-hyphen-joined"),
        pytest.param("Franco’s regime", "franco's regime", id="curly-apostrophe"),
        pytest.param("Élan VITAL", "elan vital", id="case-and-diacritics"),
        pytest.param("ﬁne ﬂow", "fine flow", id="ligatures-nfkc"),
        pytest.param("“She hopes,” — he said…", "she hopes he said", id="punctuation-ignored"),
        pytest.param("Straße", "strasse", id="sharp-s"),
    ],
)
def test_normalize(original, expected):
    assert normalize(original) == expected


def test_tokens_keep_offsets_into_the_original():
    text = "It says “She (i.e., myself) hopes”"
    assert [(t.norm, text[t.start : t.end]) for t in tokens(text)] == [
        ("it", "It"),
        ("says", "says"),
        ("she", "She"),
        ("i", "i"),
        ("e", "e"),
        ("myself", "myself"),
        ("hopes", "hopes"),
    ]


def test_hyphenated_line_break_spans_both_halves():
    text = "the revolu-\ntionary party"
    tok = tokens(text)[1]
    assert (tok.norm, text[tok.start : tok.end]) == ("revolutionary", "revolu-\ntionary")


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param("one two ... three four", id="three-dots"),
        pytest.param("one two … three four", id="unicode-ellipsis"),
        pytest.param("one two [...] three four", id="bracketed"),
        pytest.param("one two . . . three four", id="spaced-dots"),
    ],
)
def test_split_ellipsis(quote):
    assert split_ellipsis(quote) == ["one two", "three four"]


def test_editorial_insertions_are_dropped_but_bracketed_ellipses_kept():
    assert words(strip_editorial("She (i.e., myself) hopes [Trotsky] to [...] die")) == ["she", "hopes", "to", "die"]
    assert "[...]" in strip_editorial("to [...] die")
