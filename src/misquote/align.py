"""Word-level local alignment: where a query stands in a stretch of source text, and how it differs.

Both sides are lists of normalized words (see `text.py`). The edit script comes from rapidfuzz's
longest-common-subsequence (Indel) opcodes (C++, bit-parallel) over the whole source window, which
maximise the words in common; adjacent quote-only and source-only runs are then read as
substitutions, and the source words before and after the query are trimmed off, which turns the
global alignment into a local one. Deleted and inserted runs of the same words are reported as one
transposition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from misquote.model import Edit

Op = tuple[str, int, int, int, int]
"""(tag, q_start, q_end, s_start, s_end) with tag in equal, replace, insert (quote only), delete (source only)."""


@dataclass
class Alignment:
    """The best local alignment of a query (quote) against a source window, in token indexes."""

    q_start: int
    q_end: int
    s_start: int
    s_end: int
    matches: int
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
        for tag, qi, qj, si, sj in self.ops:
            if tag == "equal":
                continue
            q_words = " ".join(query[qi:qj])
            s_words = " ".join(source[si:sj])
            op = {"replace": "substitute", "insert": "insert", "delete": "delete"}[tag]
            out.append(Edit(op, q_words, s_words))  # type: ignore[arg-type]
        return _transpositions(out)


def _transpositions(edits: list[Edit]) -> list[Edit]:
    """Merge an insertion and a deletion of the same words into one transposition."""
    merged: list[Edit] = []
    used: set[int] = set()
    for i, edit in enumerate(edits):
        if i in used:
            continue
        if edit.op in ("insert", "delete"):
            words = edit.quote if edit.op == "insert" else edit.source
            other = "delete" if edit.op == "insert" else "insert"
            for j in range(i + 1, len(edits)):
                cand = edits[j]
                if j not in used and cand.op == other and (cand.source or cand.quote) == words:
                    used.add(j)
                    merged.append(Edit("transpose", words, words))
                    break
            else:
                merged.append(edit)
        else:
            merged.append(edit)
    return merged


def _opcodes(query: Sequence[str], source: Sequence[str]) -> list[Op]:
    """LCS opcodes in our terms, with each adjacent quote-only/source-only pair read as a substitution."""
    raw: list[Op] = []
    for o in Indel.opcodes(query, source):
        # rapidfuzz names ops from the query's view: "delete" drops a query word (the quote has a
        # word the source lacks: our "insert"), "insert" adds a source word (our "delete").
        tag = {"equal": "equal", "delete": "insert", "insert": "delete"}[o.tag]
        raw.append((tag, o.src_start, o.src_end, o.dest_start, o.dest_end))
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
    share of the query inside that region.
    """
    if not query or not source:
        return None
    ops = _opcodes(query, source)
    # Trim what lies outside the local match: source-only words and quote-only words at either end,
    # and substitutions at the ends (an end word that matches nothing is not evidence).
    while ops and ops[0][0] != "equal":
        ops.pop(0)
    while ops and ops[-1][0] != "equal":
        ops.pop()
    if not ops:
        return None
    ops = _trim_weak_ends(ops)
    q_start, s_start = ops[0][1], ops[0][3]
    q_end, s_end = ops[-1][2], ops[-1][4]
    matches = sum(op[2] - op[1] for op in ops if op[0] == "equal")
    columns = sum(max(op[2] - op[1], op[4] - op[3]) for op in ops)
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


def _trim_weak_ends(ops: list[Op]) -> list[Op]:
    """Drop a lone matching word stranded at an end behind a long gap (a chance hit on "the")."""

    def gap(op: Op) -> int:
        return max(op[2] - op[1], op[4] - op[3]) if op[0] != "equal" else 0

    while len(ops) >= 3 and ops[0][0] == "equal" and ops[0][2] - ops[0][1] == 1 and gap(ops[1]) >= 3:
        ops = ops[2:]
    while len(ops) >= 3 and ops[-1][0] == "equal" and ops[-1][2] - ops[-1][1] == 1 and gap(ops[-2]) >= 3:
        ops = ops[:-2]
    return ops
