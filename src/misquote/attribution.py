"""Reported speech and thought in English news, found by a sequence model trained on PolNeAR.

A linear-chain CRF tags each token of a paragraph as part of the SOURCE, CUE or CONTENT of an attribution
(BIO labels; a token belongs to at most one attribution, as in PolNeAR), and `reported` turns the tags into
content and source spans. python-crfsuite trains the model; its weights are then exported to a small
NumPy file that ships with the package and is decoded here with NumPy, all paragraphs of an article at
once, because crfsuite's own tagger, fed attribute strings token by token, costs several times more.
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
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import NamedTuple

import numpy as np

from misquote.extract import (
    _ABBREV,
    _DETERMINERS,
    _EN_CUES,
    _PRONOUNS,
    _THAT_VERBS,
    _THOUGHT,
    _TITLES,
    _TO_VERBS,
    _WORD_RE,
    _lexicon,
    _paragraphs,
    _sentences,
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
_LETTERS = re.compile(r"[a-z]+")
_OPEN_MARKS = frozenset("“«„")
_CLOSE_MARKS = frozenset("”»")
# The other tokens a token looks at: its neighbours, and the cue words before and after it in its sentence
# (with the word after the previous cue: `said that`, `said the`).
_VIEWS = ("-2", "-1", "1", "2", "pc", "pa", "nc")
# Where a token stands: its position in its sentence (p) and from its end (r), its distance to the previous
# and next cue word of the sentence (cl, cr), whether a `that` or a colon (lt) and how many commas (lc) came
# since that cue, whether a comma comes before the next (rc), whether the sentence has a cue (sc), whether
# it is inside quotation marks (q; 2 for a mark), and which sentence of the paragraph it is in (s).
_CATS = ("p", "r", "cl", "cr", "lt", "rc", "lc", "sc", "q", "s")

# Token flags, one bit each, used by the sentence-level features.
_CUE, _COMMA, _THAT, _OPEN, _CLOSE, _STRAIGHT = 1, 2, 4, 8, 16, 32


_SHAPES = str.maketrans(dict.fromkeys("abcdefghijklmnopqrstuvwxyz0123456789", "x") | dict.fromkeys(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "X"))  # digits read as lower case letters
_RUNS = re.compile(r"([Xx])\1+")


def _shape(word: str) -> str:
    return _RUNS.sub(r"\1", word.translate(_SHAPES))[:4]


_KIND_NAMES = ("cue", "that", "to", "whether", "if", "pro", "cap", "num", "w", "p")


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


@dataclass(frozen=True, slots=True)
class _Word:
    """What a token says on its own (its features), what it tells the tokens that look at it (its lower
    case form and kind), and its flags."""

    own: tuple[str, ...]
    low: str
    kind: str
    flags: int

    @property
    def near(self) -> tuple[str, str]:
        return "w=" + self.low, "k=" + self.kind


@lru_cache(maxsize=1 << 18)
def _word(word: str) -> _Word:
    low = word.lower().replace("’", "'")
    kind = _kind(low, word)
    own = ["w=" + low, "s3=" + low[-3:], "s2=" + low[-2:], "sh=" + _shape(word), "k=" + kind]
    if low in _THOUGHT:
        own.append("thought")
    if low in _TITLES:
        own.append("title")
    if low in _DETERMINERS:
        own.append("det")
    flags = (_CUE if kind == "cue" else 0) | (_COMMA if word == "," else 0) | (_THAT if low in ("that", ":") else 0)
    flags |= (_OPEN if word in _OPEN_MARKS else 0) | (_CLOSE if word in _CLOSE_MARKS else 0)
    flags |= _STRAIGHT if word == '"' else 0
    return _Word(tuple(own), low, kind, flags)


# Distance buckets: exact up to 4, then wider.
_DIST = np.array([0, 1, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 7] + [8] * 10 + [9])


def _bucket(n: np.ndarray) -> np.ndarray:
    return _DIST[np.minimum(n, len(_DIST) - 1)]


@dataclass
class _Tokens:
    """The tokens of some paragraphs, in text order, with the categorical features of each."""

    spans: list[Span]
    words: list[str]
    units: list[int]  # first token of each paragraph, then len(words)
    cats: dict[str, np.ndarray]  # feature name -> value per token, -1 for none
    views: dict[str, np.ndarray]  # view name -> index of the token seen, -1 for none
    sentences: np.ndarray  # first token of each sentence


def _split(text: str, start: int, end: int, spans: list[Span], words: list[str]) -> None:
    """extract.py's `_tokens` of text[start:end], appended to `spans` and `words`: the same tokens, made
    without a `_Tok` apiece because the model reads every word of an article."""
    for m in _WORD_RE.finditer(text, start, end):
        word = m.group()
        if word[-1] == "." and len(word) > 1 and not _ABBREV.search(word):
            b = m.end()
            spans.extend(((b - len(word), b - 1), (b - 1, b)))
            words.extend((word[:-1], "."))
        else:
            spans.append(m.span())
            words.append(word)


def _read(text: str, paragraphs: Sequence[Span]) -> _Tokens:
    """Tokens and sentence-level features of the given paragraphs of `text`."""
    spans: list[Span] = []
    words: list[str] = []
    units: list[int] = []
    firsts: list[int] = []  # offsets where sentences start
    for ps, pe in paragraphs:
        units.append(len(words))
        _split(text, ps, pe, spans, words)
        firsts.extend([a for a, _ in _sentences(text, ps, pe)])
    units.append(len(words))
    n = len(words)
    if not n:
        return _Tokens(spans, words, units, {}, {}, np.zeros(0, dtype=np.int64))
    unit_of = np.repeat(np.arange(len(units) - 1), np.diff(units))
    sentence = np.searchsorted(np.asarray(firsts), np.fromiter((a for a, _ in spans), np.int64, n), "right")
    new_sent = np.ones(n, dtype=bool)
    new_sent[1:] = (sentence[1:] != sentence[:-1]) | (unit_of[1:] != unit_of[:-1])
    sent_id = np.cumsum(new_sent) - 1
    sent_no = sent_id - sent_id[np.asarray(units[:-1])[unit_of]]
    idx = np.arange(n)
    flags = np.fromiter((_word(w).flags for w in words), dtype=np.int64, count=n)
    starts = np.flatnonzero(new_sent)
    ends = np.append(starts[1:], n)
    s_start, s_end = starts[sent_id], ends[sent_id]
    cue = (flags & _CUE) > 0
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
    u0 = np.asarray(units[:-1])[unit_of]
    depth = np.cumsum(((flags & _OPEN) > 0).astype(int) - ((flags & _CLOSE) > 0))
    straight = np.cumsum((flags & _STRAIGHT) > 0)
    base = np.where(u0 > 0, u0 - 1, 0)
    depth_in = depth - np.where(u0 > 0, depth[base], 0)
    straight_in = straight - np.where(u0 > 0, straight[base], 0)
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
        "sc": np.add.reduceat(cue, starts)[sent_id] > 0,
        "q": quoted,
        "s": np.minimum(sent_no, 2),
    }
    u_start, u_end = np.asarray(units[:-1])[unit_of], np.asarray(units[1:])[unit_of]
    views = {d: np.where((idx + int(d) >= u_start) & (idx + int(d) < u_end), idx + int(d), -1)
             for d in ("-2", "-1", "1", "2")}
    views["pc"] = np.where(has_prev, prev_cue, -1)
    views["pa"] = np.where(has_prev & (prev_cue + 1 < idx), prev_cue + 1, -1)
    views["nc"] = np.where(has_next, next_cue, -1)
    return _Tokens(spans, words, units, {k: v.astype(np.int64) for k, v in cats.items()}, views, starts)


def _attributes(toks: _Tokens) -> Iterator[list[list[str]]]:
    """crfsuite's view of the features: attribute strings per token, one list per paragraph."""
    names = list(toks.cats)
    values = np.stack([toks.cats[k] for k in names], axis=1).tolist() if names else []
    seen = np.stack([toks.views[v] for v in _VIEWS], axis=1).tolist() if toks.views else []
    for u in range(len(toks.units) - 1):
        out = []
        for i in range(toks.units[u], toks.units[u + 1]):
            f = list(_word(toks.words[i]).own)
            for view, j in zip(_VIEWS, seen[i], strict=True):
                if j >= 0:
                    f.extend(view + a for a in _word(toks.words[j]).near)
            f.extend(f"{k}={v}" for k, v in zip(names, values[i], strict=True) if v >= 0)
            out.append(f)
        yield out


# --------------------------------------------------------------------------------------------------
# The model

_KINDS = ("", "SOURCE", "CUE", "CONTENT")  # of labels, by index: O, then B- and I- of each
_MAX_WORDS = 1 << 18  # words kept in a model's score table; it starts afresh past that
_LONG = 200  # tokens: a longer paragraph is decoded sentence by sentence


class Model:
    """Exported CRF weights and the NumPy decoder that uses them; `Model.load(path)` reads a trained one."""

    def __init__(self, labels: list[str], transitions: np.ndarray, attributes: list[str], weights: np.ndarray):
        self.labels = labels
        self.transitions = transitions
        self.kinds = np.array([_KINDS.index(label[2:]) for label in labels])
        self.begins = np.array([label.startswith("B-") for label in labels])
        self.rows = {a: i for i, a in enumerate(attributes)}
        k = len(labels)
        self.weights = np.vstack([weights, np.zeros((1, k), weights.dtype)])  # row -1: unknown attribute
        self.cats: dict[str, np.ndarray] = {}
        for name in _CATS:
            table = [self.weights[self.rows.get(f"{name}={v}", -1)] for v in range(16)]
            self.cats[name] = np.vstack([*table, np.zeros((1, k))])  # index -1: feature absent
        # what a word tells the tokens that look at it, by view: the rows of `{view}w={word}`, `{view}k={kind}`
        column = {view: j for j, view in enumerate(_VIEWS)}
        self.seen: dict[str, list[int]] = {}
        for a, i in self.rows.items():
            view, eq, word = a.partition("w=")
            if eq and view in column:
                self.seen.setdefault(word, [-1] * len(_VIEWS))[column[view]] = i
        self.seen_kind = {kind: [self.rows.get(f"{view}k={kind}", -1) for view in _VIEWS] for kind in _KIND_NAMES}
        self.ids: dict[str, int] = {}
        self.table = np.zeros((1024, 1 + len(_VIEWS), k))

    @classmethod
    def load(cls, path: Path) -> Model:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["labels"].tolist(), data["transitions"], data["attributes"].tolist(),
                       data["weights"].astype(np.float64))

    def _ids(self, words: list[str]) -> np.ndarray:
        """Rows of the words in the table of their own and their neighbour scores; new words are added."""
        ids = self.ids
        new = [w for w in dict.fromkeys(words) if w not in ids]
        if len(ids) + len(new) > _MAX_WORDS:
            ids.clear()
            new = list(dict.fromkeys(words))
        if new:
            first = len(ids)
            while len(self.table) < first + len(new):
                self.table = np.concatenate([self.table, np.zeros_like(self.table)])
            get = self.rows.get
            found = [_word(w) for w in new]
            rows = [get(a, -1) for w in found for a in w.own]
            cuts = np.cumsum([0] + [len(w.own) for w in found[:-1]])
            added = slice(first, first + len(new))
            self.table[added, 0] = np.add.reduceat(self.weights[rows], cuts)
            unseen = [-1] * len(_VIEWS)
            seen = [self.seen.get(w.low, unseen) for w in found]
            self.table[added, 1:] = self.weights[seen] + self.weights[[self.seen_kind[w.kind] for w in found]]
            ids.update(zip(new, range(first, first + len(new)), strict=True))
        return np.fromiter((ids[w] for w in words), dtype=np.int64, count=len(words))

    def scores(self, toks: _Tokens) -> np.ndarray:
        """State scores, tokens x labels."""
        ids = self._ids(toks.words)
        out = self.table[ids, 0].copy()
        for j, view in enumerate(_VIEWS, 1):
            at = toks.views[view]
            ok = at >= 0
            out[ok] += self.table[ids[at[ok]], j]
        for name, values in toks.cats.items():
            out += self.cats[name][np.minimum(values, 15)]
        return out

    def tag(self, toks: _Tokens) -> np.ndarray:
        """The best label (index into `labels`) of each token: Viterbi over each paragraph, or over each
        sentence of a paragraph longer than `_LONG` tokens (a novel's can be thousands, and step t below
        costs as much for one paragraph as for a hundred)."""
        n = len(toks.words)
        if not n:
            return np.zeros(0, dtype=np.int64)
        units = np.asarray(toks.units)
        sizes = np.diff(units)
        heads = toks.sentences[sizes[np.searchsorted(units, toks.sentences, "right") - 1] > _LONG]
        return self._viterbi(self.scores(toks), np.union1d(units[:-1][sizes > 0], heads))

    def _viterbi(self, emit: np.ndarray, firsts: np.ndarray) -> np.ndarray:
        """Viterbi over the sequences that start at `firsts`, side by side, longest first, so that step t
        works on the sequences longer than t only."""
        n = len(emit)
        path = np.zeros(n, dtype=np.int64)
        lengths = np.diff(np.append(firsts, n))
        order = np.argsort(-lengths, kind="stable")
        starts, lengths = firsts[order], lengths[order]
        live = np.searchsorted(-lengths, -np.arange(int(lengths[0])), "left")  # sequences longer than t
        delta = emit[starts]
        back = []
        for t in range(1, len(live)):
            m = live[t]
            cand = delta[:m, :, None] + self.transitions
            back.append(cand.argmax(1))
            delta[:m] = cand.max(1)
            delta[:m] += emit[starts[:m] + t]
        cur = delta.argmax(1)
        for t in range(len(live) - 1, 0, -1):
            m = live[t]
            path[starts[:m] + t] = cur[:m]
            cur[:m] = back[t - 1][np.arange(m), cur[:m]]
        path[starts] = cur
        return path


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


def reported(text: str, paragraphs: Sequence[Span] | None = None, model: Model | None = None) -> list[Reported]:
    """Attributions in `text` (or in the given paragraphs of it): content spans and their source spans.

    Only paragraphs with a word of `CUE_WORDS` are read: the others hold few attributions (a twelfth of
    PolNeAR's), and skipping them keeps plain narration fast.
    """
    paras = _paragraphs(text) if paragraphs is None else paragraphs
    toks = _read(text, [(a, b) for a, b in paras if not CUE_WORDS.isdisjoint(_LETTERS.findall(text[a:b].lower()))])
    if not toks.words:
        return []
    model = model or shipped()
    path = model.tag(toks)
    kind, begins = model.kinds[path], model.begins[path]
    new = kind > 0  # the first token of each run
    new[1:] &= begins[1:] | (kind[1:] != kind[:-1])
    heads = np.asarray(toks.units[:-1])[np.diff(toks.units) > 0]
    new[heads] = kind[heads] > 0
    labelled = np.flatnonzero(kind > 0)
    if not len(labelled):
        return []
    run = np.cumsum(new)[labelled]
    edge = run[1:] != run[:-1]
    firsts = labelled[np.append(True, edge)].tolist()
    lasts = labelled[np.append(edge, True)].tolist()
    units = np.searchsorted(toks.units, firsts, "right") - 1
    runs: dict[int, list[_Run]] = {}
    for u, a, b in zip(units.tolist(), firsts, lasts, strict=True):
        runs.setdefault(u, []).append((_KINDS[kind[a]], a, b, not begins[a]))
    out = []
    for group in runs.values():
        for first, last, source in _attributions(group):
            src = (toks.spans[source[0]][0], toks.spans[source[1]][1]) if source else (None, None)
            out.append(Reported(toks.spans[first][0], toks.spans[last][1], *src))
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
    for text, fragments in corpus(folder):
        toks = _read(text, _paragraphs(text))
        gold = labels(toks.spans, fragments)
        for u, attrs in enumerate(_attributes(toks)):
            if attrs:
                yield attrs, gold[toks.units[u]:toks.units[u + 1]]


def train(folder: Path, out: Path, c1: float = 0.5, c2: float = 0.01, iterations: int = 150) -> dict[str, float]:
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
    arrays = {"labels": np.array(names), "transitions": transitions, "attributes": np.array(attributes),
              "weights": weights}
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
