"""Author names: aliases, initials and ambiguity ("Trotsky" is Leon or Natalia Sedova Trotsky).

A name the user gives matches an archive author when every word of it matches a word of the
author's name in order, a one-letter word matching as an initial, and the last word matching in
full (so "N. Sedova", "Natalia Sedova" and "Sedova" all mean Natalia Sedova Trotsky). Known
alternative names (pen names, transliterations) live in `ALIASES`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import process

ALIASES: dict[str, list[str]] = {
    "Vladimir Lenin": ["V. I. Lenin", "Vladimir Ilyich Lenin", "Vladimir Ilich Lenin", "Lenin", "N. Lenin"],
    "Leon Trotsky": ["Lev Trotsky", "Lev Davidovich Bronstein", "L. D. Trotsky"],
    "Natalia Sedova Trotsky": ["Natalia Sedova", "Natalya Sedova", "N. Sedova", "Natalia Trotsky"],
    "Mark Twain": ["Samuel Clemens", "Samuel Langhorne Clemens", "S. L. Clemens"],
    "Karl Marx": ["K. Marx", "Marx"],
    "Frederick Engels": ["Friedrich Engels", "F. Engels"],
    "Friedrich Nietzsche": ["Friedrich Wilhelm Nietzsche", "F. W. Nietzsche"],
}
_PARTICLES = {"de", "von", "van", "der", "la", "le"}


@lru_cache(maxsize=8192)
def name_words(name: str) -> tuple[str, ...]:
    """The lowercase ASCII words of a name ("V.I. Lenin" -> ("v", "i", "lenin")); cached, since resolving one
    name compares it with every form of every author."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return tuple(re.findall(r"[a-z0-9]+", folded))


def _matches_words(query: list[str], name: list[str]) -> bool:
    if not query or not name or query[-1] not in name:
        return False
    j = 0
    for word in query:
        while j < len(name) and not (name[j] == word or (len(word) == 1 and name[j].startswith(word))):
            j += 1
        if j == len(name):
            return False
        j += 1
    return True


@lru_cache(maxsize=4096)
def forms(name: str) -> tuple[str, ...]:
    """A canonical name and every alternative form on record for it."""
    out = [name]
    for canonical, aliases in ALIASES.items():
        if name_words(canonical) == name_words(name) or any(name_words(a) == name_words(name) for a in aliases):
            out += [canonical, *aliases]
    return tuple(dict.fromkeys(out))


def matches(query: str, name: str) -> bool:
    """True when the user's `query` can mean the archive author `name` (see the module docstring)."""
    q = [w for w in name_words(query) if w not in _PARTICLES]
    return any(_matches_words(q, [w for w in name_words(f) if w not in _PARTICLES]) for f in forms(name))


def canonical(name: str, known: list[str]) -> str:
    """The archive's spelling of an author read from a document: an existing author the full name
    matches exactly (in any recorded form), else the name as given (cleaned of extra spaces)."""
    clean = " ".join(name.split())
    words = name_words(clean)
    for other in known:
        if any(name_words(f) == words for f in forms(other)):
            return other
    for alias_of, aliases in ALIASES.items():
        if any(name_words(a) == words for a in aliases):
            return alias_of
    return clean


def resolve(query: str, known: list[str]) -> list[str]:
    """Every archive author `query` can mean; exact full-name matches win over partial ones."""
    words = name_words(query)
    exact = [n for n in known if any(name_words(f) == words for f in forms(n))]
    if exact:
        return exact
    return [n for n in known if matches(query, n)]


def closest(query: str, known: list[str], limit: int = 5) -> list[str]:
    """The known names most like `query`, for a helpful 'unknown author' message."""
    return [m[0] for m in process.extract(query, known, limit=limit)]
