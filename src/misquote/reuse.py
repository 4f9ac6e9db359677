"""Text reuse: which passages of one text reappear (verbatim or altered) in another, and across a corpus.

Two texts are aligned in three steps, all on the normalized words of `text.tokens`:

1. **seeds**: shared word n-grams. A seed key is a pair of content words (stopwords of
   `index.STOPWORDS` left out) standing within `skip` content words of each other, sorted, so that a
   reordering or an inserted function word does not break it; keys frequent in either text are
   ignored, and a seed with no other seed near it on both sides is a chance hit and dropped.
2. **passages**: seeds are grouped into passages by splitting, alternately on each side, wherever two
   seeds stand more than `max_gap` words apart (the gap tolerance); near neighbours are merged,
   overlaps resolved, and passages too short or sharing too few content words (Dice) dropped. An
   optional pass (PAN's summaries) looks for a short stretch of A spread thinly over a long one of B.
3. **alignment**: each passage pair goes through `align.local_align` for identity, coverage and the
   word-level edits; a near-verbatim passage is cut to its aligned region.

Across a corpus (`find_reuse`), candidate document pairs come from shared rare n-grams (hashed
shingles with a document-frequency cap, so the cost grows with what is shared, not with all pairs),
each candidate pair is aligned, and passages are grouped into clusters of the same text reappearing
(connected components), each ordered by date. Every stage is written to `out_dir` and a re-run
resumes after the last completed one. `spark.py` runs the same pure functions on PySpark.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from misquote.align import local_align
from misquote.errors import QueryError
from misquote.index import STOPWORDS
from misquote.text import tokens

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
    """Fewest seeds of a passage fragment before merging."""
    min_density: float = 0.0
    """Fewest seeds per word (of the shorter side) of a reported passage."""
    max_occ: int = 6
    """A seed key occurring more often than this in either text says nothing about where a passage is."""
    merge_gap: int = 60
    """Neighbouring passages closer than this on both sides become one."""
    trim_identity: float = 2.0
    """Cut a passage at least this identical to its aligned region (exact for near-verbatim reuse; reordered
    text has low identity and keeps its seed bounds, which the LCS would cut too tight). Above 1: never."""
    support: int = 0
    """When above 0, a seed counts only with another seed within this many words on both sides."""
    skew: int = 1000
    """Most difference between the gaps on the two sides when merging neighbouring passages."""
    min_dice: float = 0.0
    """Least content-word overlap (Dice) of the two sides of a reported passage."""
    summary_gap: int = 0
    """When above 0, a second pass looks for summaries: seeds grouped on the A side alone with this gap."""
    summary_ratio: float = 3.0
    """A summary's source side is at least this many times longer than its A side."""
    summary_seeds: int = 8
    summary_containment: float = 0.5
    """Least share of the summary's content words found in the source side."""
    summary_concentration: float = 0.5
    """Most share of a summary's seeds inside one stretch of B twice as long as its A side."""
    summary_copy_dice: float = 0.6
    """A passage this close to its source is a copy: no summary is looked for over it."""
    summary_whole_source: bool = False
    """Take the whole B text as a summary's source (PAN's convention for its summary cases)."""


DEFAULT = Params(skip=2, support=15, min_dice=0.35, trim_identity=0.9)
# Tuned on the PAN13 *training* corpus (the only one we have): 25 words is about the shortest case
# there; the summary pass and its whole-source convention are PAN's, not an archive's.
PAN = Params(
    min_words=25, skip=2, support=15, min_dice=0.35, trim_identity=0.9,
    summary_gap=40, summary_containment=0.6, summary_concentration=0.35, summary_whole_source=True,
)


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


def cluster(found: list[Seed], gap: int, b_gap: int | None = None) -> list[list[Seed]]:
    """Group seeds into passages: split on each side in turn until no group splits any more.

    `b_gap` is the gap tolerance on the B side when it differs (a summary spreads over more source).
    """
    gaps = (gap, gap if b_gap is None else b_gap)
    if not found:
        return []
    groups = [found]
    stable = 0
    side = 0
    while stable < 2:
        new: list[list[Seed]] = []
        for g in groups:
            new += _split(g, side, gaps[side])
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
        p = _Passage(min(s[0] for s in g), max(s[1] for s in g), min(s[2] for s in g), max(s[3] for s in g), len(g))
        if p.seeds >= params.min_seeds:
            out.append(p)
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


def _valid(a: Profile, b: Profile, p: _Passage, params: Params, min_dice: float) -> bool:
    shorter = min(p.a1 - p.a0, p.b1 - p.b0)
    if shorter < params.min_words or p.seeds < params.min_density * shorter:
        return False
    return not min_dice or dice(a.words[p.a0 : p.a1], b.words[p.b0 : p.b1]) >= min_dice


def containment(a_words: Sequence[str], b_words: Sequence[str]) -> float:
    """Share of the content words of `a_words` that occur somewhere in `b_words`."""
    content = [w for w in a_words if w not in STOPWORDS]
    vocab = set(b_words)
    return sum(w in vocab for w in content) / len(content) if content else 0.0


def _concentration(positions: list[int], width: int) -> float:
    """The largest share of (sorted) positions inside one window of `width`."""
    best = lo = 0
    for hi, pos in enumerate(positions):
        while pos - positions[lo] > width:
            lo += 1
        best = max(best, hi - lo + 1)
    return best / len(positions) if positions else 0.0


def _summaries(a: Profile, b: Profile, found: list[Seed], passages: list[_Passage], params: Params) -> list[_Passage]:
    """Replace the passages with summaries where a stretch of A matches a much longer stretch of B."""
    groups = cluster(sorted(found), params.summary_gap, len(b.words) + 1)
    found_summaries: list[_Passage] = []
    for g in groups:
        if len(g) < params.summary_seeds:
            continue
        p = _Passage(min(s[0] for s in g), max(s[1] for s in g), min(s[2] for s in g), max(s[3] for s in g), len(g))
        if p.a1 - p.a0 < params.min_words or p.b1 - p.b0 < params.summary_ratio * (p.a1 - p.a0):
            continue
        if _concentration(sorted(s[2] for s in g), 2 * (p.a1 - p.a0)) > params.summary_concentration:
            continue  # most seeds sit in one stretch of B as long as A's: a copy with stray seeds, not a summary
        if params.summary_whole_source:
            p.b0, p.b1 = 0, len(b.words)
        copies = [
            q for q in passages
            if q.a0 < p.a1 and p.a0 < q.a1
            and dice(a.words[q.a0 : q.a1], b.words[q.b0 : q.b1]) >= params.summary_copy_dice
        ]
        if not copies and containment(a.words[p.a0 : p.a1], b.words[p.b0 : p.b1]) >= params.summary_containment:
            found_summaries.append(p)
    if not found_summaries:
        return passages
    kept = [q for q in passages if all(q.a1 <= p.a0 or q.a0 >= p.a1 for p in found_summaries)]
    return sorted(kept + _resolve_overlaps(found_summaries), key=lambda p: (p.a0, p.b0))


def align_profiles(a: Profile, b: Profile, params: Params = DEFAULT, *, with_text: bool = True) -> list[PassagePair]:
    """The passage pairs shared by two prepared texts, in the order they stand in A."""
    every = seeds(a, b, params)
    found = supported(every, params.support) if params.support else every
    passages = _passages(cluster(found, params.max_gap), params)
    passages = _resolve_overlaps(_merge(passages, params.merge_gap, params.skew))
    passages = [p for p in passages if _valid(a, b, p, params, params.min_dice)]
    if params.summary_gap:
        passages = _summaries(a, b, found, passages, params)
    out: list[PassagePair] = []
    for p in passages:
        qa, sb = a.words[p.a0 : p.a1], b.words[p.b0 : p.b1]
        al = local_align(qa, sb)
        if al is None:
            continue
        a0, a1, b0, b1 = p.a0, p.a1, p.b0, p.b1
        if al.identity >= params.trim_identity:
            # the aligned region drops stray seeds at either end of the passage
            a0, a1, b0, b1 = p.a0 + al.q_start, p.a0 + al.q_end, p.b0 + al.s_start, p.b0 + al.s_end
        pair = PassagePair(
            a.starts[a0], a.ends[a1 - 1], b.starts[b0], b.ends[b1 - 1],
            round(al.identity, 4), round(al.coverage, 4), a1 - a0,
        )
        if with_text:
            pair.a_text = a.text[pair.a_start : pair.a_end]
            pair.b_text = b.text[pair.b_start : pair.b_end]
            pair.edits = [{"op": e.op, "a": e.quote, "b": e.source} for e in al.edits(qa, sb)]
        out.append(pair)
    return out


def align_texts(a_text: str, b_text: str, params: Params = DEFAULT, *, with_text: bool = False) -> list[PassagePair]:
    """The passage pairs shared by two texts with explicit parameters (the PAN runner's entry point)."""
    return align_profiles(profile(a_text, params), profile(b_text, params), params, with_text=with_text)


def align_documents(a_text: str, b_text: str, min_words: int = 15) -> list[PassagePair]:
    """The passages of `a_text` that reappear in `b_text`, at least `min_words` long, with aligned text."""
    if min_words < 1:
        raise QueryError("min_words must be at least 1")
    params = replace(DEFAULT, min_words=min_words)
    return align_profiles(profile(a_text, params), profile(b_text, params), params)


# -- corpus-wide reuse ----------------------------------------------------------------------------

SHINGLE = 3
"""Content words per shingle (stopwords dropped, order kept): rare enough to pair documents cheaply."""
MAX_DF = 50
"""A shingle in more documents than this is boilerplate, not evidence that two documents share a passage."""
MIN_SHARED = 3
"""Fewest shared shingles for a document pair to be aligned."""
STAGES = ("shingles", "candidates", "alignments", "clusters")


def doc_shingles(text: str, n: int = SHINGLE) -> list[int]:
    """The sorted distinct hashes (63-bit, stable across processes and machines) of a text's content-word n-grams."""
    content = [w for w in (t.norm for t in tokens(text)[:MAX_WORDS]) if w not in STOPWORDS]
    out = set()
    for i in range(len(content) - n + 1):
        digest = hashlib.blake2b(" ".join(content[i : i + n]).encode(), digest_size=8).digest()
        out.add(int.from_bytes(digest, "big") >> 1)
    return sorted(out)


def posting_pairs(docs: Sequence[int], max_df: int = MAX_DF) -> list[tuple[int, int]]:
    """The document pairs (lower id first) that one shingle's posting list votes for; none for a boilerplate shingle."""
    docs = sorted(set(docs))
    if len(docs) < 2 or len(docs) > max_df:
        return []
    return [(docs[i], docs[j]) for i in range(len(docs)) for j in range(i + 1, len(docs))]


def wanted(pair: tuple[int, int], count: int, focus: frozenset[int] | None, min_shared: int = MIN_SHARED) -> bool:
    """Whether a candidate pair is aligned: enough shared shingles, and one side in the focus documents if any."""
    return count >= min_shared and (focus is None or pair[0] in focus or pair[1] in focus)


def align_pair(a_text: str, b_text: str, min_words: int) -> list[dict[str, Any]]:
    """The passage pairs of two documents as JSON-ready dicts: the unit of work sent to Spark executors."""
    params = replace(DEFAULT, min_words=min_words)
    return [p.to_dict() for p in align_profiles(profile(a_text, params), profile(b_text, params), params)]


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


def candidate_pairs(shingles: dict[int, list[int]], focus: frozenset[int] | None) -> list[tuple[int, int, int]]:
    """Document pairs sharing rare shingles, as (a, b, shared count), sorted; cost grows with postings, not pairs."""
    postings: dict[int, list[int]] = defaultdict(list)
    for doc, hashes in shingles.items():
        for h in hashes:
            postings[h].append(doc)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for docs in postings.values():
        for pair in posting_pairs(docs):
            counts[pair] += 1
    return sorted((a, b, n) for (a, b), n in counts.items() if wanted((a, b), n, focus))


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

    def load(self, stage: str) -> Any | None:
        """The saved output of a completed stage, or None."""
        if self.dir is None or stage not in self.done:
            return None
        path = self.dir / _stage_file(stage)
        if path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]
        return json.loads(path.read_text(encoding="utf-8"))

    def save(self, stage: str, data: Any) -> None:
        """Write a stage's output atomically and mark it done."""
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


def _texts_fingerprint(texts: dict[int, str]) -> str:
    h = hashlib.blake2b(digest_size=12)
    for doc, text in texts.items():
        h.update(f"{doc}:{len(text)}:".encode())
        h.update(hashlib.blake2b(text.encode(), digest_size=8).digest())
    return h.hexdigest()


Aligner = Callable[[list[tuple[int, int, int]], dict[int, str], int, "Progress | None"], list[dict[str, Any]]]


class Profiles:
    """A small LRU cache of document profiles: a document is tokenized once for all the pairs it is in."""

    def __init__(self, texts: dict[int, str], params: Params, size: int = 64) -> None:
        self.texts, self.params, self.size = texts, params, size
        self.cache: OrderedDict[int, Profile] = OrderedDict()

    def __getitem__(self, doc: int) -> Profile:
        if doc in self.cache:
            self.cache.move_to_end(doc)
            return self.cache[doc]
        prof = profile(self.texts[doc], self.params)
        self.cache[doc] = prof
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        return prof


def align_candidates(
    candidates: Iterable[tuple[int, int, int]], texts: dict[int, str], min_words: int
) -> Iterator[dict[str, Any]]:
    """Align candidate pairs one after the other, yielding `{"a", "b", "passages"}` for each pair (empty or not)."""
    params = replace(DEFAULT, min_words=min_words)
    profiles = Profiles(texts, params)
    for a, b, _ in candidates:
        passages = align_profiles(profiles[a], profiles[b], params)
        yield {"a": a, "b": b, "passages": [p.to_dict() for p in passages]}


def _align_local(
    candidates: list[tuple[int, int, int]], texts: dict[int, str], min_words: int, progress: Progress | None
) -> list[dict[str, Any]]:
    """Align every candidate pair in this process."""
    out: list[dict[str, Any]] = []
    for done, row in enumerate(align_candidates(candidates, texts, min_words), start=1):
        if row["passages"]:
            out.append(row)
        if progress:
            progress("alignments", done, len(candidates))
    return out


def find_reuse(
    store: Store,
    author: str | None = None,
    min_words: int = 15,
    out_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    *,
    engine: Any = None,
) -> ReuseResult:
    """Every passage shared by two documents of the archive (one of them by `author` if given), clustered.

    Stages (shingles, candidate pairs, alignments, clusters) are saved in `out_dir` when given, and
    a re-run with the same parameters resumes after the last completed stage. `engine` runs the
    shingle, candidate and alignment stages elsewhere (see `spark.SparkEngine`); by default they run here.
    """
    if min_words < 1:
        raise QueryError("--min-words must be at least 1")
    clock: dict[str, float] = {}
    started = time.perf_counter()
    texts = corpus_texts(store)
    focus = author_docs(store, author)
    stages = Stages(out_dir, {"author": author, "min_words": min_words, "texts": _texts_fingerprint(texts)})
    docs_with_text = {d: t for d, t in texts.items() if t.strip()}
    resumed: list[str] = []

    t0 = time.perf_counter()
    saved = stages.load("shingles")
    if saved is not None:
        resumed.append("shingles")
    if saved is None:
        if engine is not None:
            shingles = engine.shingles(docs_with_text)
        else:
            shingles = {}
            for done, (doc, text) in enumerate(docs_with_text.items(), start=1):
                shingles[doc] = doc_shingles(text)
                if progress:
                    progress("shingles", done, len(docs_with_text))
        stages.save("shingles", [{"doc": d, "hashes": h} for d, h in sorted(shingles.items())])
    else:
        shingles = {row["doc"]: row["hashes"] for row in saved}
    clock["shingles"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    saved = stages.load("candidates")
    if saved is not None:
        resumed.append("candidates")
    if saved is None:
        candidates = engine.candidates(shingles, focus) if engine is not None else candidate_pairs(shingles, focus)
        stages.save("candidates", [{"a": a, "b": b, "shared": n} for a, b, n in candidates])
    else:
        candidates = [(row["a"], row["b"], row["shared"]) for row in saved]
    if progress:
        progress("candidates", len(candidates), len(candidates))
    clock["candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    saved = stages.load("alignments")
    if saved is not None:
        resumed.append("alignments")
    if saved is None:
        aligner = engine.align if engine is not None else _align_local
        aligned = sorted(aligner(candidates, texts, min_words, progress), key=lambda r: (r["a"], r["b"]))
        stages.save("alignments", aligned)
    else:
        aligned = saved
    clock["alignments"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    pairs = [{"a": r["a"], "b": r["b"], **p} for r in aligned for p in r["passages"]]
    rows = store.doc_rows(texts)
    saved = stages.load("clusters")
    if saved is not None:
        resumed.append("clusters")
    if saved is None:
        clusters = cluster_passages(pairs, rows, texts)
        stages.save("clusters", [c.to_dict() for c in clusters])
    else:
        clusters = [Cluster(c["id"], [Witness(**w) for w in c["witnesses"]], c["pairs"]) for c in saved]
    if progress:
        progress("clusters", len(clusters), len(clusters))
    clock["clusters"] = time.perf_counter() - t0

    for p in pairs:
        a, b = rows[p.pop("a")], rows[p.pop("b")]
        p["a_document_id"], p["a_title"], p["b_document_id"], p["b_title"] = a.id, a.title, b.id, b.title
    result = ReuseResult(pairs=[_order_pair(p) for p in pairs], clusters=clusters)
    result.stats = {
        "documents": len(texts),
        "empty_documents": len(texts) - len(docs_with_text),
        "candidate_pairs": len(candidates),
        "document_pairs_with_reuse": len(aligned),
        "passage_pairs": len(pairs),
        "clusters": len(clusters),
        "seconds": {**{k: round(v, 3) for k, v in clock.items()}, "total": round(time.perf_counter() - started, 3)},
        "resumed": resumed,
        "engine": getattr(engine, "name", "local"),
    }
    return result


def _order_pair(p: dict[str, Any]) -> dict[str, Any]:
    keys = ("a_document_id", "a_title", "a_start", "a_end", "b_document_id", "b_title", "b_start", "b_end",
            "identity", "coverage", "words", "a_text", "b_text", "edits")
    return {k: p[k] for k in keys}
