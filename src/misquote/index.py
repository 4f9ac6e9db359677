"""The word index: built at ingest, read by the quote check to find candidate passages fast.

At ingest every document becomes a run of normalized words (paragraphs, then notes), and each
distinct word gets a posting: the positions where it occurs in that document. A lookup reads the
postings of only the rarest words of the quote (a few per stretch of it, so each fragment of a
splice gets its own), votes for (document, diagonal) pairs — a diagonal is the position of the quote
start that a hit implies — and returns the best windows. Its cost grows with the postings of rare
words, that is with the number of places that could match, not with the size of the corpus.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from misquote.model import Document
from misquote.store import PassageRow
from misquote.text import words

if TYPE_CHECKING:
    from misquote.store import Store

# Words so common that their postings would cost more than they tell; a quote made only of these
# still gets looked up by its least common words.
_STOPWORDS = """
the of and to a in that is it was he for as with his be on by i not at this which have are but from
or had an they you all we one were her she there been their so has would will no if what its who more
them my me him our do these into than any can only other when such some up may those then could
de la le et les des en du un une est que qui dans pour pas par au il sur ne se ce plus
"""
STOPWORDS = frozenset(_STOPWORDS.split())


@dataclass
class DocumentIndex:
    """What the store writes for one document: its passages and one posting blob per word."""

    passages: list[PassageRow] = field(default_factory=list)
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
        out.passages.append(PassageRow(0, len(out.passages), anchor, kind, speaker, text, start, pos, char_start))
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
    """Indexes of the quote words to look up: the rarest known words of every stretch of the quote.

    Stop words are looked up only when the whole quote has nothing else ("to be or not to be"):
    their postings are the longest in the index and tell the least.
    """
    known = [i for i in range(len(query)) if df.get(query[i], 0) > 0]
    informative = {i for i in known if query[i] not in STOPWORDS}
    if not informative:
        return sorted(sorted(known, key=lambda i: df[query[i]])[:per_stretch])
    chosen: set[int] = set()
    stretch = max(stretch, -(-len(query) // 4))  # a long passage needs no more probes than four stretches
    for begin in range(0, len(query), stretch):
        part = [i for i in range(begin, min(begin + stretch, len(query))) if i in informative]
        part.sort(key=lambda i: df[query[i]])
        chosen.update(part[:per_stretch])
    return sorted(chosen)


class PostingCache:
    """Decoded postings of recently looked-up words, kept while the archive's files are unchanged.

    Checks of real quotes keep asking for the same mid-frequency words ("history", "revolution");
    decoding their postings from the store is most of a check's cost, so the arrays are kept, up to
    `max_positions` positions in all, least recently used first out. Any ingest changes the store's
    generation, which empties the cache.
    """

    def __init__(self, store: Store, max_positions: int = 8_000_000) -> None:
        self.store = store
        self.max_positions = max_positions
        self._data: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._generation: object = None
        self._lock = threading.Lock()

    def arrays(self, word_ids: Iterable[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """(document of each position, position) arrays for each word id."""
        generation = self.store.generation()
        word_ids = list(word_ids)
        with self._lock:  # the web app shares one cache between its worker threads
            if generation != self._generation:
                self._data.clear()
                self._size, self._generation = 0, generation
            missing = [w for w in word_ids if w not in self._data]
            for wid, rows in self.store.postings(missing).items() if missing else ():
                self._add(wid, _decode(rows))
            out = {}
            for wid in word_ids:
                self._data.move_to_end(wid)
                out[wid] = self._data[wid]
        return out

    def _add(self, wid: int, arrays: tuple[np.ndarray, np.ndarray]) -> None:
        self._data[wid] = arrays
        self._size += len(arrays[1])
        while self._size > self.max_positions and len(self._data) > 1:
            _, (_, old) = self._data.popitem(last=False)
            self._size -= len(old)


def _decode(rows: list[tuple[int, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    """A word's postings rows as two arrays, in three numpy calls rather than three per document."""
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    pos = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.uint32).astype(np.int64)
    counts = [len(blob) // 4 for _, blob in rows]
    doc_of = np.repeat(np.fromiter((doc for doc, _ in rows), dtype=np.int64, count=len(rows)), counts)
    return doc_of, pos


def candidates(
    store: Store,
    query: Sequence[str],
    limit: int = 12,
    prefer: set[int] | None = None,
    only: bool = False,
    cache: PostingCache | None = None,
) -> list[Window]:
    """Windows of the archive where the words of `query` cluster along one diagonal, best first.

    `prefer` names documents (the attributed author's) whose best window is always included, even
    when other documents fill the top `limit`; with `only`, no other document is considered.
    """
    vocab = store.vocabulary(query)
    df = {w: v[1] for w, v in vocab.items()}
    probes = _probe_words(query, df)
    if not probes:
        return []
    by_word: dict[str, list[int]] = defaultdict(list)
    for i in probes:
        by_word[query[i]].append(i)
    ids = {vocab[w][0]: w for w in by_word}
    if cache is not None:
        arrays = cache.arrays(ids)
    else:
        arrays = {wid: _decode(rows) for wid, rows in store.postings(ids).items()}
    docs_l: list[np.ndarray] = []
    diag_l: list[np.ndarray] = []
    qidx_l: list[np.ndarray] = []
    for wid, (doc_of, pos) in arrays.items():
        for q_i in by_word[ids[wid]]:
            docs_l.append(doc_of)
            diag_l.append(pos - q_i)
            qidx_l.append(np.full(len(pos), q_i, dtype=np.int64))
    if not docs_l:
        return []
    docs, diag, qidx = np.concatenate(docs_l), np.concatenate(diag_l), np.concatenate(qidx_l)
    if only and prefer is not None:
        mine = np.isin(docs, np.fromiter(prefer, dtype=np.int64, count=len(prefer)))
        docs, diag, qidx = docs[mine], diag[mine], qidx[mine]
        if not len(docs):
            return []
    # One vectorized pass: sort hits by (document, diagonal); a new cluster starts wherever the
    # document changes or consecutive diagonals are more than `slack` apart. Both go in one int64 key
    # (document ids stay below 2**31, and a diagonal is a word position, shifted to be >= 0), which
    # sorts several times faster than lexsort's two keys.
    order = np.argsort((docs << 32) | (diag + len(query)))
    docs, diag, qidx = docs[order], diag[order], qidx[order]
    slack = max(4, len(query) // 4)
    new_cluster = np.ones(len(docs), dtype=bool)
    new_cluster[1:] = (docs[1:] != docs[:-1]) | (diag[1:] - diag[:-1] > slack)
    cluster = np.cumsum(new_cluster) - 1
    # votes = distinct quote words per cluster, counted only in clusters with two hits or more
    # when there are any (most clusters are lone hits of a common word)
    clusters = int(cluster[-1]) + 1
    hits = np.bincount(cluster, minlength=clusters)
    keep = hits[cluster] >= (2 if hits.max() >= 2 else 1)
    keys = np.sort(cluster[keep] * (len(query) + 1) + qidx[keep])
    distinct = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
    votes = np.bincount(distinct // (len(query) + 1), minlength=clusters)
    best = int(votes.max())
    floor = 1 if best <= 2 else max(2, best // 3)
    chosen = np.flatnonzero(votes >= floor)
    chosen = chosen[np.lexsort((chosen, -votes[chosen]))][:limit]
    starts = np.flatnonzero(new_cluster)
    if prefer and not only:
        preferred = np.isin(docs[starts], np.fromiter(prefer, dtype=np.int64, count=len(prefer)))
        if preferred.any() and not preferred[chosen].any():
            own = np.flatnonzero(preferred)
            chosen = np.r_[chosen, own[np.argmax(votes[own])]]
    ends = np.r_[starts[1:], len(docs)]
    windows: list[Window] = []
    for c in chosen:
        lo, hi = starts[c], ends[c]
        qs = qidx[lo:hi]
        windows.append(
            Window(
                int(docs[lo]),
                int(diag[lo]),
                int(diag[hi - 1]) + len(query),
                int(votes[c]),
                int(qs.min()),
                int(qs.max()) + 1,
            )
        )
    return windows
