"""Text reuse: which passages of one text reappear (verbatim or altered) in another, and across a corpus.

Two texts are aligned in three steps, all on the normalized words of `text.tokens`:

1. **seeds**: shared word n-grams. A seed key is a pair of content words (stopwords of
   `index.STOPWORDS` left out) standing within `skip` content words of each other, sorted, so that a
   reordering or an inserted function word does not break it; keys frequent in either text are
   ignored, and a seed with no other seed near it on both sides is a chance hit and dropped. Optionally
   (PAN's reworded and translated text), two sentences close in vocabulary are a seed too.
2. **passages**: seeds are grouped into passages by splitting, alternately on each side, wherever two
   seeds stand more than `max_gap` words apart (the gap tolerance); near neighbours are merged and
   overlaps resolved. An optional pass (PAN's summaries) looks for a stretch of A that draws its words
   from all over B.
3. **alignment**: each passage pair goes through `align.local_align` for identity, coverage and the
   word-level edits; a near-verbatim passage is cut to its aligned region, and what the cut leaves of A
   is aligned again (two copied passages side by side in A but not in B). Passages too short or sharing
   too few content words (Dice) are dropped.

Across a corpus (`find_reuse`), candidate document pairs come from shared rare n-grams (hashed
shingles with a document-frequency cap, so the cost grows with what is shared, not with all pairs).
In each candidate pair only the regions around the shingles the two share are aligned, in windows
of bounded length stitched back together, so two books cost what they share, not the product of
their lengths. Passages are grouped into clusters of the same text reappearing (connected
components), each ordered by date. Every stage is written to `out_dir` and a re-run resumes after
the last completed one. `spark.py` runs the same pure functions on PySpark.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property, lru_cache, partial
from itertools import chain, pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from misquote import pools
from misquote.align import local_align
from misquote.errors import QueryError
from misquote.index import STOPWORDS
from misquote.text import tokens, words

if TYPE_CHECKING:
    from misquote.store import DocRow, Store

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total) during a corpus run."""

MAX_WORDS = 2_000_000
"""Words of one text the aligner reads; a longer text is cut there (an enormous file must not hang a run)."""


@dataclass(frozen=True)
class Params:
    """The knobs of the alignment; `DEFAULT` suits archives, `PAN` was tuned on the PAN13 training corpus."""

    min_words: int = 15
    """Shortest passage reported, in words of the shorter side."""
    max_gap: int = 20
    """Most words between two seeds of one passage, on either side (the gap tolerance)."""
    skip: int = 1
    """Seed keys pair each content word with the next `skip` content words."""
    min_seeds: int = 3
    """Fewest seeds of a passage fragment before merging, each word of the side with fewer counted once."""
    min_density: float = 0.0
    """Fewest seeds per word (of the shorter side) of a reported passage."""
    max_occ: int = 6
    """A seed key occurring more often than this in either text says nothing about where a passage is."""
    merge_gap: int = 60
    """Neighbouring passages closer than this on both sides become one."""
    trim_identity: float = 2.0
    """Cut a passage at least this identical to its aligned region (exact for near-verbatim reuse; reordered
    text has low identity and keeps its seed bounds, which the LCS would cut too tight). Above 1: never."""
    trim_coverage: float = 0.5
    """...and only when that region covers at least this share of the passage: `local_align` is local, and a
    short exact stretch of a reworded passage is not where the passage ends."""
    support: int = 0
    """When above 0, a seed counts only with another seed within this many words on both sides."""
    skew: int = 1000
    """Most difference between the gaps on the two sides when merging neighbouring passages."""
    min_dice: float = 0.0
    """Least content-word overlap (Dice) of the two sides of a reported passage."""
    min_chars: int = 0
    """Fewest characters of the B side of a reported passage."""
    sentence_cos: float = 0.0
    """When above 0, two sentences this close (cosine of their content words weighted by tf-isf) are a seed."""
    sentence_dice: float = 0.0
    """...when they also share this much of their content words (Dice)."""
    summary_containment: float = 0.0
    """When above 0, look for a summary of B in A: a run of sentences of A whose content words are found in B
    at least this much, each weighted by the share of its occurrences in A that fall inside the run."""
    summary_words: tuple[int, int] = (60, 160)
    """Shortest and longest summary, in words."""
    summary_ratio: tuple[float, float] = (4.0, 40.0)
    """B is at least, and at most, this many times longer than a summary of it: the words of a still longer B
    are found in any text on its topic."""
    summary_shared: int = 20
    """Fewest distinct content words of B a summary uses."""
    summary_outside: float = 0.35
    """Most share of A's content words outside the summary found in B: above it, A and B merely share a topic."""
    summary_concentration: float = 0.6
    """Most share of the words a summary shares with B, of those B has once or twice, inside one stretch of B
    1.5 times as long as the summary: above it, the run of A copies one part of B rather than summing up all."""


DEFAULT = Params(skip=2, support=15, min_dice=0.35, trim_identity=0.9)
# Tuned on the PAN13 *training* corpus (the only one at hand, so its figures are training figures): 25 words
# and 200 characters are about the shortest cases there; the sentence thresholds are those of Sanchez-Perez
# et al. (PAN 2014); the summary bounds separate its summary cases from the summary folder's pairs without
# one and from the no-plagiarism pairs. The summary pass and its whole-B source are PAN's convention.
PAN = Params(
    min_words=25, skip=2, support=15, min_dice=0.35, trim_identity=0.9, min_chars=200,
    sentence_cos=0.33, sentence_dice=0.33, summary_containment=0.5,
)

SENTENCE_END = re.compile(r"[.!?]|\n[ \t]*\n")
"""Between two words, what ends a sentence: end punctuation or a blank line."""
SENTENCE_WORDS = (3, 40)
"""A shorter sentence joins the one before; a longer one (a web page's list without stops) is cut."""


@dataclass
class Profile:
    """A text prepared for alignment: its normalized words, their char offsets, and its seed keys."""

    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]
    keys: dict[tuple[str, str], list[int]]
    """Seed key -> word positions of its first word."""
    spans: dict[tuple[str, str], list[int]]
    """Seed key -> positions after its last word, in step with `keys`."""

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Word ranges of the sentences."""
        shortest, longest = SENTENCE_WORDS
        out: list[tuple[int, int]] = []
        first, n = 0, len(self.words)
        for i in range(n):
            if i + 1 < n and i + 1 - first < longest and not SENTENCE_END.search(
                self.text, self.ends[i], self.starts[i + 1]
            ):
                continue
            if i + 1 - first < shortest and out:
                out[-1] = (out[-1][0], i + 1)
            else:
                out.append((first, i + 1))
            first = i + 1
        return out

    @cached_property
    def bags(self) -> list[Counter[str]]:
        """The content words of each sentence, counted."""
        return [Counter(w for w in self.words[s:e] if w not in STOPWORDS) for s, e in self.sentences]

    @cached_property
    def content(self) -> Counter[str]:
        """The content words of the whole text, counted."""
        return Counter(w for w in self.words if w not in STOPWORDS)


def profile(text: str, params: Params | None = None, max_words: int = MAX_WORDS) -> Profile:
    """Tokenize `text` with the one normalizer and index its seed keys."""
    skip = (params or DEFAULT).skip
    toks = tokens(text)[:max_words]
    words = [t.norm for t in toks]
    content = [i for i, w in enumerate(words) if w not in STOPWORDS]
    keys: dict[tuple[str, str], list[int]] = defaultdict(list)
    spans: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k in range(len(content) - 1):
        i = content[k]
        a = words[i]
        for j in content[k + 1 : k + 1 + skip]:
            b = words[j]
            key = (a, b) if a <= b else (b, a)
            keys[key].append(i)
            spans[key].append(j + 1)
    return Profile(text, words, [t.start for t in toks], [t.end for t in toks], dict(keys), dict(spans))


Seed = tuple[int, int, int, int]
"""(a_start, a_end, b_start, b_end) in word positions."""


def seeds(a: Profile, b: Profile, params: Params = DEFAULT) -> list[Seed]:
    """Every place where the two texts share a seed key, as word ranges in both."""
    out: list[Seed] = []
    for key, a_pos in a.keys.items():
        b_pos = b.keys.get(key)
        if not b_pos or len(a_pos) > params.max_occ or len(b_pos) > params.max_occ:
            continue
        a_end, b_end = a.spans[key], b.spans[key]
        for x, i in enumerate(a_pos):
            for y, j in enumerate(b_pos):
                out.append((i, a_end[x], j, b_end[y]))
    out.sort()
    return out


def supported(found: list[Seed], distance: int) -> list[Seed]:
    """The seeds (sorted) that have another seed within `distance` words on both sides; a chance hit has none."""
    out: list[Seed] = []
    n = len(found)
    for k, (a0, _, b0, _) in enumerate(found):
        m = k - 1
        ok = False
        while m >= 0 and a0 - found[m][0] <= distance and not ok:
            ok = abs(found[m][2] - b0) <= distance and found[m][2] != b0
            m -= 1
        m = k + 1
        while m < n and found[m][0] - a0 <= distance and not ok:
            ok = abs(found[m][2] - b0) <= distance and found[m][2] != b0
            m += 1
        if ok:
            out.append(found[k])
    return out


def sentence_seeds(a: Profile, b: Profile, params: Params) -> list[Seed]:
    """Sentence pairs close in tf-isf cosine and in Dice of their content words (Sanchez-Perez et al., PAN 2014).

    Reworded or translated text keeps few word pairs in place but much of each sentence's vocabulary. Each seed
    is cut to the words its two sentences share, so that a sentence only half reused does not carry its other
    half into the passage.
    """
    bags_a, bags_b = a.bags, b.bags
    df: Counter[str] = Counter()
    for bag in chain(bags_a, bags_b):
        df.update(bag.keys())
    isf = {w: math.log((len(bags_a) + len(bags_b)) / n) for w, n in df.items()}
    where: dict[str, list[int]] = defaultdict(list)
    for j, bag in enumerate(bags_b):
        for w in bag:
            where[w].append(j)
    vec_b = [{w: c * isf[w] for w, c in bag.items()} for bag in bags_b]
    norm_b = [math.sqrt(sum(x * x for x in v.values())) for v in vec_b]
    out: list[Seed] = []
    for i, bag in enumerate(bags_a):
        dots: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        for w, c in bag.items():
            for j in where.get(w, ()):
                dots[j] += c * isf[w] * vec_b[j][w]
                shared[j] += 1
        if not dots:
            continue
        norm = math.sqrt(sum((c * isf[w]) ** 2 for w, c in bag.items()))
        for j, dot in dots.items():
            if dot <= params.sentence_cos * norm * norm_b[j] or \
                    2 * shared[j] < params.sentence_dice * (len(bag) + len(bags_b[j])):
                continue
            (a0, a1), (b0, b1) = a.sentences[i], b.sentences[j]
            common = bag.keys() & bags_b[j].keys()
            on_a = [k for k in range(a0, a1) if a.words[k] in common]
            on_b = [k for k in range(b0, b1) if b.words[k] in common]
            out.append((on_a[0], on_a[-1] + 1, on_b[0], on_b[-1] + 1))
    return out


def _split(group: list[Seed], side: int, gap: int) -> list[list[Seed]]:
    """Split a group of seeds wherever, along one side, the next seed starts more than `gap` words after the last."""
    lo, hi = (0, 1) if side == 0 else (2, 3)
    ordered = sorted(group, key=lambda s: (s[lo], s[hi]))
    parts: list[list[Seed]] = [[ordered[0]]]
    end = ordered[0][hi]
    for s in ordered[1:]:
        if s[lo] - end > gap:
            parts.append([s])
        else:
            parts[-1].append(s)
        end = max(end, s[hi])
    return parts


def cluster(found: list[Seed], gap: int) -> list[list[Seed]]:
    """Group seeds into passages: split on each side in turn until no group splits any more."""
    if not found:
        return []
    groups = [found]
    stable = 0
    side = 0
    while stable < 2:
        new: list[list[Seed]] = []
        for g in groups:
            new += _split(g, side, gap)
        stable = stable + 1 if len(new) == len(groups) else 0
        groups = new
        side ^= 1
    return groups


@dataclass
class _Passage:
    a0: int
    a1: int
    b0: int
    b1: int
    seeds: int


def _passages(groups: list[list[Seed]], params: Params) -> list[_Passage]:
    out = []
    for g in groups:
        # a word of one side matching several places of the other is one piece of evidence, not several
        count = min(len({s[0] for s in g}), len({s[2] for s in g}))
        if count >= params.min_seeds:
            a0, a1, b0, b1 = min(s[0] for s in g), max(s[1] for s in g), min(s[2] for s in g), max(s[3] for s in g)
            out.append(_Passage(a0, a1, b0, b1, count))
    return out


def _merge(passages: list[_Passage], gap: int, skew: int) -> list[_Passage]:
    """Join passages that follow each other closely on both sides (one reused passage broken by an edit)."""
    passages.sort(key=lambda p: (p.a0, p.b0))
    out: list[_Passage] = []
    for p in passages:
        for q in reversed(out[-3:]):
            ga, gb = p.a0 - q.a1, p.b0 - q.b1
            if p.a0 >= q.a0 and p.b0 >= q.b0 and ga <= gap and gb <= gap and abs(ga - gb) <= skew:
                q.a1, q.b0, q.b1, q.seeds = max(q.a1, p.a1), min(q.b0, p.b0), max(q.b1, p.b1), q.seeds + p.seeds
                break
        else:
            out.append(p)
    return out


def _resolve_overlaps(passages: list[_Passage]) -> list[_Passage]:
    """Where passages overlap on the first text, keep the one with more seeds."""
    kept: list[_Passage] = []
    for p in sorted(passages, key=lambda p: -p.seeds):
        if all(p.a1 <= q.a0 or p.a0 >= q.a1 for q in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p.a0, p.b0))


def dice(a_words: Sequence[str], b_words: Sequence[str]) -> float:
    """Share of content words two passages have in common (Dice over word counts), whatever their order.

    It validates passages where order-based identity is low by nature: reordered or translated text.
    """
    a = Counter(w for w in a_words if w not in STOPWORDS)
    b = Counter(w for w in b_words if w not in STOPWORDS)
    total = a.total() + b.total()
    return 2 * (a & b).total() / total if total else 0.0


@dataclass
class PassagePair:
    """A passage of text A that reappears in text B: char offsets into each, and how close they are."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    identity: float
    coverage: float
    words: int
    a_text: str = ""
    b_text: str = ""
    edits: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _valid(a: Profile, b: Profile, p: _Passage, params: Params) -> bool:
    shorter = min(p.a1 - p.a0, p.b1 - p.b0)
    if shorter < params.min_words or p.seeds < params.min_density * shorter:
        return False
    return not params.min_dice or dice(a.words[p.a0 : p.a1], b.words[p.b0 : p.b1]) >= params.min_dice


def _concentration(positions: list[int], width: int) -> float:
    """The largest share of (sorted) positions inside one window of `width`."""
    best = lo = 0
    for hi, pos in enumerate(positions):
        while pos - positions[lo] > width:
            lo += 1
        best = max(best, hi - lo + 1)
    return best / len(positions) if positions else 0.0


def _summary(a: Profile, b: Profile, params: Params) -> _Passage | None:
    """The summary of B in A, if there is one; its B side is all of B.

    The candidate is the run of whole sentences of A whose content words are most often found in B, each word
    weighted by the share of its occurrences in A that fall inside the run (a word A uses everywhere is A's
    own, not borrowed). It must also stand out from the rest of A and draw on all of B rather than one part.
    """
    shortest, longest = params.summary_words
    least, most = params.summary_ratio
    if not least * shortest <= len(b.words) <= most * longest:
        return None
    in_a, in_b = a.content, b.content
    found = [[w for w in a.words[s:e] if w in in_b] for s, e in a.sentences]
    sizes = [bag.total() for bag in a.bags]
    weight, a0, a1 = 0.0, 0, 0
    for i, (start, _) in enumerate(a.sentences):
        score, total = 0.0, 0
        seen: Counter[str] = Counter()
        for j in range(i, len(a.sentences)):
            end = a.sentences[j][1]
            if end - start > longest:
                break
            total += sizes[j]
            for w in found[j]:
                score += (2 * seen[w] + 1) / in_a[w]  # keeps score = sum of seen[w] ** 2 / in_a[w]
                seen[w] += 1
            if end - start >= shortest and score > weight * total:
                weight, a0, a1 = score / total, start, end
    if weight < params.summary_containment or not least * (a1 - a0) <= len(b.words) <= most * (a1 - a0):
        return None
    outside = [w for w in chain(a.words[:a0], a.words[a1:]) if w not in STOPWORDS]
    # without as much of A again to compare with, a text on B's topic cannot be told from a summary of B
    if len(outside) < a1 - a0 or sum(w in in_b for w in outside) > params.summary_outside * len(outside):
        return None
    shared = set(a.words[a0:a1]) & in_b.keys()
    rare = [k for k, w in enumerate(b.words) if w in shared and in_b[w] <= 2]
    if len(shared) < params.summary_shared or _concentration(rare, int(1.5 * (a1 - a0))) > params.summary_concentration:
        return None
    return _Passage(a0, a1, 0, len(b.words), len(shared))


def align_profiles(a: Profile, b: Profile, params: Params = DEFAULT, *, with_text: bool = True) -> list[PassagePair]:
    """The passage pairs shared by two prepared texts, in the order they stand in A."""
    every = seeds(a, b, params)
    found = supported(every, params.support) if params.support else every
    if params.sentence_cos:
        found = sorted(found + sentence_seeds(a, b, params))
    passages = _passages(cluster(found, params.max_gap), params)
    passages = _resolve_overlaps(_merge(passages, params.merge_gap, params.skew))
    summary = _summary(a, b, params) if params.summary_containment else None
    if summary:
        passages = [q for q in passages if q.a1 <= summary.a0 or q.a0 >= summary.a1] + [summary]
    todo = [(p, False) for p in passages]
    out: list[PassagePair] = []
    while todo:
        p, leftover = todo.pop()
        qa, sb = a.words[p.a0 : p.a1], b.words[p.b0 : p.b1]
        al = local_align(qa, sb)
        if al is None:
            continue
        a0, a1, b0, b1 = p.a0, p.a1, p.b0, p.b1
        if al.identity >= params.trim_identity and al.coverage >= params.trim_coverage and p is not summary:
            # the aligned region drops stray seeds at either end of the passage; what it leaves of A may be
            # another near-verbatim passage (two reused passages side by side in A, not in B)
            a0, a1, b0, b1 = p.a0 + al.q_start, p.a0 + al.q_end, p.b0 + al.s_start, p.b0 + al.s_end
            todo += [(_Passage(lo, hi, p.b0, p.b1, p.seeds), True) for lo, hi in ((p.a0, a0), (a1, p.a1))
                     if hi - lo >= params.min_words]
        elif leftover:
            continue
        if p is not summary and not _valid(a, b, _Passage(a0, a1, b0, b1, p.seeds), params):
            continue
        if b.ends[b1 - 1] - b.starts[b0] < params.min_chars:
            continue
        pair = PassagePair(
            a.starts[a0], a.ends[a1 - 1], b.starts[b0], b.ends[b1 - 1],
            round(al.identity, 4), round(al.coverage, 4), a1 - a0,
        )
        if with_text:
            pair.a_text = a.text[pair.a_start : pair.a_end]
            pair.b_text = b.text[pair.b_start : pair.b_end]
            pair.edits = [{"op": e.op, "a": e.quote, "b": e.source} for e in al.edits(qa, sb)]
        out.append(pair)
    return sorted(out, key=lambda pair: (pair.a_start, pair.b_start))


def align_documents(a_text: str, b_text: str, min_words: int = 15) -> list[PassagePair]:
    """The passages of `a_text` that reappear in `b_text`, at least `min_words` long, with aligned text."""
    if min_words < 1:
        raise QueryError("min_words must be at least 1")
    params = replace(DEFAULT, min_words=min_words)
    return align_profiles(profile(a_text, params), profile(b_text, params), params)


# -- corpus-wide reuse ----------------------------------------------------------------------------

VERSION = 2
"""What the stage files mean; a run folder written by another version starts over."""
SHINGLE = 3
"""Content words per shingle (stopwords dropped, order kept): rare enough to pair documents cheaply."""
MAX_DF = 50
"""A shingle in more documents than this is boilerplate, not evidence that two documents share a passage."""
MIN_SHARED = 3
"""Fewest shared shingles for a document pair to be aligned."""
MAX_OCC = 4
"""A shingle standing more often than this in one document does not say where a passage is in it."""
REGION_GAP = 600
"""Most characters (about 100 words) between two shared shingles of one region, on either side."""
MIN_ANCHORS = 2
"""Fewest shared shingles of a region worth aligning: a lone shared phrase is chance."""
PAD = 300
"""Characters (about 50 words) aligned beyond a region's outer shared shingles, where a passage's altered ends stand."""
WINDOW = 40_000
"""Most characters (about 7,000 words) of each side aligned at once. The word alignment costs the product of
the two sides (two whole books: 30 s and 2.6 GB), so a longer region, a reprinted book, is aligned in windows
cut at a shared shingle and the pieces are stitched back."""
STITCH = 200
"""Most characters between two pieces of a passage, on both sides of a window cut, for them to be one passage."""
STAGES = ("shingles", "candidates", "alignments", "clusters")

_ANY_WORD = re.compile(r"\w")
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier of the rolling shingle hash (the golden ratio's)


@lru_cache(maxsize=1 << 20)
def _word_hash(word: str) -> int:
    """A word's 64-bit hash, the same in every process (Python's own `hash` of a str is not)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


def _shingle_hashes(content: Sequence[str], n: int = SHINGLE) -> np.ndarray:
    """The hash of the n-gram starting at each position of `content`: 63 bits, stable across processes and machines."""
    m = len(content) - n + 1
    if m <= 0:
        return np.empty(0, np.int64)
    x = np.fromiter(map(_word_hash, content), np.uint64, len(content))
    h = np.zeros(m, np.uint64)
    for i in range(n):
        h = h * _MIX + x[i : i + m]  # wraps modulo 2**64, the same everywhere
    return (h >> np.uint64(1)).astype(np.int64)


def doc_shingles(text: str, n: int = SHINGLE) -> np.ndarray:
    """The sorted distinct hashes of a text's content-word n-grams."""
    return np.unique(_shingle_hashes([w for w in words(text)[:MAX_WORDS] if w not in STOPWORDS], n))


def posting_pairs(docs: Sequence[int], max_df: int = MAX_DF) -> list[tuple[int, int]]:
    """The document pairs (lower id first) that one shingle's posting list votes for; none for a boilerplate shingle."""
    docs = sorted(set(docs))
    if len(docs) < 2 or len(docs) > max_df:
        return []
    return [(docs[i], docs[j]) for i in range(len(docs)) for j in range(i + 1, len(docs))]


def wanted(pair: tuple[int, int], count: int, focus: frozenset[int] | None, min_shared: int = MIN_SHARED) -> bool:
    """Whether a candidate pair is aligned: enough shared shingles, and one side in the focus documents if any."""
    return count >= min_shared and (focus is None or pair[0] in focus or pair[1] in focus)


def shared_hashes(shingles: dict[int, np.ndarray], max_df: int = MAX_DF) -> np.ndarray:
    """The sorted shingle hashes found in 2 to `max_df` documents: the only ones that can place a shared passage."""
    if not shingles:
        return np.empty(0, np.int64)
    keys, df = np.unique(np.concatenate(list(shingles.values())), return_counts=True)
    return keys[(df >= 2) & (df <= max_df)]


@dataclass
class Anchors:
    """Where a document's shared shingles stand: their occurrences' char spans grouped by hash, and an index on them."""

    keys: np.ndarray
    """Distinct hashes, sorted."""
    first: np.ndarray
    """Index in `starts`/`ends` of each key's first occurrence."""
    count: np.ndarray
    """Occurrences of each key."""
    starts: np.ndarray
    ends: np.ndarray


def doc_anchors(text: str, keep: np.ndarray, n: int = SHINGLE) -> Anchors:
    """The occurrences in `text` of the shingles in `keep` (sorted hashes), with the char span of each."""
    content = [t for t in tokens(text)[:MAX_WORDS] if t.norm not in STOPWORDS]
    hashes = _shingle_hashes([t.norm for t in content], n)
    m = len(hashes)
    starts = np.fromiter((t.start for t in content[:m]), np.int64, m)
    ends = np.fromiter((t.end for t in content[n - 1 : n - 1 + m]), np.int64, m)
    where = keep[np.minimum(np.searchsorted(keep, hashes), len(keep) - 1)] == hashes if len(keep) else hashes < 0
    hashes, starts, ends = hashes[where], starts[where], ends[where]
    order = np.lexsort((starts, hashes))
    hashes, starts, ends = hashes[order], starts[order], ends[order]
    keys, first, count = np.unique(hashes, return_index=True, return_counts=True)
    return Anchors(keys, first, count, starts, ends)


def _shared_seeds(a: Anchors, b: Anchors) -> tuple[list[Seed], set[Seed]]:
    """Every pairing of the occurrences of a shingle two documents share, as char spans (sorted), and the sure
    ones among them: shingles standing once in each document, which put the two texts side by side."""
    _, xa, xb = np.intersect1d(a.keys, b.keys, assume_unique=True, return_indices=True)
    ca, cb = a.count[xa], b.count[xb]
    ok = (ca <= MAX_OCC) & (cb <= MAX_OCC)
    fa, fb, ca, cb = a.first[xa[ok]], b.first[xb[ok]], ca[ok], cb[ok]
    # the cross product of each shingle's occurrences, unrolled: pairing t of a shingle is (t // cb, t % cb)
    size = ca * cb
    key = np.repeat(np.arange(len(size)), size)
    t = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    i, j = fa[key] + t // cb[key], fb[key] + t % cb[key]
    found = np.column_stack((a.starts[i], a.ends[i], b.starts[j], b.ends[j]))
    once = size[key] == 1
    return sorted(map(tuple, found.tolist())), set(map(tuple, found[once].tolist()))


def _word_edge(text: str, i: int, step: int) -> int:
    """`i` moved back (step -1) or forward (step 1) out of the word it cuts, so that a window holds whole words."""
    for _ in range(100):
        if not (0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()):
            break
        i += step
    return i


def _windows(group: list[Seed], sure: set[Seed], a_text: str, b_text: str) -> list[tuple[int, int, int, int]]:
    """The char windows (a0, a1, b0, b1) a region of shared shingles is aligned in, in order.

    The region is padded by `PAD`; where it is longer than `WINDOW`, it is cut at a sure shared shingle
    (`_shared_seeds`), so both sides of the cut are the same place of the text and the pieces found on
    either side meet there. No cut leaves less than a quarter window after it: a piece shorter than
    the shortest passage would not be found, and the passage would lose its end.
    """
    group = sorted(group)
    a0, b0 = group[0][0] - PAD, min(s[2] for s in group) - PAD
    a1, b1 = max(s[1] for s in group) + PAD, max(s[3] for s in group) + PAD
    cuts = [(_word_edge(a_text, max(0, a0), -1), _word_edge(b_text, max(0, b0), -1))]
    for s in group[1:]:
        ca, cb = cuts[-1]
        if s[0] - ca >= WINDOW and a1 - s[0] >= WINDOW // 4 and s[2] > cb and s in sure:
            cuts.append((s[0], s[2]))
    cuts.append((_word_edge(a_text, min(len(a_text), a1), 1), _word_edge(b_text, min(len(b_text), b1), 1)))
    return [(a0, a1, b0, b1) for (a0, b0), (a1, b1) in pairwise(cuts)]


def _stitch(pieces: list[list[dict[str, Any]]], a_text: str, b_text: str) -> list[dict[str, Any]]:
    """The passages found in consecutive windows, with the two pieces meeting at each window cut joined."""
    out: list[dict[str, Any]] = []
    open_end = False  # whether out[-1] ends the previous window
    for passages in pieces:
        for k, q in enumerate(passages):
            p = out[-1] if out else None
            if (k == 0 and open_end and p is not None
                    and 0 <= q["a_start"] - p["a_end"] <= STITCH and 0 <= q["b_start"] - p["b_end"] <= STITCH):
                out[-1] = _join(p, q, a_text, b_text)
            else:
                out.append(q)
        open_end = bool(passages)
    return out


def _join(p: dict[str, Any], q: dict[str, Any], a_text: str, b_text: str) -> dict[str, Any]:
    """One passage of two that follow each other on both sides: measures weighted by words, the gap an edit."""
    gap_a, gap_b = words(a_text[p["a_end"] : q["a_start"]]), words(b_text[p["b_end"] : q["b_start"]])
    gap = []
    if gap_a != gap_b:
        op = "substitute" if gap_a and gap_b else "insert" if gap_a else "delete"
        gap = [{"op": op, "a": " ".join(gap_a), "b": " ".join(gap_b)}]
    total = p["words"] + q["words"]
    return {
        "a_start": p["a_start"], "a_end": q["a_end"], "b_start": p["b_start"], "b_end": q["b_end"],
        "identity": round((p["identity"] * p["words"] + q["identity"] * q["words"]) / total, 4),
        "coverage": round((p["coverage"] * p["words"] + q["coverage"] * q["words"]) / total, 4),
        "words": total + len(gap_a),
        "a_text": a_text[p["a_start"] : q["a_end"]], "b_text": b_text[p["b_start"] : q["b_end"]],
        "edits": p["edits"] + gap + q["edits"],
    }


def align_pair(a_text: str, b_text: str, a: Anchors, b: Anchors, min_words: int) -> list[dict[str, Any]]:
    """The passage pairs of two documents as JSON-ready dicts: the unit of work sent to Spark executors.

    Only the regions around the shingles the two share are aligned (two books share a few pages, not
    every word), each in windows of at most `WINDOW` characters a side.
    """
    params = replace(DEFAULT, min_words=min_words)
    out: list[dict[str, Any]] = []
    found, sure = _shared_seeds(a, b)
    for group in cluster(found, REGION_GAP):
        if len(group) < MIN_ANCHORS:
            continue
        pieces = []
        for a0, a1, b0, b1 in _windows(group, sure, a_text, b_text):
            passages = align_profiles(profile(a_text[a0:a1], params), profile(b_text[b0:b1], params), params)
            pieces.append([
                {**p.to_dict(), "a_start": p.a_start + a0, "a_end": p.a_end + a0,
                 "b_start": p.b_start + b0, "b_end": p.b_end + b0}
                for p in passages
            ])
        out += _stitch(pieces, a_text, b_text)
    # the aligner can trim a loose passage to a few exact words: too short to report
    return _distinct([p for p in out if p["words"] >= min_words])


def _distinct(passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The passages in text order, without those found again, from a neighbouring region's window: a passage
    lying mostly (half or more, on both sides) inside a longer one is left out."""
    kept: list[dict[str, Any]] = []
    for p in sorted(passages, key=lambda p: (-p["words"], p["a_start"], p["b_start"])):
        if not any(_inside(p, q, "a") and _inside(p, q, "b") for q in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: (p["a_start"], p["b_start"]))


def _inside(p: dict[str, Any], q: dict[str, Any], side: str) -> bool:
    start, end = f"{side}_start", f"{side}_end"
    return 2 * (min(p[end], q[end]) - max(p[start], q[start])) >= p[end] - p[start]


@dataclass
class Witness:
    """One place a clustered passage stands: a document, char offsets, its date and a snippet."""

    document_id: str
    author: str
    title: str
    written: str | None
    year: int | None
    start: int
    end: int
    text: str


@dataclass
class Cluster:
    """The same passage reappearing in several documents, earliest dated witness first."""

    id: int
    witnesses: list[Witness]
    pairs: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "pairs": self.pairs, "witnesses": [asdict(w) for w in self.witnesses]}


@dataclass
class ReuseResult:
    """What a corpus run found: passage pairs between documents, their clusters, and stage counts and times."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"stats": self.stats, "pairs": self.pairs, "clusters": [c.to_dict() for c in self.clusters]}


def corpus_texts(store: Store) -> dict[int, str]:
    """Every current document's text (paragraphs, not notes) by store row id, with offsets as in `Document.text`."""
    parts: dict[int, list[str]] = defaultdict(list)
    length: dict[int, int] = defaultdict(int)
    for p in store.all_passages():
        if p.kind == "note":
            continue
        gap = p.char_start - length[p.doc]
        if gap > 0:
            parts[p.doc].append("\n" * gap)
        parts[p.doc].append(p.text)
        length[p.doc] = max(length[p.doc], p.char_start) + len(p.text)
    return {doc: "".join(chunks) for doc, chunks in sorted(parts.items())}


def author_docs(store: Store, author: str | None) -> frozenset[int] | None:
    """The row ids of `author`'s documents (None: no focus); QueryError when the author has none."""
    if author is None:
        return None
    docs = frozenset(p.doc for p in store.all_passages(author))
    if not docs:
        raise QueryError(f"no documents by {author!r} in the archive: see misquote authors")
    return docs


def pair_counts(shingles: dict[int, np.ndarray]) -> Counter[tuple[int, int]]:
    """How many shingles each document pair shares, counting only shingles in 2 to `MAX_DF` documents.

    The postings come from sorting all hashes at once (arrays, not a dict of millions of lists), and
    the cost grows with the postings, not with the pairs of documents.
    """
    counts: Counter[tuple[int, int]] = Counter()
    if not shingles:
        return counts
    hashes = np.concatenate(list(shingles.values()))
    docs = np.repeat(np.fromiter(shingles, np.int64, len(shingles)), [len(h) for h in shingles.values()])
    order = np.argsort(hashes, kind="stable")
    hashes, docs = hashes[order], docs[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    ends = np.r_[starts[1:], len(hashes)]
    voting = (ends - starts >= 2) & (ends - starts <= MAX_DF)  # what posting_pairs leaves out, left out early
    for start, end in zip(starts[voting].tolist(), ends[voting].tolist(), strict=True):
        counts.update(posting_pairs(docs[start:end].tolist()))
    return counts


def candidate_pairs(shingles: dict[int, np.ndarray], focus: frozenset[int] | None) -> list[tuple[int, int, int]]:
    """Document pairs sharing enough rare shingles, as (a, b, shared count), sorted."""
    return sorted((a, b, n) for (a, b), n in pair_counts(shingles).items() if wanted((a, b), n, focus))


def cluster_passages(pairs: Sequence[dict[str, Any]], rows: dict[int, DocRow], texts: dict[int, str]) -> list[Cluster]:
    """Connected components of passages: pairs join two spans, overlapping spans of one document are one node."""
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # doc -> (start, end, pair index)
    for k, p in enumerate(pairs):
        spans[p["a"]].append((p["a_start"], p["a_end"], k))
        spans[p["b"]].append((p["b_start"], p["b_end"], k))
    parent = list(range(len(pairs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # spans of one document are the same passage when they overlap by at least half the longer one
    # (a bare overlap would let a whole chapter swallow every short quotation inside it)
    for doc in sorted(spans):
        active: list[tuple[int, int, int]] = []
        for start, end, k in sorted(spans[doc]):
            active = [x for x in active if x[1] > start]
            for s0, e0, k0 in active:
                if min(end, e0) - start >= 0.5 * max(end - start, e0 - s0):
                    parent[find(k)] = find(k0)
            active.append((start, end, k))
    groups: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # root -> (doc, start, end)
    members: dict[int, set[int]] = defaultdict(set)
    for doc in sorted(spans):
        for start, end, k in sorted(spans[doc]):
            root = find(k)
            members[root].add(k)
            segs = groups[root]
            if segs and segs[-1][0] == doc and start - segs[-1][1] < 0.5 * (segs[-1][2] - segs[-1][1]):
                segs[-1] = (doc, segs[-1][1], max(segs[-1][2], end))
            else:
                segs.append((doc, start, end))
    clusters: list[Cluster] = []
    for root, segs in groups.items():
        witnesses = []
        for doc, start, end in segs:
            row = rows[doc]
            snippet = texts[doc][start:end]
            witnesses.append(Witness(row.id, row.author, row.title, row.written, row.year, start, end,
                                     snippet if len(snippet) <= 300 else snippet[:297] + "..."))
        witnesses.sort(key=_date_key)
        clusters.append(Cluster(0, witnesses, len(members[root])))
    clusters.sort(key=lambda c: (-len(c.witnesses), _date_key(c.witnesses[0])))
    for i, c in enumerate(clusters, start=1):
        c.id = i
    return clusters


def _date_key(w: Witness) -> tuple[Any, ...]:
    """Earliest dated first (by year, then the full written date), undated last, then by document and place."""
    return (w.year is None, w.year or 0, w.written or "", w.document_id, w.start)


class Stages:
    """The stage files of a run in `out_dir`: each written whole (temp file, then renamed), then marked done.

    The manifest holds the run's parameters and the completed stages; a run with other parameters
    starts over, and a stage interrupted before its rename is redone.
    """

    def __init__(self, out_dir: str | os.PathLike[str] | None, params: dict[str, Any]) -> None:
        self.dir = Path(out_dir) if out_dir else None
        self.done: list[str] = []
        self.resumed: list[str] = []
        self.clock: dict[str, float] = {}
        if self.dir is None:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QueryError(f"cannot create the output folder {self.dir}: {exc.strerror or exc}") from exc
        self.manifest = self.dir / "manifest.json"
        self.params = params
        if self.manifest.is_file():
            try:
                saved = json.loads(self.manifest.read_text(encoding="utf-8"))
            except (ValueError, OSError):  # unreadable (written by an older version, or damaged): start over
                saved = {}
            if isinstance(saved, dict) and saved.get("params") == params:
                self.done = [s for s in saved.get("done", []) if (self.dir / _stage_file(s)).is_file()]

    def run(
        self,
        stage: str,
        compute: Callable[[], Any],
        dump: Callable[[Any], Iterable[Any]] = lambda result: result,
        restore: Callable[[Any], Any] = lambda saved: saved,
    ) -> Any:
        """A stage's result: read back (`restore`) when an earlier run completed it, else computed and
        saved (as `dump` gives it); its seconds go to `clock`, and a stage read back to `resumed`."""
        t0 = time.perf_counter()
        saved = self.load(stage)
        if saved is None:
            result = compute()
            self.save(stage, dump(result))
        else:
            self.resumed.append(stage)
            result = restore(saved)
        self.clock[stage] = time.perf_counter() - t0
        return result

    def load(self, stage: str) -> Any | None:
        """The saved output of a completed stage (a .jsonl stage as an iterator over its rows), or None."""
        if self.dir is None or stage not in self.done:
            return None
        path = self.dir / _stage_file(stage)
        if path.suffix == ".jsonl":
            return _rows(path)
        return json.loads(path.read_text(encoding="utf-8"))

    def save(self, stage: str, data: Iterable[Any]) -> None:
        """Write a stage's output atomically and mark it done (rows may come from a generator: one at a time)."""
        if self.dir is None:
            return
        path = self.dir / _stage_file(stage)
        tmp = path.with_suffix(path.suffix + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            if path.suffix == ".jsonl":
                for item in data:
                    f.write(json.dumps(item, ensure_ascii=False) + "\n")
            else:
                json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, path)
        self.done = [s for s in STAGES if s in self.done or s == stage]
        # written whole and renamed, as the stages are: a kill mid-write must not leave an empty manifest
        tmp = self.manifest.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"params": self.params, "done": self.done}), encoding="utf-8")
        os.replace(tmp, self.manifest)


def _stage_file(stage: str) -> str:
    return f"{stage}.json" if stage == "clusters" else f"{stage}.jsonl"


def _rows(path: Path) -> Iterator[Any]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _texts_fingerprint(texts: dict[int, str]) -> str:
    h = hashlib.blake2b(digest_size=12)
    for doc, text in texts.items():
        h.update(f"{doc}:{len(text)}:".encode())
        h.update(hashlib.blake2b(text.encode(), digest_size=8).digest())
    return h.hexdigest()


def align_candidates(
    candidates: Iterable[tuple[int, int, int]], texts: dict[int, str], anchors: dict[int, Anchors], min_words: int
) -> Iterator[dict[str, Any]]:
    """Align candidate pairs one after the other, yielding `{"a", "b", "passages"}` for each pair (empty or not)."""
    for a, b, _ in candidates:
        yield {"a": a, "b": b, "passages": align_pair(texts[a], texts[b], anchors[a], anchors[b], min_words)}


# What forked alignment workers read: set by `_align_local` before it starts its pool, so the texts and
# shingle positions reach the workers without being pickled.
_SHARED: dict[str, Any] = {}

PARALLEL_PAIRS = 64  # fewer candidate pairs are aligned in this process: a pool would cost more than it saves


def _anchor_job(doc: int) -> Anchors:
    return doc_anchors(_SHARED["texts"][doc], _SHARED["keep"])


def _align_job(pair: tuple[int, int, int]) -> dict[str, Any]:
    return next(align_candidates([pair], _SHARED["texts"], _SHARED["anchors"], _SHARED["min_words"]))


def _align_local(
    candidates: list[tuple[int, int, int]],
    texts: dict[int, str],
    shingles: dict[int, np.ndarray],
    min_words: int,
    progress: Progress | None,
    workers: int | None = None,
) -> list[dict[str, Any]]:
    """Align every candidate pair on this machine, on `workers` processes (default: every core).

    Each document's shared shingles are located once; pairs are handed out in small batches so that one
    long pair (two editions of a novel) does not hold the others up.
    """
    workers = pools.size(workers) if len(candidates) >= PARALLEL_PAIRS else 1
    needed = sorted({d for a, b, _ in candidates for d in (a, b)})
    _SHARED.update(texts=texts, keep=shared_hashes(shingles), min_words=min_words)
    try:
        anchors = {}
        for done, (doc, found) in enumerate(zip(needed, _mapped(_anchor_job, needed, workers), strict=True), start=1):
            anchors[doc] = found
            if progress:
                progress("anchors", done, len(needed))
        _SHARED["anchors"] = anchors
        out: list[dict[str, Any]] = []
        for done, row in enumerate(_mapped(_align_job, candidates, workers), start=1):
            if row["passages"]:
                out.append(row)
            if progress:
                progress("alignments", done, len(candidates))
        return out
    finally:
        _SHARED.clear()


def _mapped(job: Callable[[Any], Any], items: Sequence[Any], workers: int) -> Iterator[Any]:
    """`map(job, items)`, in order, on a pool of forked workers when there is more than one."""
    if workers <= 1:
        yield from map(job, items)
        return
    with pools.forked(workers) as pool:
        yield from pool.map(job, items, chunksize=max(1, min(16, len(items) // (workers * 8))))


def find_reuse(
    store: Store,
    author: str | None = None,
    min_words: int = 15,
    out_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    *,
    engine: Any = None,
    workers: int | None = None,
) -> ReuseResult:
    """Every passage shared by two documents of the archive (one of them by `author` if given), clustered.

    Stages (shingles, candidate pairs, alignments, clusters) are saved in `out_dir` when given, and
    a re-run with the same parameters resumes after the last completed stage. `engine` runs the
    shingle, candidate and alignment stages elsewhere (see `spark.SparkEngine`); by default they run here,
    the alignments on `workers` processes (default: every core).
    """
    if min_words < 1:
        raise QueryError("--min-words must be at least 1")
    started = time.perf_counter()
    texts = corpus_texts(store)
    focus = author_docs(store, author)
    stages = Stages(out_dir, {"version": VERSION, "author": author, "min_words": min_words,
                              "texts": _texts_fingerprint(texts)})
    docs_with_text = {d: t for d, t in texts.items() if _ANY_WORD.search(t)}

    def shingle_all() -> dict[int, np.ndarray]:
        if engine is not None:
            return engine.shingles(docs_with_text, progress)
        out = {}
        for done, (doc, text) in enumerate(docs_with_text.items(), start=1):
            out[doc] = doc_shingles(text)
            if progress:
                progress("shingles", done, len(docs_with_text))
        return out

    shingles = stages.run(
        "shingles", shingle_all,
        lambda found: ({"doc": d, "hashes": h.tolist()} for d, h in sorted(found.items())),
        lambda saved: {row["doc"]: np.array(row["hashes"], np.int64) for row in saved},
    )
    candidates = stages.run(
        "candidates",
        lambda: candidate_pairs(shingles, focus) if engine is None else engine.candidates(shingles, focus, progress),
        lambda found: [{"a": a, "b": b, "shared": n} for a, b, n in found],
        lambda saved: [(row["a"], row["b"], row["shared"]) for row in saved],
    )
    if progress:
        progress("candidates", len(candidates), len(candidates))
    aligner = engine.align if engine is not None else partial(_align_local, workers=workers)
    aligned = stages.run(
        "alignments",
        lambda: sorted(aligner(candidates, texts, shingles, min_words, progress), key=lambda r: (r["a"], r["b"])),
        restore=list,
    )
    pairs = [{"a": r["a"], "b": r["b"], **p} for r in aligned for p in r["passages"]]
    rows = store.doc_rows(texts)
    clusters = stages.run(
        "clusters", lambda: cluster_passages(pairs, rows, texts),
        lambda found: [c.to_dict() for c in found],
        lambda saved: [Cluster(c["id"], [Witness(**w) for w in c["witnesses"]], c["pairs"]) for c in saved],
    )
    if progress:
        progress("clusters", len(clusters), len(clusters))

    for p in pairs:
        a, b = rows[p.pop("a")], rows[p.pop("b")]
        p["a_document_id"], p["a_title"], p["b_document_id"], p["b_title"] = a.id, a.title, b.id, b.title
    result = ReuseResult(pairs=[_order_pair(p) for p in pairs], clusters=clusters)
    documents = store.stats().documents  # with those that have no paragraph at all
    result.stats = {
        "documents": documents,
        "empty_documents": documents - len(docs_with_text),
        "candidate_pairs": len(candidates),
        "document_pairs_with_reuse": len(aligned),
        "passage_pairs": len(pairs),
        "clusters": len(clusters),
        "seconds": {**{k: round(v, 3) for k, v in stages.clock.items()},
                    "total": round(time.perf_counter() - started, 3)},
        "resumed": stages.resumed,
        "engine": getattr(engine, "name", "local"),
    }
    return result


def _order_pair(p: dict[str, Any]) -> dict[str, Any]:
    keys = ("a_document_id", "a_title", "a_start", "a_end", "b_document_id", "b_title", "b_start", "b_end",
            "identity", "coverage", "words", "a_text", "b_text", "edits")
    return {k: p[k] for k in keys}
