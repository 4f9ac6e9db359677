"""Reported speech and thought in English news, found by a sequence model trained on PolNeAR.

A linear-chain CRF tags each token of a paragraph as part of the SOURCE, CUE or CONTENT of an attribution
(BIO labels; a token belongs to at most one attribution, as in PolNeAR), and `reported` turns the tags into
content and source spans. python-crfsuite trains the model; its weights are then exported to a small
NumPy file that ships with the package and is decoded here with NumPy, all paragraphs of an article at
once, because crfsuite's own tagger, fed attribute strings token by token, costs several times more; the
scores of what a word says are summed once per word type (`_ScoredTypes`), and a token's are table lookups.
Rebuild it, deterministically, from the PolNeAR train split with

    .venv/bin/python -m misquote.attribution train ../shared/corpora/attribution/polnear/data/train \\
        --out src/misquote/models/attribution-en.npz
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np

from misquote.extract import (
    _CHUNK_RE,
    _DETERMINERS,
    _EN_CUES,
    _PRONOUNS,
    _THAT_VERBS,
    _THOUGHT,
    _TITLES,
    _TO_VERBS,
    _lexicon,
    _paragraphs,
)

MODEL = "attribution-en.npz"

Span = tuple[int, int]


class Reported(NamedTuple):
    """One attribution: where its content is, and where its source is written (None when unnamed)."""

    content_start: int
    content_end: int
    source_start: int | None
    source_end: int | None


# --------------------------------------------------------------------------------------------------
# Features

# Attribution cues beyond extract.py's speech verbs: PolNeAR also attributes criticism, support, plans,
# appearances and beliefs ("Trump blasted ...", "she seemed to ...", "according to ...").
_MORE_CUES = _lexicon("""according accusation accusations accuse accusing acknowledge acknowledging add
admission admit admitting advise advised advocate advocated advocates agree allegation allegations allege
alleging announce announcement announcing answer apologized appear appeared appears applaud applauded arguing
argument arguments ask assert asserting assertion assure assured assures attack attacked attacking attacks
aware belief believe believing blame blamed blames blaming blast blasted blasting blasts boast boasts call
calling celebrate celebrated challenge challenged chant chanted chanting chants charge cheer cheered cite cited
cites citing claim claiming comment commented comments complain complaining complaint complaints concede
concern concerned concerns concluding condemn condemned condemning confident confirm consider considered
considers contend contention convinced counter credit critical criticism criticize criticized criticizes
criticizing critique decide declare declaring decline decried decry defend defended defending defends demand
demanded demanding demands denounce denounced denouncing deny denying deride derided describe describing
dismiss dismissed dismisses dismissing dispute disputed eager echo echoed echoing email emailed emphasize
emphasizing encourage encouraged endorse endorsed endorsement endorses endorsing estimate expecting explain
express expressed expressing fear fearing feel figure figured figures forecast guess hail hailed hint hoping
imply implying indicate indicating insist insisting interview joke know lament lamented lash lashed learn
letter mention mentioned mentioning mentions mock mocked mocking note noting object objected offer oppose
opposed opposes opposing order ordered plan pledge pledging point pointed pointing portray portrayed praise
praised praises praising predict predicting prefer preferred prefers proclaimed promise promising propose
proposing protest question questioned questioning quip quote quoted quotes rail railed realize reason recall
recalling recognize recommend recommended refer referred referring refers refuse refusing reiterate reiterated
reject rejected rejecting rejects remark remind reminded reminding repeat repeating report reportedly request
requested respond retort retweeted reveal see seeing seek seeking seem seemed seems sees signal skeptical slam
slammed slamming slams speculate speculated spoke state statement statements stating stress suggesting
suggestion support supported supporting supports sure suspect suspected talk talked talking talks thank
thanked think thinking threaten tout touted touting tweet tweeting urge urging view viewed views vow vowing
warn warning welcome welcomed wonder written""")
CUE_WORDS = _EN_CUES | _THOUGHT | _THAT_VERBS | _TO_VERBS | _MORE_CUES
# The other tokens a token looks at: its neighbours, and the cue words before and after it in its sentence
# (with the word after the previous cue: `said that`, `said the`).
_VIEWS = ("-2", "-1", "1", "2", "pc", "pa", "nc")
# Where a token stands: its position in its sentence (p) and from its end (r), its distance to the previous
# and next cue word of the sentence (cl, cr), whether a `that` or a colon (lt) and how many commas (lc) came
# since that cue, whether a comma comes before the next (rc), whether the sentence has a cue (sc), whether
# it is inside quotation marks (q; 2 for a mark), which sentence of the paragraph it is in (s), and the kinds
# of the token and of the one before (kk) or after (kn), as a pair.
_CATS = ("p", "r", "cl", "cr", "lt", "rc", "lc", "sc", "q", "s", "kk", "kn")
_CAT_VALUES = 100  # values of a categorical feature, from 0

# Token flags, one bit each, used by the sentence-level features; _END to _UPPER find where sentences end:
# after a period, `!`, `?` or `…` (and a closing mark), before a capital or digit (or an opening mark).
# _APOSTROPHE finds the two that stand for a straight double mark.
_CUE, _COMMA, _THAT, _OPEN, _CLOSE, _STRAIGHT, _END, _CLOSER, _OPENER, _UPPER, _APOSTROPHE = (1 << b for b in range(11))


_SHAPES = str.maketrans(dict.fromkeys("abcdefghijklmnopqrstuvwxyz0123456789", "x") | dict.fromkeys(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "X"))  # digits read as lower case letters
_REPEATS = re.compile(r"(?<=X)X+|(?<=x)x+")


def _shape(word: str) -> str:
    return _REPEATS.sub("", word.translate(_SHAPES))[:4]


_KIND_NAMES = ("cue", "that", "to", "whether", "if", "pro", "cap", "num", "w", "p")
_KIND_INDEX = {kind: i for i, kind in enumerate(_KIND_NAMES)}


def _kind(low: str, word: str) -> str:
    if low in CUE_WORDS:
        return "cue"
    if low in ("that", "to", "whether", "if"):
        return low
    if low in _PRONOUNS:
        return "pro"
    if word[0].isupper():
        return "cap"
    if word[0].isdigit():
        return "num"
    return "w" if word[0].isalnum() else "p"


# Flags of marks and words (besides _CUE and _UPPER, which come from the kind and the first letter).
_FLAGS = {",": _COMMA, ":": _THAT, "that": _THAT, '"': _STRAIGHT | _CLOSER | _OPENER, "“": _OPEN | _OPENER,
          "«": _OPEN | _OPENER, "„": _OPEN | _OPENER, "”": _CLOSE | _CLOSER, "»": _CLOSE | _CLOSER,
          "’": _CLOSER, ")": _CLOSER, "]": _CLOSER, "‘": _OPENER, "(": _OPENER, "[": _OPENER,
          "'": _APOSTROPHE} | dict.fromkeys(".!?…", _END)
# The word class feature: thought verbs, titles and determiners.
_CLASS = dict.fromkeys(_DETERMINERS, "c=det") | dict.fromkeys(_TITLES, "c=title") | dict.fromkeys(_THOUGHT, "c=thought")


class _Described(NamedTuple):
    """Word types, described for the model (one list each, in the order of the words, for speed)."""

    own: list[tuple[str, ...]]  # the features a token has on its own ("" for none)
    lows: list[str]  # the lower case form, and the kind, that a token tells the tokens that look at it
    kinds: list[str]
    flags: list[int]


def _describe(words: list[str]) -> _Described:
    """The features, lower case forms, kinds and flags of word types. Every token has the feature `bias`: it
    gives crfsuite, which has no bias of its own, a weight for how common each label is."""
    lows = [w.lower().replace("’", "'") for w in words]
    kinds = [_kind(low, w) for low, w in zip(lows, words, strict=True)]
    own = [("w=" + low, "s3=" + low[-3:], "s2=" + low[-2:], "sh=" + _shape(w), "k=" + k, _CLASS.get(low, ""), "bias")
           for w, low, k in zip(words, lows, kinds, strict=True)]
    flags = [_FLAGS.get(low, 0) | (_CUE if k == "cue" else 0) | (_UPPER if w[0].isupper() or w[0].isdigit() else 0)
             for w, low, k in zip(words, lows, kinds, strict=True)]
    return _Described(own, lows, kinds, flags)


_MAX_TYPES = 1 << 16  # word types a `_Types` keeps; it starts afresh past that


def _room(array: np.ndarray, size: int) -> np.ndarray:
    """`array`, grown along its first axis (doubling) to hold at least `size` rows."""
    if len(array) >= size:
        return array
    grown = np.zeros((max(size, 2 * len(array)), *array.shape[1:]), array.dtype)
    grown[:len(array)] = array
    return grown


class _Types:
    """The word types read so far, each with an id (0 stands for no token) and its flags: the features of
    a token come from tables by type, filled once per type rather than once per token."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.flags = np.zeros(1024, dtype=np.int64)
        self.kinds = np.zeros(1024, dtype=np.int64)

    def lookup(self, words: list[str]) -> np.ndarray:
        """The ids of `words`; new types are added."""
        ids = self.ids
        new = [w for w in dict.fromkeys(words) if w not in ids]
        if new:
            if len(ids) + len(new) >= _MAX_TYPES:
                ids.clear()
                new = list(dict.fromkeys(words))
            first = len(ids) + 1
            ids.update(zip(new, range(first, first + len(new)), strict=True))
            self._add(first, _describe(new))
        return np.fromiter(map(ids.__getitem__, words), np.int64, len(words))

    def _add(self, first: int, found: _Described) -> None:
        added = slice(first, first + len(found.flags))
        self.flags, self.kinds = _room(self.flags, added.stop), _room(self.kinds, added.stop)
        self.flags[added] = found.flags
        self.kinds[added] = [_KIND_INDEX[kind] for kind in found.kinds]


# Distance buckets: exact up to 4, then wider.
_DIST = np.array([0, 1, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7] + [8] * 10 + [9])


def _bucket(n: np.ndarray) -> np.ndarray:
    return _DIST[np.minimum(n, len(_DIST) - 1)]


@dataclass
class _Tokens:
    """The tokens of some paragraphs, in text order, with the categorical features of each."""

    words: list[str]
    ids: np.ndarray  # type of each token
    starts: np.ndarray  # offset of each token
    ends: np.ndarray
    units: np.ndarray  # first token of each paragraph, then len(words)
    cats: dict[str, np.ndarray]  # feature name -> value per token, -1 for none
    views: dict[str, np.ndarray]  # view name -> index of the token seen, -1 for none
    sentences: np.ndarray  # first token of each sentence
    cued: np.ndarray  # whether each paragraph has a cue word


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """a[i - k] at i (False or 0 where that is out of range): k > 0 looks back, k < 0 ahead."""
    out = np.zeros_like(a)
    if k > 0:
        out[k:] = a[:-k]
    else:
        out[:k] = a[-k:]
    return out


def _read(text: str, paragraphs: Sequence[Span], types: _Types) -> _Tokens:
    """Tokens and sentence-level features of the given paragraphs of `text` (extract.py's `_tokens`)."""
    words: list[str] = []
    lengths: list[int] = []
    units = []
    for ps, pe in paragraphs:
        chunks = _CHUNK_RE.findall(text, ps, pe)
        units.append(len(words))
        words += [c.lstrip() for c in chunks]
        lengths += map(len, chunks)
    n = len(words)
    units.append(n)
    bounds = np.asarray(units)
    sizes = np.diff(bounds)
    ends = np.cumsum(np.asarray(lengths, dtype=np.int64))
    before = np.concatenate(([0], ends))[bounds[:-1]]  # white space and tokens before each paragraph
    ends += np.repeat(np.asarray([p[0] for p in paragraphs], dtype=np.int64) - before, sizes)
    starts = ends - np.fromiter(map(len, words), np.int64, n)
    ids = types.lookup(words)
    flags, kinds = types.flags[ids], types.kinds[ids]
    unit_of = np.repeat(np.arange(len(sizes)), sizes)
    u_start, u_end = bounds[:-1][unit_of], bounds[1:][unit_of]
    idx = np.arange(n)
    cue = (flags & _CUE) > 0
    cued = np.zeros(len(sizes), dtype=bool)
    cued[unit_of[cue]] = True
    if not n:
        return _Tokens(words, ids, starts, ends, bounds, {}, {}, idx, cued)
    # two apostrophes in a row stand for a straight double mark, as in the New York Times' ''...''
    apostrophe = (flags & _APOSTROPHE) > 0
    pair = apostrophe & _shift(apostrophe, -1) & (_shift(starts, -1) == ends)
    flags |= np.where(pair, _STRAIGHT | _CLOSER | _OPENER, 0)
    # a sentence starts after an end mark and white space, at a capital, digit or opening mark
    end_mark = (flags & _END) > 0
    after_end = _shift(end_mark, 1) | (_shift((flags & _CLOSER) > 0, 1) & _shift(end_mark, 2)) | (
        _shift(pair, 2) & _shift(end_mark, 3))
    upper = (flags & _UPPER) > 0
    new_sent = after_end & (starts > _shift(ends, 1)) & (
        upper | ((flags & _OPENER) > 0) & _shift(upper, -1) | pair & _shift(upper, -2))
    new_sent[bounds[:-1][sizes > 0]] = True
    sent_id = np.cumsum(new_sent) - 1
    sent_no = sent_id - sent_id[u_start]
    heads = np.flatnonzero(new_sent)
    s_start, s_end = heads[sent_id], np.append(heads[1:], n)[sent_id]
    last = np.maximum.accumulate(np.where(cue, idx, -1))
    prev_cue = np.concatenate(([-1], last[:-1]))
    has_prev = prev_cue >= s_start
    nxt = np.minimum.accumulate(np.where(cue, idx, n)[::-1])[::-1]
    next_cue = np.append(nxt[1:], n)
    has_next = next_cue < s_end
    commas = np.cumsum((flags & _COMMA) > 0)
    thats = np.cumsum((flags & _THAT) > 0)
    safe_prev = np.maximum(prev_cue, 0)
    safe_next = np.minimum(next_cue, n - 1)
    # inside quotation marks: curly marks nest, straight ones toggle; both start afresh in each paragraph
    depth = np.cumsum(((flags & _OPEN) > 0).astype(int) - ((flags & _CLOSE) > 0))
    straight = np.cumsum((flags & _STRAIGHT) > 0)
    base = np.where(u_start > 0, u_start - 1, 0)
    depth_in = depth - np.where(u_start > 0, depth[base], 0)
    straight_in = straight - np.where(u_start > 0, straight[base], 0)
    mark = (flags & (_OPEN | _CLOSE | _STRAIGHT)) > 0
    quoted = np.where(mark, 2, ((depth_in > 0) | (straight_in % 2 == 1)).astype(int))
    cats = {
        "p": _bucket(idx - s_start),
        "r": _bucket(s_end - 1 - idx),
        "cl": np.where(has_prev, _bucket(idx - safe_prev), -1),
        "cr": np.where(has_next, _bucket(safe_next - idx), -1),
        "lt": np.where(has_prev, (thats[np.maximum(idx - 1, 0)] - thats[safe_prev]) > 0, -1),
        "rc": np.where(has_next, (commas[safe_next] - commas[idx]) > 0, -1),
        "lc": np.where(has_prev, np.minimum(commas[np.maximum(idx - 1, 0)] - commas[safe_prev], 2), -1),
        "sc": np.add.reduceat(cue, heads)[sent_id] > 0,
        "q": quoted,
        "s": np.minimum(sent_no, 2),
        "kk": np.where(idx > u_start, len(_KIND_NAMES) * _shift(kinds, 1) + kinds, -1),
        "kn": np.where(idx + 1 < u_end, len(_KIND_NAMES) * kinds + _shift(kinds, -1), -1),
    }
    views = {d: np.where((idx + int(d) >= u_start) & (idx + int(d) < u_end), idx + int(d), -1)
             for d in ("-2", "-1", "1", "2")}
    views["pc"] = np.where(has_prev, prev_cue, -1)
    views["pa"] = np.where(has_prev & (prev_cue + 1 < idx), prev_cue + 1, -1)
    views["nc"] = np.where(has_next, next_cue, -1)
    return _Tokens(words, ids, starts, ends, bounds, {k: v.astype(np.int64) for k, v in cats.items()}, views,
                   heads, cued)


def _attributes(toks: _Tokens) -> Iterator[list[list[str]]]:
    """crfsuite's view of the features: attribute strings per token, one list per paragraph."""
    names = list(toks.cats)
    values = np.stack([toks.cats[k] for k in names], axis=1).tolist() if names else []
    seen = np.stack([toks.views[v] for v in _VIEWS], axis=1).tolist() if toks.views else []
    found = _describe(toks.words)
    for u in range(len(toks.units) - 1):
        out = []
        for i in range(toks.units[u], toks.units[u + 1]):
            f = [a for a in found.own[i] if a]
            for view, j in zip(_VIEWS, seen[i], strict=True):
                if j >= 0:
                    f += (f"{view}w={found.lows[j]}", f"{view}k={found.kinds[j]}")
            f.extend(f"{k}={v}" for k, v in zip(names, values[i], strict=True) if v >= 0)
            out.append(f)
        yield out


# --------------------------------------------------------------------------------------------------
# The model

_KINDS = ("", "SOURCE", "CUE", "CONTENT")  # of labels, by index: O, then B- and I- of each
_LONG = 200  # tokens: a longer paragraph is decoded sentence by sentence


class Model:
    """Exported CRF weights and the NumPy decoder that uses them; `Model.load(path)` reads a trained one."""

    def __init__(self, labels: list[str], transitions: np.ndarray, attributes: list[str], weights: np.ndarray):
        self.labels = labels
        self.transitions = transitions
        self.outside = labels.index("O")
        self.kinds = np.array([_KINDS.index(label[2:]) for label in labels])
        self.begins = np.array([label.startswith("B-") for label in labels])
        self.rows = dict(zip(attributes, range(len(attributes)), strict=True))
        k = len(labels)
        self.weights = np.vstack([weights, np.zeros((1, k), weights.dtype)])  # row -1: unknown attribute
        self.cats: dict[str, np.ndarray] = {}
        for name in _CATS:  # index -1: feature absent, row -1 of `weights`
            self.cats[name] = self.weights[[self.rows.get(f"{name}={v}", -1) for v in [*range(_CAT_VALUES), -1]]]
        # what a token's kind tells the tokens that look at it, by view
        self.seen_prefixes = [view + "w=" for view in _VIEWS]
        self.seen_kind = self.weights[[[self.rows.get(f"{view}k={kind}", -1) for view in _VIEWS]
                                       for kind in _KIND_NAMES]]
        self.types = _ScoredTypes(self)

    @classmethod
    def load(cls, path: Path) -> Model:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["labels"].tolist(), data["transitions"], data["attributes"].tobytes().decode().split("\n"),
                       data["weights"].astype(np.float64))

    def scores(self, toks: _Tokens) -> np.ndarray:
        """State scores, tokens x labels."""
        table = self.types.table
        ids = np.append(toks.ids, 0)  # index -1: no token, whose scores are 0
        out = table[toks.ids, 0]
        for j, view in enumerate(_VIEWS, 1):
            out += table[ids[toks.views[view]], j]
        for name, values in toks.cats.items():
            out += self.cats[name][values]
        return out

    def tag(self, toks: _Tokens) -> np.ndarray:
        """The best label (index into `labels`) of each token; "O" in paragraphs without a cue word. Viterbi
        runs over each paragraph, or over each sentence of a paragraph longer than `_LONG` tokens: all of
        them side by side, and step t below costs as much for one sequence as for a hundred."""
        units = toks.units
        sizes = np.diff(units)
        read = toks.cued & (sizes > 0)
        path = np.full(len(toks.words), self.outside, dtype=np.int64)
        if not read.any():
            return path
        of = np.searchsorted(units, toks.sentences, "right") - 1
        heads = toks.sentences[read[of] & (sizes[of] > _LONG)]
        firsts = np.union1d(units[:-1][read], heads)
        lasts = np.append(firsts[1:], len(toks.words))
        lasts = np.minimum(lasts, units[np.searchsorted(units, firsts, "right")])  # a sequence ends its paragraph
        self._viterbi(self.scores(toks), firsts, lasts - firsts, path)
        return path

    def _viterbi(self, emit: np.ndarray, starts: np.ndarray, lengths: np.ndarray, path: np.ndarray) -> None:
        """Viterbi over the sequences emit[starts[i]:starts[i] + lengths[i]], into `path`: side by side,
        longest first, so that step t works on the sequences longer than t only, whose tokens `order`
        lines up, step after step."""
        k = emit.shape[1]
        by_length = np.argsort(-lengths, kind="stable")
        starts, lengths = starts[by_length], lengths[by_length]
        live = np.searchsorted(-lengths, -np.arange(int(lengths[0])), "left")  # sequences longer than t
        at = np.concatenate(([0], np.cumsum(live)))  # where step t begins in `order`
        step = np.repeat(np.arange(len(live)), live)
        order = starts[np.arange(at[-1]) - at[step]] + step
        steps = emit[order]
        back = np.empty((len(order), k), dtype=np.intp)
        cand = np.empty((live[0], k, k))
        delta = steps[:live[0]].copy()
        spans = list(zip(live.tolist(), at.tolist(), strict=False))
        transitions, best_of = self.transitions, np.maximum.reduce
        for m, a in spans[1:]:
            c = cand[:m]
            np.add(delta[:m, :, None], transitions, out=c)
            c.argmax(1, out=back[a:a + m])
            best_of(c, axis=1, out=delta[:m])
            delta[:m] += steps[a:a + m]
        best = np.empty(len(order), dtype=np.int64)
        cur = delta.argmax(1)
        rows = np.arange(live[0])
        for m, a in reversed(spans[1:]):
            best[a:a + m] = cur[:m]
            cur[:m] = back[a:a + m][rows[:m], cur[:m]]
        best[:live[0]] = cur
        path[order] = best


class _ScoredTypes(_Types):
    """Word types with the scores of what each says of itself (column 0 of `table`) and tells the tokens
    that look at it (one column per view), so that a token's scores are a few lookups."""

    def __init__(self, model: Model) -> None:
        super().__init__()
        self.model = model
        self.table = np.zeros((1024, 1 + len(_VIEWS), len(model.labels)))

    def _add(self, first: int, found: _Described) -> None:
        super()._add(first, found)
        model = self.model
        get = model.rows.get
        added = slice(first, first + len(found.lows))
        self.table = _room(self.table, added.stop)
        n = len(found.lows)

        def rows(attributes: list[str]) -> np.ndarray:
            return np.fromiter(map(get, attributes, repeat(-1)), np.int64, len(attributes))

        own = rows([a for attributes in found.own for a in attributes]).reshape(n, -1)
        self.table[added, 0] = model.weights[own].sum(1)
        seen = np.stack([rows([view + low for low in found.lows]) for view in model.seen_prefixes], axis=1)
        self.table[added, 1:] = model.weights[seen] + model.seen_kind[self.kinds[added]]


@cache
def shipped() -> Model:
    """The model that ships with the package, read on first use."""
    with as_file(files("misquote") / "models" / MODEL) as path:
        return Model.load(path)


# --------------------------------------------------------------------------------------------------
# Attributions

_EN_WORDS = (" the ", " and ", " of ", " to ", " is ", " was ", " that ")
_FR_WORDS = (" le ", " la ", " les ", " et ", " des ", " est ", " que ", " une ", "é")


def is_english(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether text[start:end] reads as English rather than French, by their commonest short words (and é)."""
    end = len(text) if end is None else end
    return sum(text.count(w, start, end) for w in _EN_WORDS) >= sum(text.count(w, start, end) for w in _FR_WORDS)


def may_be_french(text: str) -> bool:
    """Whether some part of `text` may read as French: without any of French's commonest short words (or é),
    all of it is English to `is_english`, and one look at the whole text spares one per paragraph."""
    return any(w in text for w in _FR_WORDS)


_END_MARKS = frozenset(".!?…")  # of sentences: the last token of a content is none of them


def reported(text: str, paragraphs: Sequence[Span] | None = None, model: Model | None = None) -> list[Reported]:
    """Attributions in `text` (or in the given paragraphs of it): content spans and their source spans.

    Only paragraphs with a word of `CUE_WORDS` are decoded: the others hold few attributions (a twelfth of
    PolNeAR's), and skipping them keeps plain narration fast.
    """
    model = model or shipped()
    toks = _read(text, _paragraphs(text) if paragraphs is None else paragraphs, model.types)
    path = model.tag(toks)
    kind, begins = model.kinds[path], model.begins[path]
    labelled = np.flatnonzero(kind > 0)
    if not len(labelled):
        return []
    new = kind > 0  # the first token of each run
    new[1:] &= begins[1:] | (kind[1:] != kind[:-1])
    heads = toks.units[:-1][np.diff(toks.units) > 0]
    new[heads] = kind[heads] > 0
    run = np.cumsum(new)[labelled]
    edge = run[1:] != run[:-1]
    firsts = labelled[np.append(True, edge)]
    lasts = labelled[np.append(edge, True)]
    units = np.searchsorted(toks.units, firsts, "right") - 1
    runs: dict[int, list[_Run]] = {}
    for u, a, b, what, resumed in zip(units.tolist(), firsts.tolist(), lasts.tolist(), kind[firsts].tolist(),
                                      (~begins[firsts]).tolist(), strict=True):
        runs.setdefault(u, []).append((_KINDS[what], a, b, resumed))
    starts, ends = toks.starts.tolist(), toks.ends.tolist()
    out = []
    sentences = toks.sentences.tolist()
    for group in runs.values():
        for first, last, source in _attributions(group):
            # a content ends with its first sentence: one in seventy of PolNeAR's goes on into the next
            last = min(last, sentences[bisect_right(sentences, first)] - 1) if sentences[-1] > first else last
            if last > first and toks.words[last] in _END_MARKS:
                last -= 1  # PolNeAR's contents stop before their sentence's end mark
            src = (starts[source[0]], ends[source[1]]) if source else (None, None)
            out.append(Reported(starts[first], ends[last], *src))
    return out


_Run = tuple[str, int, int, bool]  # kind, first token, last token, whether it begins with an I- label


def _attributions(runs: list[_Run]) -> list[tuple[int, int, Span | None]]:
    """(first, last, source tokens) of each content in one paragraph's runs. A content that resumes (I-)
    right after a source and a cue, as in `the bill, he said, would fail`, is one with the content before."""
    out: list[tuple[int, int, Span | None]] = []
    for k, (kind, first, last, resumed) in enumerate(runs):
        if kind != "CONTENT":
            continue
        if resumed and k >= 3 and out and out[-1][0] == runs[k - 3][1] \
                and {runs[k - 2][0], runs[k - 1][0]} == {"SOURCE", "CUE"} and first - runs[k - 3][2] <= 12:
            src = runs[k - 2] if runs[k - 2][0] == "SOURCE" else runs[k - 1]
            out[-1] = (out[-1][0], last, (src[1], src[2]))
            continue
        source = _source_of(runs, k)
        out.append((first, last, (source[1], source[2]) if source else None))
    return out


def _source_of(runs: list[_Run], k: int) -> _Run | None:
    """The nearest source run on either side of content run k, with no other content between."""
    best: tuple[int, _Run] | None = None
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(runs) and runs[j][0] != "CONTENT":
            if runs[j][0] == "SOURCE":
                gap = runs[k][1] - runs[j][2] if step < 0 else runs[j][1] - runs[k][2]
                if best is None or gap < best[0]:
                    best = (gap, runs[j])
                break
            j += step
    return best[1] if best else None


# --------------------------------------------------------------------------------------------------
# Training on PolNeAR's brat standoff

Fragment = tuple[str, int, int, str]  # Source, Cue or Content; start; end; attribution id


def read_brat(ann: str) -> list[Fragment]:
    """The Source, Cue and Content fragments of every attribution in one brat .ann file."""
    spans: dict[str, list[Span]] = {}
    out: list[Fragment] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            _, _, ranges = parts[1].partition(" ")
            spans[parts[0]] = [(int(a), int(b)) for a, b in (r.split() for r in ranges.split(";"))]
        elif parts[0].startswith("E"):
            for arg in parts[1].split()[1:]:
                role, _, tid = arg.partition(":")
                if role in ("Source", "Cue", "Content") and tid in spans:
                    out.extend((role, a, b, parts[0]) for a, b in spans[tid])
    return out


def corpus(folder: Path) -> Iterator[tuple[str, list[Fragment]]]:
    """(text, fragments) per article of a PolNeAR split: `text/*.txt` and the first annotator's `.ann`."""
    seen: set[str] = set()
    for ann in sorted((folder / "attributions").glob("*.ann")):
        base = re.sub(r"_[0-9a-f]{4}\.ann$", "", ann.name)
        if base not in seen:
            seen.add(base)
            text = (folder / "text" / f"{base}.txt").read_text(encoding="utf-8")
            yield text, read_brat(ann.read_text(encoding="utf-8"))


def labels(spans: list[Span], fragments: list[Fragment]) -> list[str]:
    """BIO labels of tokens; a content resumed after `, he said,` goes on with I, not B."""
    out = ["O"] * len(spans)
    starts = [s for s, _ in spans]
    begun: set[tuple[str, str]] = set()
    for kind, a, b, aid in sorted(fragments, key=lambda f: f[1]):
        first = True
        for i in range(bisect_left(starts, a), len(spans)):
            if spans[i][0] >= b:
                break
            out[i] = ("B-" if first and (kind, aid) not in begun else "I-") + kind.upper()
            first = False
        if not first:
            begun.add((kind, aid))
    return out


def sequences(folder: Path) -> Iterator[tuple[list[list[str]], list[str]]]:
    """(attributes, labels) per paragraph of a PolNeAR split."""
    types = _Types()
    for text, fragments in corpus(folder):
        toks = _read(text, _paragraphs(text), types)
        gold = labels(list(zip(toks.starts.tolist(), toks.ends.tolist(), strict=True)), fragments)
        for u, attrs in enumerate(_attributes(toks)):
            if attrs:
                yield attrs, gold[toks.units[u]:toks.units[u + 1]]


def train(folder: Path, out: Path, c1: float = 1.0, c2: float = 0.01, iterations: int = 150) -> dict[str, float]:
    """Train on a PolNeAR split, export the weights to `out` (.npz); returns tokens, seconds and bytes."""
    import pycrfsuite

    started = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    tokens = 0
    for attrs, gold in sequences(folder):
        trainer.append(attrs, gold)
        tokens += len(gold)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.minfreq": 2})
    with tempfile.TemporaryDirectory() as tmp:
        trained = Path(tmp) / "model.crfsuite"
        trainer.train(str(trained))
        export(trained, out)
    return {"tokens": tokens, "seconds": time.perf_counter() - started, "bytes": out.stat().st_size}


def export(crfsuite_model: Path, out: Path) -> None:
    """Write a crfsuite model's non-zero weights as the NumPy arrays `Model.load` reads."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(crfsuite_model))
    info = tagger.info()
    names = sorted(info.labels, key=lambda name: int(info.labels[name]))
    at = {name: i for i, name in enumerate(names)}
    transitions = np.zeros((len(names), len(names)))
    for (a, b), w in info.transitions.items():
        transitions[at[a], at[b]] = w
    attributes = sorted({a for a, _ in info.state_features})
    row = {a: i for i, a in enumerate(attributes)}
    weights = np.zeros((len(attributes), len(names)), dtype=np.float32)
    for (a, label), w in info.state_features.items():
        weights[row[a], at[label]] = w
    out.parent.mkdir(parents=True, exist_ok=True)
    # attribute names as one UTF-8 text, a line each: NumPy's fixed-width strings would take ten times the room
    arrays = {"labels": np.array(names), "transitions": transitions,
              "attributes": np.frombuffer("\n".join(attributes).encode(), dtype=np.uint8), "weights": weights}
    with zipfile.ZipFile(out, "w") as npz:  # np.savez_compressed, less the time stamps
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with npz.open(entry, "w") as f:
                np.lib.format.write_array(f, array, allow_pickle=False)


def main(argv: list[str] | None = None) -> int:
    """`python -m misquote.attribution train SPLIT_FOLDER --out MODEL.npz`."""
    parser = argparse.ArgumentParser(prog="python -m misquote.attribution", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("train", help="train on a PolNeAR split folder (text/ and attributions/)")
    cmd.add_argument("folder", type=Path)
    cmd.add_argument("--out", type=Path, required=True)
    cmd.add_argument("--iterations", type=int, default=150)
    args = parser.parse_args(argv)
    done = train(args.folder, args.out, iterations=args.iterations)
    print(f"{args.out}: {done['bytes'] / 1e6:.1f} MB from {done['tokens']:,} tokens in {done['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
