"""The word index: built at ingest, read by the quote check to find candidate passages fast.

At ingest every document becomes a run of normalized words (paragraphs, then notes), and each
distinct word gets a posting: the positions where it occurs in that document. A lookup reads the
postings of only the rarest words of the quote (a few per stretch of it, so each fragment of a
splice gets its own), votes for (document, diagonal) pairs — a diagonal is the position of the quote
start that a hit implies — and returns the best windows. Its cost grows with the postings of rare
words, that is with the number of places that could match, not with the size of the corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from misquote.model import Document
from misquote.text import words

if TYPE_CHECKING:
    from misquote.store import Store

# Words so common that their postings would cost more than they tell; a quote made only of these
# still gets looked up by its least common words.
STOPWORDS = frozenset(
    ["the", "of", "and", "to", "a", "in", "that", "is", "it", "was", "he", "for", "as", "with", "his", "be", "on", "by", "i", "not", "at", "this", "which", "have", "are", "but", "from", "or", "had", "an", "they", "you", "all", "we", "one", "were", "her", "she", "there", "been", "their", "so", "has", "would", "will", "no", "if", "what", "its", "who", "more", "them", "my", "me", "him", "our", "do", "these", "into", "than", "any", "can", "only", "other", "when", "such", "some", "up", "may", "those", "then", "could", "de", "la", "le", "et", "les", "des", "en", "du", "un", "une", "est", "que", "qui", "dans", "pour", "pas", "par", "au", "il", "sur", "ne", "se", "ce", "plus"]
)

MAX_POSITION = 2**32 - 1


@dataclass
class IndexedPassage:
    """A paragraph or note with the range of document word positions it holds."""

    anchor: str
    kind: str
    speaker: str | None
    text: str
    tok_start: int
    tok_end: int
    char_start: int
    """Where the passage starts in the document text (0 for notes, which stand apart from it)."""


@dataclass
class DocumentIndex:
    """What the store writes for one document: its passages and one posting blob per word."""

    passages: list[IndexedPassage] = field(default_factory=list)
    positions: dict[str, bytes] = field(default_factory=dict)
    words: int = 0


def document_postings(doc: Document) -> DocumentIndex:
    """Tokenize a document's paragraphs and notes into passages and word postings."""
    out = DocumentIndex()
    where: dict[str, list[int]] = defaultdict(list)
    pos = 0
    items = [(p.anchor, p.kind, p.speaker, p.text, p.start) for p in doc.paragraphs]
    items += [(f"note-{n.label}", "note", n.by, n.text, 0) for n in doc.notes]
    for anchor, kind, speaker, text, char_start in items:
        start = pos
        for word in words(text):
            where[word].append(pos)
            pos += 1
        out.passages.append(IndexedPassage(anchor, kind, speaker, text, start, pos, char_start))
    out.words = pos
    out.positions = {w: np.asarray(p, dtype=np.uint32).tobytes() for w, p in where.items()}
    return out


@dataclass
class Window:
    """A stretch of one document where part of the quote may stand, with its vote count."""

    doc: int
    start: int
    end: int
    votes: int
    q_start: int
    q_end: int


def _probe_words(query: Sequence[str], df: dict[str, int], per_stretch: int = 2, stretch: int = 6) -> list[int]:
    """Indexes of the quote words to look up: the rarest known words of every stretch of the quote."""
    chosen: set[int] = set()
    for begin in range(0, len(query), stretch):
        part = [i for i in range(begin, min(begin + stretch, len(query))) if df.get(query[i], 0) > 0]
        informative = [i for i in part if query[i] not in STOPWORDS] or part
        informative.sort(key=lambda i: df[query[i]])
        chosen.update(informative[:per_stretch])
    return sorted(chosen)


def candidates(store: Store, query: Sequence[str], limit: int = 12) -> list[Window]:
    """Windows of the archive where the words of `query` cluster along one diagonal, best first."""
    vocab = store.vocabulary(query)
    df = {w: v[1] for w, v in vocab.items()}
    probes = _probe_words(query, df)
    if not probes:
        return []
    by_word: dict[str, list[int]] = defaultdict(list)
    for i in probes:
        by_word[query[i]].append(i)
    postings = store.postings({vocab[w][0] for w in by_word})
    ids_to_word = {vocab[w][0]: w for w in by_word}
    # hits per document: arrays of diagonal (position - quote index) and quote index
    diag: dict[int, list[np.ndarray]] = defaultdict(list)
    qidx: dict[int, list[np.ndarray]] = defaultdict(list)
    for wid, rows in postings.items():
        for q_i in by_word[ids_to_word[wid]]:
            for doc, blob in rows:
                pos = np.frombuffer(blob, dtype=np.uint32).astype(np.int64)
                diag[doc].append(pos - q_i)
                qidx[doc].append(np.full(len(pos), q_i, dtype=np.int64))
    slack = max(4, len(query) // 4)
    windows: list[Window] = []
    for doc, diags in diag.items():
        d = np.concatenate(diags)
        q = np.concatenate(qidx[doc])
        order = np.argsort(d, kind="stable")
        d, q = d[order], q[order]
        # split the sorted diagonals into clusters wherever consecutive ones are more than `slack` apart
        breaks = np.flatnonzero(np.diff(d) > slack) + 1
        for lo, hi in zip(np.r_[0, breaks], np.r_[breaks, len(d)], strict=True):
            qs = q[lo:hi]
            votes = len(np.unique(qs))
            windows.append(
                Window(doc, int(d[lo]), int(d[hi - 1]) + len(query), votes, int(qs.min()), int(qs.max()) + 1)
            )
    windows.sort(key=lambda w: (-w.votes, w.doc, w.start))
    if not windows:
        return []
    best = windows[0].votes
    floor = 1 if best <= 2 else max(2, best // 3)
    return [w for w in windows if w.votes >= floor][:limit]
