"""Word-level local alignment on a real passage of the Sedova letter."""

import pytest

from misquote.align import local_align
from misquote.text import words

SOURCE = words(
    "I consider the present Chinese regime, as well as the Russian regime or any other built on the same "
    "model, to be as far away from Marxism and from a proletarian revolution as Franco’s regime in Spain."
)


def edits(quote):
    q = words(quote)
    a = local_align(q, SOURCE)
    return a, [(e.op, e.quote, e.source) for e in a.edits(q, SOURCE)]


def test_exact_substring_is_exact_with_full_coverage():
    a, diff = edits("the present Chinese regime, as well as the Russian regime")
    assert (a.exact, a.identity, a.coverage, diff) == (True, 1.0, 1.0, [])
    assert SOURCE[a.s_start : a.s_end] == words("the present Chinese regime as well as the Russian regime")


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        pytest.param("the present Soviet regime, as well as", [("substitute", "soviet", "chinese")], id="substitution"),
        pytest.param(
            "the present Chinese regime, as well as the old Russian regime", [("insert", "old", "")], id="insertion"
        ),
        pytest.param("the present regime, as well as the Russian", [("delete", "", "chinese")], id="deletion"),
    ],
)
def test_word_edits_are_listed(quote, expected):
    _, diff = edits(quote)
    assert diff == expected


def test_words_outside_the_source_lower_coverage():
    a, _ = edits("Franco’s regime in Spain was admired by all the bankers of Europe")
    assert a.exact and a.coverage == pytest.approx(4 / 12)


def test_transposed_words_are_one_transposition():
    q = words("far away from Marxism and from a revolution proletarian")
    a = local_align(q, SOURCE)
    assert [e.op for e in a.edits(q, SOURCE)] == ["transpose"]


def test_nothing_in_common_is_none():
    assert local_align(words("entirely unrelated words here"), SOURCE) is None
