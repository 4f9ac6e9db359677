"""The one normalizer and tokenizer, used at ingest and at query time alike.

Matching compares *normalized words*: Unicode NFKC, case folded, diacritics folded, quotes,
apostrophes and dashes unified, words broken by a hyphen at a line end joined, punctuation
ignored. Every token keeps the character offsets of the word in the original text, so evidence is
always shown in the original spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

# A word: letters/digits, with inner apostrophes ("don't", "l'homme") or a hyphen at a line break
# ("revolu-\ntionary") kept inside it. Other hyphens split words, so "Tse-Tung" is two tokens on
# both sides of a comparison.
_WORD = re.compile(r"\w+(?:(?:['’ʼ`´]|-[ \t]*\r?\n[ \t]*)\w+)*")
_JOIN = re.compile(r"-[ \t]*\r?\n[ \t]*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_SPECIAL_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})

ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|\(\s*(?:\.\s*){3}\)|(?:\.\s*){3,}|…)\s*")
"""An ellipsis in a quote: `...`, `. . .`, `…`, `[...]`, `(...)`."""

EDITORIAL = re.compile(r"\[[^\[\]]*\]|\((?:i\.\s?e\.|sic|emphasis|ed\.)[^()]*\)", re.IGNORECASE)
"""Bracketed editorial insertions in a quote (`[Trotsky]`, `(i.e., myself)`, `(sic)`)."""


class Token(NamedTuple):
    """A normalized word and the [start, end) character offsets of its original spelling."""

    norm: str
    start: int
    end: int


@lru_cache(maxsize=500_000)
def normalize_word(word: str) -> str:
    """Normalize one word: NFKC, case fold, diacritics folded, apostrophes unified, line-break hyphen joined."""
    if "\n" in word:
        word = _JOIN.sub("", word)
    if word.isascii():
        return word.lower().replace("`", "'")
    word = unicodedata.normalize("NFKC", word).casefold().translate(_APOSTROPHES).translate(_SPECIAL_FOLDS)
    decomposed = unicodedata.normalize("NFD", word)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", folded)


def tokens(text: str) -> list[Token]:
    """Every word of `text` with its normalized form and original offsets."""
    norm = normalize_word
    return [Token(norm(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def tokens_between(text: str, first: int, last: int) -> list[Token]:
    """Tokens number `first` to `last - 1` of `text` (a window of a long paragraph), without the rest."""
    norm = normalize_word
    return [Token(norm(m.group()), m.start(), m.end()) for m in islice(_WORD.finditer(text), max(0, first), last)]


def words(text: str) -> list[str]:
    """The normalized words of `text`, without offsets."""
    return list(map(normalize_word, _WORD.findall(text)))


def normalize(text: str) -> str:
    """The normalized words of `text` joined by single spaces: the form two texts are compared in."""
    return " ".join(words(text))


def strip_editorial(quote: str) -> str:
    """Remove bracketed editorial insertions (but not ellipses in brackets) from a quote."""

    def keep_ellipsis(m: re.Match[str]) -> str:
        return m.group() if ELLIPSIS.fullmatch(m.group()) else " "

    return EDITORIAL.sub(keep_ellipsis, quote)


def split_ellipsis(quote: str) -> list[str]:
    """Split a quote at its ellipses into the fragments it joins, dropping empty ones."""
    return [part for part in ELLIPSIS.split(quote) if words(part)]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """Normalize line ends and drop control characters other than newline and tab."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
