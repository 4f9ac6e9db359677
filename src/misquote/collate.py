"""Witnesses -> apparatus: what one edition cut, added, moved or changed against a base.

Each witness is aligned against the base on normalized tokens (`text.tokens`), by an anchor-based
diff that scales to whole books: tokens unique in both ranges are matched, the longest chain of them
in order is kept (patience diff), and the gaps between anchors are aligned by rapidfuzz's
Levenshtein on integer-coded token lists. A rewritten passage stays one locus; small variants
(spelling, punctuation, case) are classed from the original text so they can be hidden. With more
than two witnesses the pairwise variants are merged by overlapping base ranges.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from lxml import etree
from rapidfuzz import process
from rapidfuzz.distance import Indel, Levenshtein

from misquote.errors import QueryError
from misquote.text import Token, tokens

LocusType = Literal["omission", "addition", "substitution", "transposition", "spelling", "punctuation", "case"]
LOCUS_TYPES: tuple[str, ...] = (
    "omission",
    "addition",
    "substitution",
    "transposition",
    "spelling",
    "punctuation",
    "case",
)
SMALL_TYPES = frozenset({"spelling", "punctuation", "case"})
"""The variant classes a reader usually wants hidden (`ignore=SMALL_TYPES`)."""

MAX_CHARS = 10_000_000
"""Default largest witness, in characters: about 200 bytes of tokens per word keep two such
witnesses under 2 GB."""

_LEAF = 250_000
"""Gaps with at most this many token pairs are aligned by Levenshtein directly (milliseconds)."""
_BIG = 200_000_000
"""Anchorless gaps beyond this many token pairs are one substitution (e.g. two languages)."""
_MAX_JOIN = 3
"""An equal run of at most this many words inside a large change is absorbed into it..."""
_JOIN_FACTOR = 2
"""...when a neighbouring change is at least this many times longer (function words that
Levenshtein matched inside a rewritten or cut paragraph)."""
_SHARE = 4
"""...or, whatever its length, when both neighbouring changes are this many times longer (two
rewritten sentences with a clause in common between them read as one rewrite)."""
_REWRITE = 0.5
"""A gap whose common words cover less than this share of its shorter side is one rewrite."""
_MOVE_SIMILARITY = 85.0
"""Indel similarity (0-100) for a cut and an addition of the same passage to count as a move."""
_MOVE_MIN = 3
"""Words a moved block needs to be looked for anywhere; shorter moves only within _NEAR words."""
_NEAR = 4

_SPACE = re.compile(r"\s+")
_LINE_HYPHEN = re.compile(r"-[ \t]*\r?\n[ \t]*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})


@dataclass
class Witness:
    """One text to collate: its label (an edition, "1859"), the text and its archive id if any."""

    label: str
    text: str
    id: str | None = None


@dataclass
class Reading:
    """A witness's text at a locus: [start, end) character offsets into that witness's text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass
class Locus:
    """One place of variation: its type and every witness's reading there (keyed by label)."""

    type: LocusType
    readings: dict[str, Reading]
    differs: frozenset[str] = field(default_factory=frozenset, repr=False, compare=False)
    """Labels of the witnesses that vary here (the others read as the base, given for parallel view)."""

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "readings": {k: r.to_dict() for k, r in self.readings.items()}}


@dataclass
class Apparatus:
    """The collation of witnesses against a base: the variant loci, in base order."""

    witnesses: list[Witness]
    base: str
    loci: list[Locus] = field(default_factory=list)
    sync: list[dict[str, int]] = field(default_factory=list, repr=False)
    """Paragraph starts where every witness reads the same: offsets per label (for side-by-side views)."""

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        """The `collate --json` shape of DESIGN.md (each witness's text too when `with_text`)."""
        witnesses = []
        for w in self.witnesses:
            entry: dict[str, Any] = {"id": w.id, "label": w.label, "length": len(w.text)}
            if with_text:
                entry["text"] = w.text
            witnesses.append(entry)
        return {"witnesses": witnesses, "base": self.base, "loci": [locus.to_dict() for locus in self.loci]}

    def to_tei(self) -> str:
        """TEI P5 parallel segmentation: the base text with an <app> at each locus, as a string."""
        tei_ns = "http://www.tei-c.org/ns/1.0"
        xml_id = "{http://www.w3.org/XML/1998/namespace}id"
        ids = _xml_ids([w.label for w in self.witnesses])

        def el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
            node = etree.SubElement(parent, f"{{{tei_ns}}}{tag}", attrs)
            node.text = _xml_text(text) if text else None
            return node

        root = etree.Element(f"{{{tei_ns}}}TEI", nsmap={None: tei_ns})
        header = el(root, "teiHeader")
        file_desc = el(header, "fileDesc")
        el(el(file_desc, "titleStmt"), "title", "Collation of " + ", ".join(w.label for w in self.witnesses))
        el(el(file_desc, "publicationStmt"), "p", "Generated by misquote.collate")
        list_wit = el(el(file_desc, "sourceDesc"), "listWit")
        for w in self.witnesses:
            node = el(list_wit, "witness", w.label)
            node.set(xml_id, ids[w.label])
            if w.id:
                node.set("corresp", w.id)
        el(el(header, "encodingDesc"), "variantEncoding", method="parallel-segmentation", location="internal")
        body = el(el(root, "text"), "body")
        para = el(body, "p")
        base_text = self._witness(self.base).text
        cursor = 0
        tail: etree._Element | None = None

        def put(text: str) -> None:
            text = _xml_text(text)
            if tail is None:
                para.text = (para.text or "") + text
            else:
                tail.tail = (tail.tail or "") + text

        for locus in self.loci:
            lem = locus.readings[self.base]
            if lem.start < cursor:  # a move overlapping an earlier locus: keep the XML a tree
                continue
            put(base_text[cursor : lem.start])
            app = el(para, "app", type=locus.type)
            el(app, "lem", lem.text or None, wit="#" + ids[self.base])
            for label, reading in locus.readings.items():
                if label != self.base:
                    el(app, "rdg", reading.text or None, wit="#" + ids[label])
            tail = app
            cursor = lem.end
        put(base_text[cursor:])
        return etree.tostring(root, encoding="unicode", pretty_print=False)

    def to_html(self, fragment: bool = False) -> str:
        """A side-by-side reading view, variants highlighted; `fragment` omits the <html> wrapper."""
        labels = [w.label for w in self.witnesses]
        marks: dict[str, list[tuple[int, int, int, str]]] = {label: [] for label in labels}
        for n, locus in enumerate(self.loci):
            for label, reading in locus.readings.items():
                if label == self.base or label in locus.differs:
                    marks[label].append((reading.start, reading.end, n, locus.type))
        for spans in marks.values():
            spans.sort()
        texts = {w.label: w.text for w in self.witnesses}
        rows = [dict.fromkeys(labels, 0), *self.sync, {w.label: len(w.text) for w in self.witnesses}]
        out = ['<div class="misquote-collation">', _CSS, '<table class="mq-side"><thead><tr>']
        out += [f"<th>{html.escape(label)}{' (base)' if label == self.base else ''}</th>" for label in labels]
        out.append("</tr></thead><tbody>")
        for lo, hi in pairwise(rows):
            if all(lo[label] >= hi[label] for label in labels):
                continue
            out.append("<tr>")
            for label in labels:
                out.append("<td>")
                _html_cell(out, texts[label], lo[label], hi[label], marks[label])
                out.append("</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
        out.append(f'<ol class="mq-loci" aria-label="apparatus">{self._html_list()}</ol></div>')
        body = "".join(out)
        if fragment:
            return body
        title = html.escape("Collation: " + " · ".join(labels))
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{body}</body></html>"
        )

    def _html_list(self) -> str:
        items = []
        for n, locus in enumerate(self.loci):
            parts = [f'<span class="mq-type">{locus.type}</span>']
            for label, reading in locus.readings.items():
                shown = html.escape(_clip(reading.text, 200)) if reading.text else "<em>(nothing)</em>"
                parts.append(f"<b>{html.escape(label)}</b> {shown}")
            items.append(f'<li id="mq-l{n}" class="mq-{locus.type}">' + " | ".join(parts) + "</li>")
        return "".join(items)

    def summary(self, top: int = 5) -> str:
        """Plain words per witness: how many passages it omits, adds, moves, and words it changes."""
        lines = []
        for w in self.witnesses:
            if w.label == self.base:
                continue
            omits, adds, moves, changed, into, small = [], [], [], 0, 0, 0
            big: list[tuple[int, str]] = []
            for locus in self.loci:
                mine, base = locus.readings.get(w.label), locus.readings[self.base]
                if mine is None or w.label not in locus.differs:
                    continue
                n_base, n_mine = len(tokens(base.text)), len(tokens(mine.text))
                if locus.type in SMALL_TYPES:
                    small += 1
                    continue
                if not mine.text.strip():
                    omits.append(n_base)
                    big.append((n_base, f"omits {_words(n_base)}: “{_clip(base.text, 80)}”"))
                elif not base.text.strip():
                    adds.append(n_mine)
                    big.append((n_mine, f"adds {_words(n_mine)}: “{_clip(mine.text, 80)}”"))
                elif locus.type == "transposition":
                    moves.append(n_mine)
                    big.append((n_mine, f"moves {_words(n_mine)}: “{_clip(mine.text, 80)}”"))
                else:
                    changed, into = changed + n_base, into + n_mine
                    big.append((max(n_base, n_mine), f"changes “{_clip(base.text, 60)}” to “{_clip(mine.text, 60)}”"))
            if not (omits or adds or moves or changed or small):
                lines.append(f"{w.label} reads the same as {self.base}.")
                continue
            line = (
                f"{w.label} omits {_plural(len(omits), 'passage')} ({_words(sum(omits))}), "
                f"adds {len(adds):,} ({_words(sum(adds))}), changes {_words(changed)}"
            )
            if changed and into != changed:
                line += f" (into {_words(into)})"
            if moves:
                line += f", moves {_plural(len(moves), 'passage')} ({_words(sum(moves))})"
            if small:
                line += f"; {_plural(small, 'small variant')} (spelling, punctuation, case)"
            lines.append(line + f" against {self.base}.")
            big.sort(key=lambda item: -item[0])
            lines += [f"  - {text}" for _, text in big[:top]]
        return "\n".join(lines)

    def _witness(self, label: str) -> Witness:
        return next(w for w in self.witnesses if w.label == label)


def collate(
    witnesses: list[Witness],
    base: str | None = None,
    ignore: Iterable[str] = frozenset(),
    max_chars: int = MAX_CHARS,
) -> Apparatus:
    """Collate two or more witnesses against `base` (default: the first) into an apparatus.

    `ignore` names variant types to leave out (e.g. {"spelling", "punctuation", "case"});
    witnesses longer than `max_chars` characters are refused, to keep memory bounded.
    """
    ignore = set(ignore)
    if len(witnesses) < 2:
        raise QueryError(f"collate needs two or more witnesses (got {len(witnesses)}): give the editions to compare")
    labels = [w.label for w in witnesses]
    if len(set(labels)) != len(labels):
        raise QueryError(f"witness labels must differ, got {labels}: label each edition (e.g. by year)")
    if unknown := ignore - set(LOCUS_TYPES):
        raise QueryError(f"cannot ignore {sorted(unknown)}: the variant types are {', '.join(LOCUS_TYPES)}")
    for w in witnesses:
        if len(w.text) > max_chars:
            raise QueryError(
                f"witness {w.label!r} has {len(w.text):,} characters, more than the {max_chars:,} "
                "characters collate takes (max_chars): split it into parts (volumes, chapters) and collate those"
            )
    base = labels[0] if base is None else base
    if base not in labels:
        raise QueryError(f"base {base!r} is not one of the witnesses {labels}")
    base_w = witnesses[labels.index(base)]
    codes: dict[str, int] = {}
    base_toks = tokens(base_w.text)
    a = [codes.setdefault(t.norm, len(codes)) for t in base_toks]
    pairs = []
    for w in witnesses:
        if w.label == base:
            continue
        w_toks = tokens(w.text)
        b = [codes.setdefault(t.norm, len(codes)) for t in w_toks]
        ops = _cleanup(_compact(_diff(a, b)), a, b)
        pair = _Pair(w, w_toks, ops, _moves(ops, a, b), base_w, base_toks)
        pair.variants = [v for v in pair.variants if v.type not in ignore]
        pairs.append(pair)
    loci = _merge(base_w, base_toks, pairs)
    return Apparatus(list(witnesses), base, loci, _sync(base_w, base_toks, pairs))


# ---- alignment -----------------------------------------------------------------------------------

Op = tuple[str, int, int, int, int]
"""(tag, a1, a2, b1, b2) with tag "equal" or "change", as in difflib's opcodes."""


def _diff(a: list[int], b: list[int]) -> list[Op]:
    """Opcodes turning `a` into `b`: unique-token anchors (patience), Levenshtein between them."""
    out: list[Op] = []
    stack: list[Op] = [("gap", 0, len(a), 0, len(b))]
    while stack:
        kind, a1, a2, b1, b2 = stack.pop()
        if kind == "equal":
            out.append((kind, a1, a2, b1, b2))
            continue
        p = 0
        while a1 + p < a2 and b1 + p < b2 and a[a1 + p] == b[b1 + p]:
            p += 1
        if p:
            out.append(("equal", a1, a1 + p, b1, b1 + p))
            a1, b1 = a1 + p, b1 + p
        s = 0
        while a1 < a2 - s and b1 < b2 - s and a[a2 - s - 1] == b[b2 - s - 1]:
            s += 1
        if s:
            stack.append(("equal", a2 - s, a2, b2 - s, b2))
            a2, b2 = a2 - s, b2 - s
        anchors = [] if (a2 - a1) * (b2 - b1) <= _LEAF else _anchors(a, b, a1, a2, b1, b2)
        if not anchors:
            out += _leaf(a, b, a1, a2, b1, b2)
            continue
        pieces: list[Op] = []
        prev_i, prev_j = a1, b1
        for i, j in anchors:
            pieces += [("gap", prev_i, i, prev_j, j), ("equal", i, i + 1, j, j + 1)]
            prev_i, prev_j = i + 1, j + 1
        pieces.append(("gap", prev_i, a2, prev_j, b2))
        stack.extend(reversed(pieces))
    return out


def _anchors(a: list[int], b: list[int], a1: int, a2: int, b1: int, b2: int) -> list[tuple[int, int]]:
    """Tokens occurring once in both ranges, as (i, j) pairs, longest increasing chain only."""
    count_a = Counter(a[a1:a2])
    count_b = Counter(b[b1:b2])
    where_b = {b[j]: j for j in range(b1, b2) if count_b[b[j]] == 1 and count_a.get(b[j]) == 1}
    pairs = [(i, where_b[a[i]]) for i in range(a1, a2) if a[i] in where_b]
    if not pairs:
        return []
    tails: list[int] = []
    tail_at: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        x = bisect_left(tails, j)
        if x == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[x] = j
            tail_at[x] = k
        back[k] = tail_at[x - 1] if x else -1
    chain = []
    k = tail_at[-1]
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    return chain[::-1]


def _leaf(a: list[int], b: list[int], a1: int, a2: int, b1: int, b2: int) -> list[Op]:
    """Align a gap between anchors: Levenshtein opcodes, or one change when it is a rewrite."""
    la, lb = a2 - a1, b2 - b1
    if not la and not lb:
        return []
    if not la or not lb or la * lb > _BIG:
        return [("change", a1, a2, b1, b2)]
    sa, sb = a[a1:a2], b[b1:b2]
    if min(la, lb) >= 3:
        common = (la + lb - Indel.distance(sa, sb)) // 2
        if common < _REWRITE * min(la, lb):
            return [("change", a1, a2, b1, b2)]
    return [
        ("equal" if tag == "equal" else "change", a1 + i1, a1 + i2, b1 + j1, b1 + j2)
        for tag, i1, i2, j1, j2 in Levenshtein.opcodes(sa, sb)
    ]


def _compact(ops: list[Op]) -> list[Op]:
    """Sort opcodes and join neighbours of the same kind (a deletion next to an insertion is one change)."""
    out: list[Op] = []
    for op in sorted(ops, key=lambda o: (o[1], o[3])):
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if out and out[-1][0] == op[0]:
            out[-1] = (op[0], out[-1][1], op[2], out[-1][3], op[4])
        else:
            out.append(op)
    return out


def _cleanup(ops: list[Op], a: list[int], b: list[int]) -> list[Op]:
    """Absorb short equal runs between large changes, so a rewritten or cut passage is one locus.

    The joined change is then trimmed of words equal at both its ends: a "the" that Levenshtein
    matched inside a cut paragraph moves back to the "the" just after the cut.
    """
    out: list[Op] = []

    def push(op: Op) -> None:
        if op[1] == op[2] and op[3] == op[4]:
            return
        if out and out[-1][0] == op[0]:
            out[-1] = (op[0], out[-1][1], op[2], out[-1][3], op[4])
        else:
            out.append(op)

    for op in ops:
        if op[0] == "change" and len(out) >= 2 and out[-2][0] == "change":
            before, equal = out[-2], out[-1]
            run = equal[2] - equal[1]
            left = max(before[2] - before[1], before[4] - before[3])
            right = max(op[2] - op[1], op[4] - op[3])
            if (run <= _MAX_JOIN and run * _JOIN_FACTOR <= max(left, right)) or run * _SHARE <= min(left, right):
                del out[-2:]
                a1, a2, b1, b2 = before[1], op[2], before[3], op[4]
                p = 0
                while a1 + p < a2 and b1 + p < b2 and a[a1 + p] == b[b1 + p]:
                    p += 1
                s = 0
                while a1 + p < a2 - s and b1 + p < b2 - s and a[a2 - s - 1] == b[b2 - s - 1]:
                    s += 1
                push(("equal", a1, a1 + p, b1, b1 + p))
                push(("change", a1 + p, a2 - s, b1 + p, b2 - s))
                push(("equal", a2 - s, a2, b2 - s, b2))
                continue
        push(op)
    return out


def _moves(ops: list[Op], a: list[int], b: list[int]) -> dict[int, int]:
    """Pairs of a cut (op index) and an addition (op index) of the same passage: a transposition.

    Exact repeats count from _MOVE_MIN words anywhere, or from one word within _NEAR words (a
    swapped word order); near repeats (rapidfuzz Indel similarity) from 2 * _MOVE_MIN words.
    """
    cuts = [k for k, op in enumerate(ops) if op[0] == "change" and op[3] == op[4]]
    adds = [k for k, op in enumerate(ops) if op[0] == "change" and op[1] == op[2]]
    moved: dict[int, int] = {}
    if not cuts or not adds:
        return moved
    by_words: dict[tuple[int, ...], list[int]] = {}
    for k in adds:
        by_words.setdefault(tuple(b[ops[k][3] : ops[k][4]]), []).append(k)
    used: set[int] = set()
    for k in cuts:
        a1, a2 = ops[k][1], ops[k][2]
        for m in by_words.get(tuple(a[a1:a2]), []):
            near = abs(ops[m][1] - a1) <= _NEAR or abs(ops[m][1] - a2) <= _NEAR
            if m not in used and (a2 - a1 >= _MOVE_MIN or near):
                moved[k] = m
                used.add(m)
                break
    long_adds = sorted((ops[m][4] - ops[m][3], m) for m in adds if m not in used)
    lengths = [n for n, _ in long_adds]
    for k in cuts:
        a1, a2 = ops[k][1], ops[k][2]
        n = a2 - a1
        if k in moved or n < 2 * _MOVE_MIN:
            continue
        lo, hi = bisect_left(lengths, int(n * 0.85)), bisect_left(lengths, int(n / 0.85) + 1)
        choices = {m: b[ops[m][3] : ops[m][4]] for _, m in long_adds[lo:hi] if m not in used}
        if choices:
            best = process.extractOne(
                a[a1:a2], choices, scorer=Indel.normalized_similarity, score_cutoff=_MOVE_SIMILARITY / 100
            )
            if best is not None:
                moved[k] = best[2]
                used.add(best[2])
    return moved


# ---- variants ------------------------------------------------------------------------------------


@dataclass
class _Var:
    """One pairwise variant: base token span [i1, i2) or the gap before token i1, and char ranges."""

    type: str
    i1: int
    i2: int
    gap: bool
    a: tuple[int, int]
    b: tuple[int, int]


class _Pair:
    """A witness aligned against the base: its variants and a map of base to witness word boundaries."""

    def __init__(
        self,
        w: Witness,
        w_toks: list[Token],
        ops: list[Op],
        moved: dict[int, int],
        base: Witness,
        base_toks: list[Token],
    ) -> None:
        self.witness, self.toks, self.base_text = w, w_toks, base.text
        n, m = len(base_toks), len(w_toks)
        self.start_map = [-1] * (n + 1)
        self.end_map = [-1] * (n + 1)
        self.aligned = bytearray(n)
        self.variants: list[_Var] = []
        ta, tb, text_a, text_b = base_toks, w_toks, base.text, w.text
        added = set(moved.values())
        for k, (tag, a1, a2, b1, b2) in enumerate(ops):
            la = a2 - a1
            self._map(a1, a2, b1, b2, la == 0)
            if k in added:
                continue
            if k in moved:
                m1, m2 = ops[moved[k]][3], ops[moved[k]][4]
                whole = _clause_start(base.text, ta, a1) and _clause_start(w.text, tb, m1)
                span_a = _whole(base.text, ta, a1, a2) if whole else _span(ta, a1, a2)
                span_b = _whole(w.text, tb, m1, m2) if whole else _span(tb, m1, m2)
                self.variants.append(_Var("transposition", a1, a2, False, span_a, span_b))
                continue
            if tag == "equal":
                self.aligned[a1:a2] = b"\x01" * la
                self._small(text_a, text_b, ta, tb, a1, a2, b1, b2, n, m)
            else:
                self._change(ta, tb, a1, a2, b1, b2)
        for k in (self.start_map, self.end_map):
            if k[n] < 0:
                k[n] = m

    def _map(self, a1: int, a2: int, b1: int, b2: int, insertion: bool) -> None:
        if self.end_map[a1] < 0:
            self.end_map[a1] = b1
        self.start_map[a1] = b2 if insertion else b1
        la, lb = a2 - a1, b2 - b1
        for k in range(1, la):
            self.start_map[a1 + k] = self.end_map[a1 + k] = b1 + (k if la == lb else k * lb // la)

    def _small(
        self,
        text_a: str,
        text_b: str,
        ta: list[Token],
        tb: list[Token],
        a1: int,
        a2: int,
        b1: int,
        b2: int,
        n: int,
        m: int,
    ) -> None:
        """Spelling, case and punctuation variants inside an equal run."""
        for k in range(a2 - a1):
            x, y = ta[a1 + k], tb[b1 + k]
            sx, sy = text_a[x.start : x.end], text_b[y.start : y.end]
            if sx != sy and (kind := _word_kind(sx, sy)):
                self.variants.append(_Var(kind, a1 + k, a1 + k + 1, False, (x.start, x.end), (y.start, y.end)))
        first = a1 if a1 == 0 and b1 == 0 else a1 + 1
        last = a2 if a2 == n and b2 == m else a2 - 1
        for i in range(first, last + 1):
            j = b1 + i - a1
            ga = _gap(text_a, ta, i)
            gb = _gap(text_b, tb, j)
            if text_a[ga[0] : ga[1]] == text_b[gb[0] : gb[1]]:
                continue
            pa, pb = _trim(text_a, ga), _trim(text_b, gb)
            if _SPACE.sub(" ", text_a[pa[0] : pa[1]]) != _SPACE.sub(" ", text_b[pb[0] : pb[1]]):
                self.variants.append(_Var("punctuation", i, i, True, pa, pb))

    def _change(self, ta: list[Token], tb: list[Token], a1: int, a2: int, b1: int, b2: int) -> None:
        """Type a change: omission, addition, spelling or substitution (word pairs grouped by class)."""
        la, lb = a2 - a1, b2 - b1
        if not lb or not la:
            # A cut or added sentence takes its final punctuation along ("it." / after "well.");
            # a word added inside a sentence ("soon [enough].") does not.
            text_a, text_b = self.base_text, self.witness.text
            if not lb:
                whole, kind = _clause_start(text_a, ta, a1), "omission"
            else:
                whole, kind = _clause_start(text_b, tb, b1), "addition"
            span_a = _whole(text_a, ta, a1, a2) if whole else _span(ta, a1, a2)
            span_b = _whole(text_b, tb, b1, b2) if whole else _span(tb, b1, b2)
            self.variants.append(_Var(kind, a1, a2, False, span_a, span_b))
        elif la != lb:
            joined = "".join(t.norm for t in ta[a1:a2]) == "".join(t.norm for t in tb[b1:b2])
            kind = "spelling" if joined else "substitution"
            self.variants.append(_Var(kind, a1, a2, False, _span(ta, a1, a2), _span(tb, b1, b2)))
        else:
            kinds = [_spelling(x.norm, y.norm) for x, y in zip(ta[a1:a2], tb[b1:b2], strict=True)]
            if "substitution" in kinds:  # one rewritten phrase, even if a word in it survived
                self.variants.append(_Var("substitution", a1, a2, False, _span(ta, a1, a2), _span(tb, b1, b2)))
                return
            for k, kind in enumerate(kinds):
                if kind == "spelling":
                    i, j = a1 + k, b1 + k
                    self.variants.append(_Var(kind, i, i + 1, False, _span(ta, i, i + 1), _span(tb, j, j + 1)))


def _span(toks: list[Token], i1: int, i2: int) -> tuple[int, int]:
    """Char range of tokens [i1, i2); for an empty span, the point after token i1 - 1."""
    if i1 < i2:
        return toks[i1].start, toks[i2 - 1].end
    pos = toks[i1 - 1].end if i1 > 0 else 0
    return pos, pos


def _whole(text: str, toks: list[Token], i1: int, i2: int) -> tuple[int, int]:
    """Like `_span`, with the punctuation attached to the last word ("it." of a cut sentence)."""
    s, e = _span(toks, i1, i2)
    end = e
    while end < len(text) and not text[end].isspace() and not text[end].isalnum():
        end += 1
    if end < len(text) and not text[end].isspace():
        end = e  # glued to the next word ("sea—the"): leave the punctuation to the gap
    return (s, end) if s < e else (end, end)


def _clause_start(text: str, toks: list[Token], i: int) -> bool:
    """Whether token i opens the text or follows punctuation (a sentence or clause, not a word, moves)."""
    return i == 0 or bool(text[toks[i - 1].end : toks[i].start].strip())


def _gap(text: str, toks: list[Token], i: int) -> tuple[int, int]:
    """Char range between token i - 1 and token i (text start / end at the edges)."""
    start = toks[i - 1].end if i > 0 else 0
    end = toks[i].start if i < len(toks) else len(text)
    return start, end


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span without surrounding whitespace; an all-space span becomes the point at its start."""
    s, e = span
    chunk = text[s:e]
    stripped = chunk.strip()
    if not stripped:
        return s, s
    s2 = s + len(chunk) - len(chunk.lstrip())
    return s2, s2 + len(stripped)


def _word_kind(x: str, y: str) -> str | None:
    """How two spellings of one normalized word differ: case, punctuation (apostrophes), spelling."""
    x, y = _LINE_HYPHEN.sub("", x), _LINE_HYPHEN.sub("", y)
    if x == y:
        return None
    if x.lower() == y.lower():
        return "case"
    if x.translate(_APOSTROPHES).lower() == y.translate(_APOSTROPHES).lower():
        return "punctuation"
    return "spelling"


def _spelling(x: str, y: str) -> str:
    """ "spelling" when two different words are one spelt two ways (colour/color), else "substitution".

    0.75 similarity on words of 4+ letters keeps shew/show, connexion/connection and drops cat/car.
    """
    if min(len(x), len(y)) >= 4 and Levenshtein.normalized_similarity(x, y) >= 0.75:
        return "spelling"
    return "substitution"


# ---- merging -------------------------------------------------------------------------------------


def _merge(base: Witness, base_toks: list[Token], pairs: list[_Pair]) -> list[Locus]:
    """Group pairwise variants overlapping in the base into loci with every witness's reading."""
    items = sorted(((v.a, k, v) for k, p in enumerate(pairs) for v in p.variants), key=lambda t: t[0])
    groups: list[list[tuple[int, _Var]]] = []
    g_start = g_end = -1
    for (s, e), k, v in items:
        if groups and (s < g_end or (s == e == g_start == g_end)):
            groups[-1].append((k, v))
            g_end = max(g_end, e)
        else:
            groups.append([(k, v)])
            g_start, g_end = s, e
    loci = []
    for group in groups:
        start = min(v.a[0] for _, v in group)
        end = max(v.a[1] for _, v in group)
        types = {v.type for _, v in group}
        readings = {base.label: Reading(start, end, base.text[start:end])}
        spans = [v for _, v in group if not v.gap and v.i1 < v.i2]
        for k, pair in enumerate(pairs):
            mine = [v for kk, v in group if kk == k]
            text = pair.witness.text
            if len(mine) == 1 and mine[0].a == (start, end):
                s, e = mine[0].b
            elif spans:
                i1, i2 = min(v.i1 for v in spans), max(v.i2 for v in spans)
                s, e = _span(pair.toks, pair.start_map[i1], pair.end_map[i2])
            elif group[0][1].gap:
                s, e = _trim(text, _gap(text, pair.toks, pair.start_map[group[0][1].i1]))
            else:
                s, e = _span(pair.toks, pair.end_map[group[0][1].i1], pair.end_map[group[0][1].i1])
            readings[pair.witness.label] = Reading(s, e, text[s:e])
        kind = types.pop() if len(types) == 1 else "substitution"
        differs = frozenset(pairs[k].witness.label for k, _ in group)
        loci.append(Locus(kind, readings, differs))  # type: ignore[arg-type]
    return loci


def _sync(base: Witness, base_toks: list[Token], pairs: list[_Pair]) -> list[dict[str, int]]:
    """Base paragraph starts where every witness reads the same words on both sides."""
    points = []
    text = base.text
    for i in range(1, len(base_toks)):
        if "\n\n" not in text[base_toks[i - 1].end : base_toks[i].start]:
            continue
        if all(p.aligned[i - 1] and p.aligned[i] for p in pairs):
            point = {base.label: base_toks[i].start}
            point.update({p.witness.label: p.toks[p.start_map[i]].start for p in pairs})
            points.append(point)
    return points


# ---- output helpers ------------------------------------------------------------------------------

_CSS = """<style>
.misquote-collation .mq-side{border-collapse:collapse;width:100%;table-layout:fixed}
.misquote-collation .mq-side td,.misquote-collation .mq-side th{vertical-align:top;padding:.4em .8em;
 border-bottom:1px solid #ddd;white-space:pre-wrap;font-family:Georgia,serif;line-height:1.45}
.misquote-collation mark{border-radius:2px;padding:0 1px}
.misquote-collation .mq-omission{background:#fbd5d5}.misquote-collation .mq-addition{background:#d5f5dc}
.misquote-collation .mq-substitution{background:#fde9b6}.misquote-collation .mq-transposition{background:#dcd5fb}
.misquote-collation .mq-spelling,.misquote-collation .mq-punctuation,.misquote-collation .mq-case{
 background:none;border-bottom:2px dotted #999}
.misquote-collation mark.mq-empty{background:none;color:#c00}
.misquote-collation .mq-type{font-variant:small-caps;margin-right:.4em}
</style>"""


def _html_cell(out: list[str], text: str, lo: int, hi: int, spans: list[tuple[int, int, int, str]]) -> None:
    """Append text[lo:hi], escaped, with each reading that starts inside it marked."""
    k = bisect_left(spans, (lo, -1, -1, ""))
    pos = lo
    while k < len(spans) and (spans[k][0] < hi or (spans[k][0] == hi == len(text))):
        s, e, n, kind = spans[k]
        k += 1
        if s < pos:
            continue
        e = min(e, hi)
        out.append(html.escape(text[pos:s]))
        attrs = f'class="mq-{kind}{" mq-empty" if s == e else ""}" data-locus="{n}" title="{kind}"'
        out.append(f'<a href="#mq-l{n}"><mark {attrs}>{html.escape(text[s:e]) if s < e else "‸"}</mark></a>')
        pos = e
    out.append(html.escape(text[pos:hi]))


_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Text with the characters XML 1.0 cannot hold removed."""
    return _XML_BAD.sub("", text)


def _xml_ids(labels: list[str]) -> dict[str, str]:
    """A distinct XML id (NCName) per witness label."""
    ids: dict[str, str] = {}
    for label in labels:
        candidate = "w-" + re.sub(r"[^\w.-]", "-", label, flags=re.ASCII)
        while candidate in ids.values():
            candidate += "-"
        ids[label] = candidate
    return ids


def _clip(text: str, limit: int) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _words(n: int) -> str:
    return _plural(n, "word")


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
