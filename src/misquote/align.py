"""Word-level local alignment: where a query stands in a stretch of source text, and how it differs.

Both sides are lists of normalized words (see `text.py`). The edit script comes from rapidfuzz's
longest-common-subsequence (Indel) opcodes (C++, bit-parallel) over the whole source window, which
maximise the words in common; adjacent quote-only and source-only runs are then read as
substitutions, and the source words before and after the query are trimmed off, which turns the
global alignment into a local one. A quote-only run and a source-only run of the same words are
reported as one transposition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from misquote.model import Edit

Op = tuple[str, int, int, int, int]
"""(tag, q_start, q_end, s_start, s_end); tag: equal, replace, insert (quote only), delete (source only),
move / moved (the quote and source sides of a transposition)."""


@dataclass
class Alignment:
    """The best local alignment of a query (quote) against a source window, in token indexes."""

    q_start: int
    q_end: int
    s_start: int
    s_end: int
    matches: float
    identity: float
    coverage: float
    ops: list[Op] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """True when the aligned region is word for word the same on both sides."""
        return all(op[0] == "equal" for op in self.ops)

    def edits(self, query: Sequence[str], source: Sequence[str]) -> list[Edit]:
        """The differences as Edits, with the words of each side (normalized forms)."""
        out: list[Edit] = []
        names = {"replace": "substitute", "insert": "insert", "delete": "delete", "move": "transpose"}
        for tag, qi, qj, si, sj in self.ops:
            if tag in ("equal", "moved"):
                continue
            q_words = " ".join(query[qi:qj])
            s_words = q_words if tag == "move" else " ".join(source[si:sj])
            out.append(Edit(names[tag], q_words, s_words))  # type: ignore[arg-type]
        return out


def _mark_moves(ops: list[Op], query: Sequence[str], source: Sequence[str]) -> list[Op]:
    """Relabel a quote-only run and a source-only run of the same words as one transposition.

    The quote-only side becomes "move" (reported as the edit) and the source-only side "moved".
    """
    ops = list(ops)
    for i, (tag, qi, qj, _, _) in enumerate(ops):
        if tag != "insert":
            continue
        moved = list(query[qi:qj])
        for j, (other, _, _, si, sj) in enumerate(ops):
            if other != "delete" or sj - si != qj - qi or list(source[si:sj]) != moved:
                continue
            # a run moved past at most three words, or a long run (a clause) moved anywhere;
            # a lone "the" added here and dropped there is an insertion and a deletion
            between = sum(op[2] - op[1] for op in ops[min(i, j) + 1 : max(i, j)])
            if between <= 3 or qj - qi >= 3:
                ops[i] = ("move", *ops[i][1:])
                ops[j] = ("moved", *ops[j][1:])
                break
    # A quote-side move has no source extent and a deletion no quote extent, so their order is free:
    # put each move before the deletions that precede it, next to the words it belongs with.
    for i in range(1, len(ops)):
        k = i
        while k > 0 and ops[k][0] == "move" and ops[k - 1][0] == "delete":
            (_, mq0, mq1, _, _), (_, _, _, ds0, ds1) = ops[k], ops[k - 1]
            ops[k - 1], ops[k] = ("move", mq0, mq1, ds0, ds0), ("delete", mq1, mq1, ds0, ds1)
            k -= 1
    return ops


def _opcodes(query: Sequence[str], source: Sequence[str]) -> list[Op]:
    """LCS opcodes in our terms: equal, insert (quote only), delete (source only)."""
    # rapidfuzz names ops from the query's view: "delete" drops a query word (the quote has a
    # word the source lacks: our "insert"), "insert" adds a source word (our "delete").
    tags = {"equal": "equal", "delete": "insert", "insert": "delete"}
    return [(tags[o.tag], o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Indel.opcodes(query, source)]


def _substitutions(raw: list[Op]) -> list[Op]:
    """Read each adjacent quote-only/source-only pair as a substitution (plus the longer side's rest)."""
    ops: list[Op] = []
    i = 0
    while i < len(raw):
        op = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if nxt and {op[0], nxt[0]} == {"insert", "delete"}:
            qi, qj = min(op[1], nxt[1]), max(op[2], nxt[2])
            si, sj = min(op[3], nxt[3]), max(op[4], nxt[4])
            k = min(qj - qi, sj - si)
            ops.append(("replace", qi, qi + k, si, si + k))
            if qj - qi > k:
                ops.append(("insert", qi + k, qj, si + k, si + k))
            elif sj - si > k:
                ops.append(("delete", qi + k, qi + k, si + k, sj))
            i += 2
        else:
            ops.append(op)
            i += 1
    return ops


def local_align(query: Sequence[str], source: Sequence[str]) -> Alignment | None:
    """Align `query` inside `source` (a window around a candidate), or None when nothing matches.

    Identity is equal words over all alignment columns in the matched region; coverage is the
    share of the query inside that region. An LCS has many equally long solutions when words
    repeat ("the ... the"); it is computed forwards and backwards and the more compact one kept.
    """
    if not query or not source:
        return None
    n, m = len(query), len(source)
    forward = _align(query, source, _opcodes(query, source))
    if forward is not None and forward.exact and forward.coverage == 1.0:
        return forward  # nothing more compact exists
    backward_ops = [
        (tag, n - qj, n - qi, m - sj, m - si) for tag, qi, qj, si, sj in reversed(_opcodes(query[::-1], source[::-1]))
    ]
    backward = _align(query, source, backward_ops)
    found = [a for a in (forward, backward) if a is not None]
    if not found:
        return None
    return max(found, key=lambda a: (round(a.identity * a.coverage, 6), a.coverage, -(a.s_end - a.s_start)))


def _align(query: Sequence[str], source: Sequence[str], raw: list[Op]) -> Alignment | None:
    ops = _best_stretch(_substitutions(_mark_moves(raw, query, source)), len(query))
    if not ops:
        return None
    ops = _extend_exact_ends(ops, query, source)
    # A transposed word at an end carries no source extent: drop source-only words between it and
    # the last word that does, and take the source span from the ops that cover source words.
    on_source = [i for i, op in enumerate(ops) if op[0] in ("equal", "moved", "replace")]
    if not on_source:
        return None
    first, last = on_source[0], on_source[-1]
    ops = [op for i, op in enumerate(ops) if first <= i <= last or op[0] != "delete"]
    spans = [op for op in ops if op[0] in ("equal", "moved", "replace", "delete")]
    q_start, q_end = ops[0][1], ops[-1][2]
    s_start, s_end = spans[0][3], spans[-1][4]
    # A transposed word is there, out of place: half a match, and one column rather than two.
    matches = sum(op[2] - op[1] for op in ops if op[0] == "equal")
    matches += sum(op[2] - op[1] for op in ops if op[0] == "move") / 2
    columns = sum(max(op[2] - op[1], op[4] - op[3]) for op in ops if op[0] != "moved")
    return Alignment(
        q_start=q_start,
        q_end=q_end,
        s_start=s_start,
        s_end=s_end,
        matches=matches,
        identity=matches / columns if columns else 0.0,
        coverage=(q_end - q_start) / len(query),
        ops=ops,
    )


def _best_stretch(ops: list[Op], n: int) -> list[Op]:
    """The run of ops with the best score, +1 a matching word and -1 a differing one (Kadane).

    This is what makes the alignment local: a stray "the" several words past the match, or the
    unrelated half of a spliced quote, costs more than it adds and falls outside. A short
    substitution at the very start or end of the quote is kept (it is part of the evidence).
    """
    weight = {"equal": 1.0, "move": 0.5, "moved": 0.0}
    best, best_span, score, start = 0.0, (0, -1), 0.0, 0
    for i, (tag, qi, qj, si, sj) in enumerate(ops):
        gain = weight.get(tag, -1.0) * max(qj - qi, sj - si)
        # ties go to the longer stretch: a zero-sum edge ("the" then one dropped word) stays in
        if score < 0:
            score, start = gain, i
        else:
            score += gain
        if score >= best and score > 0:
            best, best_span = score, (start, i)
    first, last = best_span
    if last < first:
        return []
    if first > 0 and _end_substitution(ops, first - 1, n):
        first -= 1
    if last + 1 < len(ops) and _end_substitution(ops, last + 1, n):
        last += 1
    return ops[first : last + 1]


def _end_substitution(ops: list[Op], i: int, n: int) -> bool:
    """True for a short substitution at the very start or end of the quote, next to matching words.

    "as they wish" against "as they please" ends in a substitution that is part of the evidence;
    without this rule it would be trimmed off as if the quote ended at "they".
    """
    tag, qi, qj, _, _ = ops[i]
    if tag != "replace" or qj - qi > 3 or not (qi == 0 or qj == n):
        return False
    neighbour = ops[i + 1] if qi == 0 and i + 1 < len(ops) else ops[i - 1] if qj == n and i > 0 else None
    return neighbour is not None and neighbour[0] == "equal" and neighbour[2] - neighbour[1] >= 2


def _extend_exact_ends(ops: list[Op], query: Sequence[str], source: Sequence[str]) -> list[Op]:
    """Grow the alignment at either end while the next quote word is the next source word.

    An LCS may pair the quote's first "the" with an earlier "the" of the window; once that stray
    pairing is trimmed, the right "the" just before the match is taken back here.
    """
    tag, qi, qj, si, sj = ops[0]
    while qi > 0 and si > 0 and query[qi - 1] == source[si - 1] and tag == "equal":
        qi, si = qi - 1, si - 1
    ops[0] = (tag, qi, qj, si, sj)
    tag, qi, qj, si, sj = ops[-1]
    while qj < len(query) and sj < len(source) and query[qj] == source[sj] and tag == "equal":
        qj, sj = qj + 1, sj + 1
    ops[-1] = (tag, qi, qj, si, sj)
    return ops
