"""Benchmark of `misquote.collate` against a scholarly apparatus, and of its speed, with CollateX beside it.

Accuracy: the Frankenstein Variorum spine (`corpora/collation/frankenstein/2023-standoff_Spine/
spine_C01..C08.xml`) is a standoff apparatus: each <app> has <rdgGrp>s of <rdg wit="#f1818"> whose
<ptr>s point at <seg xml:id="C08_app12-f1818"> in the witness chapter files. A witness's text for a
collation unit is its chapter files' body text (without <del>, <note>, <metamark>) from the unit's
first seg to its last; the gold loci for a pair (f1818 against another witness) are the apps where the
two readings differ, consecutive differing apps joined into one locus. Two levels: "words" (readings
differ after `text.normalize`; misquote run with ignore={"punctuation", "case"}) and "all" (any
difference but whitespace; misquote run with nothing ignored).

Speed and memory: Darwin's chapter 1 by paragraph in six editions (`corpora/collation/darwin/darwin-ch1`),
and the whole Origin of Species, 1st (1859) against 6th (1872) edition, from
`corpora/gutenberg/authors/Darwin_Charles/`. Every measurement runs in its own subprocess (peak RSS from
ru_maxrss, a time limit and an address-space limit); CollateX (PyPI `collatex`) runs on the same inputs.

Run:  .venv/bin/python bench/collate.py [--timeout 120] [--memory-gb 4] [--only misquote]
"""

from __future__ import annotations

import argparse
import ast
import json
import resource
import subprocess
import sys
import time
from bisect import bisect_left
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
FV = CORPORA / "collation" / "frankenstein"
DARWIN = CORPORA / "collation" / "darwin" / "darwin-ch1"
ORIGIN = CORPORA / "gutenberg" / "authors" / "Darwin_Charles"
ORIGIN_1859 = ORIGIN / (
    "On_the_Origin_of_Species_By_Means_of_Natural_Selection_Or_the_Preservation_of_Favoured_Races_in_the"
    "_Struggle_for_Life.txt"
)
ORIGIN_1872 = ORIGIN / (
    "The_Origin_of_Species_by_Means_of_Natural_Selection_Or_the_Preservation_of_Favoured_Races_in_the"
    "_Struggle_for_Life_6th_E.txt"
)
UNITS = [f"C{n:02d}" for n in range(1, 9)]
BASE = "f1818"
OTHERS = ["f1823", "fThomas", "f1831", "fMS"]
TOL = 3
"""Characters of slack when matching loci: a point reading sits after a word, a gold one after a seg."""

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SKIP = {"del", "del-INNER", "mdel", "note", "metamark", "teiHeader"}
"""Deleted or editorial text that is not part of the witness's reading."""
PARSER = etree.XMLParser(recover=True, huge_tree=True)  # the chapter files declare XML 1.1

Span = tuple[int, int]


# ---- Frankenstein: witnesses and gold loci from the spine ---------------------------------------


def read_spine(unit: str) -> tuple[list[dict[str, list[str]]], dict[str, list[str]]]:
    """The unit's apps in order ({witness: [seg ids]}) and each witness's chapter files in order."""
    root = etree.parse(str(FV / "2023-standoff_Spine" / f"spine_{unit}.xml"), PARSER).getroot()
    apps: list[dict[str, list[str]]] = []
    files: dict[str, list[str]] = {}
    for app in root.iter(f"{TEI}app"):
        readings: dict[str, list[str]] = {}
        for rdg in app.iter(f"{TEI}rdg"):
            for wit in rdg.get("wit", "").replace("#", "").split():
                segs = readings.setdefault(wit, [])
                for ptr in rdg.findall(f"{TEI}ptr"):
                    url, _, frag = ptr.get("target", "").partition("#")
                    name = url.rsplit("/", 1)[-1]
                    if name not in files.setdefault(wit, []):
                        files[wit].append(name)
                    seg = frag.split("__")[0]
                    if seg not in segs:
                        segs.append(seg)
        apps.append(readings)
    return apps, files


def witness_text(names: list[str]) -> tuple[str, dict[str, Span]]:
    """Body text of chapter files joined, and each seg's (trimmed) char span in it."""
    parts: list[str] = []
    length = 0
    spans: dict[str, Span] = {}

    def emit(text: str | None) -> None:
        nonlocal length
        if text:
            parts.append(text)
            length += len(text)

    def walk(el: Any, keep: bool) -> None:
        local = etree.QName(el).localname
        keep = keep and local not in SKIP
        start = length
        if keep:
            emit(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child, keep)
            if keep:
                emit(child.tail)
        if local == "seg" and el.get(XML_ID):
            sid = el.get(XML_ID).split("__")[0]
            old = spans.get(sid, (start, length))
            spans[sid] = (min(old[0], start), max(old[1], length))

    for name in names:
        body = etree.parse(str(FV / "2023-variorum-chapters" / name), PARSER).getroot().find(f".//{TEI}body")
        walk(body, True)
        emit("\n\n")
    raw = "".join(parts)
    # XML indentation is not the witness's: each run of whitespace becomes one space (offsets remapped).
    new_at = [0] * (len(raw) + 1)
    out: list[str] = []
    n = 0
    for i, ch in enumerate(raw):
        new_at[i] = n
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                n += 1
        else:
            out.append(ch)
            n += 1
    new_at[len(raw)] = n
    text = "".join(out)
    spans = {sid: (new_at[s], new_at[e]) for sid, (s, e) in spans.items()}
    for sid, (s, e) in spans.items():
        chunk = text[s:e]
        if chunk.strip():
            s2 = s + len(chunk) - len(chunk.lstrip())
            spans[sid] = (s2, s2 + len(chunk.strip()))
        else:
            spans[sid] = (s, s)
    return text, spans


def unit_witnesses(unit: str) -> tuple[dict[str, str], list[dict[str, Span]]]:
    """Each witness's text for the unit, and per app each witness's reading span in it."""
    apps, files = read_spine(unit)
    texts: dict[str, str] = {}
    readings: list[dict[str, Span]] = [{} for _ in apps]
    for wit in [BASE, *OTHERS]:
        if not files.get(wit):
            continue
        full, spans = witness_text(files[wit])
        mine = [[spans[s] for s in app.get(wit, []) if s in spans] for app in apps]
        used = [sp for app in mine for sp in app if sp[0] < sp[1]]
        if not used:
            continue
        lo, hi = min(s for s, _ in used), max(e for _, e in used)
        texts[wit] = full[lo:hi]
        point = 0
        for k, app in enumerate(mine):
            app = [sp for sp in app if sp[0] < sp[1]]
            if app:
                readings[k][wit] = (min(s for s, _ in app) - lo, max(e for _, e in app) - lo)
                point = readings[k][wit][1]
            else:
                readings[k][wit] = (point, point)
    return texts, readings


def gold_loci(
    texts: dict[str, str], readings: list[dict[str, Span]], a: str, b: str, level: str
) -> list[tuple[Span, Span]]:
    """Apps where witnesses a and b read differently, consecutive ones joined."""
    loci: list[tuple[Span, Span]] = []
    joining = False
    for app in readings:
        ra, rb = app[a], app[b]
        ta, tb = texts[a][ra[0] : ra[1]], texts[b][rb[0] : rb[1]]
        if not ta.strip() and not tb.strip():
            continue
        if differ(ta, tb, level):
            if joining:
                (sa, _), (sb, _) = loci[-1]
                loci[-1] = ((sa, ra[1]), (sb, rb[1]))
            else:
                loci.append((ra, rb))
            joining = True
        else:
            joining = False
    return loci


def differ(x: str, y: str, level: str) -> bool:
    """Whether two readings differ at this level ("words": normalized words; "all": but whitespace)."""
    from misquote.text import normalize

    if level == "words":
        return normalize(x) != normalize(y)
    return x.split() != y.split()


def score(pred: list[tuple[Span, Span]], gold: list[tuple[Span, Span]]) -> int:
    """Size of a maximum one-to-one matching of predicted to gold loci overlapping (±TOL) in both witnesses."""

    def near(x: Span, y: Span) -> bool:
        return x[0] <= y[1] + TOL and y[0] <= x[1] + TOL

    gold = sorted(gold)
    ends = [g[0][1] for g in gold]
    edges = []
    for pa, pb in pred:
        k = bisect_left(ends, pa[0] - TOL)
        cand = []
        while k < len(gold) and gold[k][0][0] <= pa[1] + TOL:
            if near(pa, gold[k][0]) and near(pb, gold[k][1]):
                cand.append(k)
            k += 1
        edges.append(cand)
    owner: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g not in seen:
                seen.add(g)
                if g not in owner or augment(owner[g], seen):
                    owner[g] = p
                    return True
        return False

    sys.setrecursionlimit(100_000)
    return sum(augment(p, set()) for p in range(len(pred)))


# ---- the two tools -------------------------------------------------------------------------------


def misquote_loci(a: str, b: str, level: str) -> list[tuple[Span, Span]]:
    from misquote.collate import Witness, collate

    ignore = {"punctuation", "case"} if level == "words" else set()
    app = collate([Witness("a", a), Witness("b", b)], ignore=ignore)
    loci = [(locus.readings["a"], locus.readings["b"]) for locus in app.loci]
    return [((x.start, x.end), (y.start, y.end)) for x, y in loci if differ(x.text, y.text, level)]


def collatex_table(texts: list[tuple[str, str]]) -> dict[str, Any]:
    from collatex import Collation, collate

    collation = Collation()
    for label, text in texts:
        collation.add_plain_witness(label, text)
    return json.loads(collate(collation, output="json", segmentation=False))


def collatex_loci(a: str, b: str, levels: tuple[str, ...]) -> dict[str, list[tuple[Span, Span]]]:
    """CollateX's variant loci for a pair, located in each text by finding its tokens in order."""
    table = collatex_table([("a", a), ("b", b)])["table"]
    cols = []
    for row, text in zip(table, (a, b), strict=True):
        cursor, spans = 0, []
        for cell in row:
            if not cell:
                spans.append(((cursor, cursor), ""))
                continue
            start = None
            for tok in cell:
                t = tok["t"].strip()
                pos = text.find(t, cursor) if t else cursor
                pos = cursor if pos < 0 else pos
                start = pos if start is None else start
                cursor = pos + len(t)
            spans.append(((start or 0, cursor), text[start or 0 : cursor]))
        cols.append(spans)
    out: dict[str, list[tuple[Span, Span]]] = {}
    for level in levels:
        loci: list[tuple[Span, Span]] = []
        joining = False
        for (sa, ta), (sb, tb) in zip(cols[0], cols[1], strict=True):
            if not ta.strip() and not tb.strip():
                continue
            if differ(ta, tb, level):
                if joining:
                    loci[-1] = ((loci[-1][0][0], sa[1]), (loci[-1][1][0], sb[1]))
                else:
                    loci.append((sa, sb))
                joining = True
            else:
                joining = False
        out[level] = loci
    return out


# ---- jobs (each run in a subprocess) -------------------------------------------------------------


def job(tool: str, name: str) -> dict[str, Any]:
    """Run one measurement; returns its numbers and the seconds spent collating."""
    spent = 0.0
    result: dict[str, Any] = {}
    if tool == "misquote":
        import misquote.collate  # noqa: F401  (imported before the clock starts)
    else:
        import collatex  # noqa: F401
    if name.startswith("fv-"):
        unit = name[3:]
        texts, readings = unit_witnesses(unit)
        for other in OTHERS:
            if BASE not in texts or other not in texts:
                continue
            row: dict[str, Any] = {"chars": [len(texts[BASE]), len(texts[other])]}
            t0 = time.perf_counter()
            if tool == "misquote":
                pred = {lv: misquote_loci(texts[BASE], texts[other], lv) for lv in ("words", "all")}
            else:
                pred = collatex_loci(texts[BASE], texts[other], ("words", "all"))
            spent += time.perf_counter() - t0
            for level in ("words", "all"):
                gold = gold_loci(texts, readings, BASE, other, level)
                row[level] = [len(gold), len(pred[level]), score(pred[level], gold)]
            result[other] = row
    elif name == "darwin-ch1":
        n_loci = n_items = 0
        for path in sorted(DARWIN.glob("Ch1-*.json")):
            if "aligned" in path.name:
                continue  # hand-aligned "raw:" format, not witness text
            data = ast.literal_eval(path.read_text(encoding="utf-8"))
            wits = sorted((str(k), v) for k, v in data.items() if isinstance(v, str))
            if len(wits) < 2:
                continue
            n_items += 1
            t0 = time.perf_counter()
            if tool == "misquote":
                from misquote.collate import Witness, collate

                n_loci += len(collate([Witness(k, v) for k, v in wits]).loci)
            else:
                n_loci += len(collatex_table(wits)["table"][0])
            spent += time.perf_counter() - t0
        result = {"items": n_items, "loci": n_loci}
    elif name == "origin":
        a = ORIGIN_1859.read_text(encoding="utf-8")
        b = ORIGIN_1872.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        if tool == "misquote":
            from misquote.collate import Witness, collate

            app = collate([Witness("1859", a), Witness("1872", b)])
            result = {"loci": len(app.loci), "summary": app.summary(top=3)}
        else:
            result = {"columns": len(collatex_table([("1859", a), ("1872", b)])["table"][0])}
        spent = time.perf_counter() - t0
    result["seconds"] = round(spent, 3)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def run(tool: str, name: str, timeout: float, memory_gb: float) -> dict[str, Any]:
    """`job` in a subprocess with a time and address-space limit; a failure is reported, not raised."""
    limit = int(memory_gb * 1024**3)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    cmd = [sys.executable, __file__, "--job", tool, name]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=cap, check=False)
    except subprocess.TimeoutExpired:
        return {"status": f"timed out (> {timeout:.0f} s)"}
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        oom = "MemoryError" in proc.stderr or proc.returncode < 0
        status = f"out of memory (> {memory_gb:g} GB)" if oom else f"failed: {tail[0][:80]}"
        return {"status": status, "wall": round(time.perf_counter() - t0, 1)}
    return {"status": "ok", **json.loads(proc.stdout.strip().splitlines()[-1])}


# ---- report --------------------------------------------------------------------------------------


def prf(gold: int, pred: int, hit: int) -> str:
    p = hit / pred if pred else 1.0
    r = hit / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{p:5.2f} {r:5.2f} {f:5.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--job", nargs=2, metavar=("TOOL", "INPUT"), help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per tool and input")
    parser.add_argument("--memory-gb", type=float, default=4.0, help="address-space limit per run")
    parser.add_argument("--only", choices=["misquote", "collatex"], help="run one tool only")
    args = parser.parse_args()
    if args.job:
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(job(*args.job)))
        return
    tools = [args.only] if args.only else ["misquote", "collatex"]
    inputs = [f"fv-{u}" for u in UNITS] + ["darwin-ch1", "origin"]
    results = {(t, i): run(t, i, args.timeout, args.memory_gb) for i in inputs for t in tools}

    n_files = len(list((FV / "2023-variorum-chapters").glob("*.xml")))
    print(f"Accuracy: {FV} — {len(UNITS)} spine units ({UNITS[0]}..{UNITS[-1]}), {n_files} witness chapter files;")
    print(f"  pairs {BASE} against {', '.join(OTHERS)} (fMS only where the unit has it).")
    print(f"  A predicted locus matches a gold locus when their readings overlap (±{TOL} chars) in BOTH")
    print("  witnesses; one-to-one maximum matching; P = matched/predicted, R = matched/gold.")
    print("  words: loci whose readings differ in normalized words (text.normalize), for gold and predicted alike;")
    print("         misquote run with ignore={punctuation, case}.")
    print("  all:   gold apps whose readings differ at all (but whitespace); nothing ignored.")
    header = f"{'unit':5} {'pair':16} {'tool':9} {'gold':>5} {'pred':>5} {'P':>5} {'R':>5} {'F1':>5}   "
    print(header + f"{'gold':>5} {'pred':>5} {'P':>5} {'R':>5} {'F1':>5}  {'sec':>6}")
    print(f"{'':33}{'-- words --':^34}{'-- all --':^30}")
    totals: dict[tuple[str, str], list[int]] = {}
    for unit in UNITS:
        for tool in tools:
            res = results[(tool, f"fv-{unit}")]
            if res["status"] != "ok":
                print(f"{unit:5} {'(all pairs)':16} {tool:9} {res['status']}")
                continue
            for other in OTHERS:
                if other not in res:
                    continue
                w, al = res[other]["words"], res[other]["all"]
                for group in ("print" if other != "fMS" else "manuscript", "all pairs"):
                    acc = totals.setdefault((tool, group), [0] * 6)
                    for k, v in enumerate(w + al):
                        acc[k] += v
                print(
                    f"{unit:5} {BASE + ' v ' + other:16} {tool:9} {w[0]:5} {w[1]:5} {prf(*w)}   "
                    f"{al[0]:5} {al[1]:5} {prf(*al)}  {res['seconds']:6.2f}"
                )
    print("micro totals (print = f1823, fThomas, f1831 against f1818; manuscript = fMS, C08 only):")
    for (tool, group), acc in sorted(totals.items(), key=lambda item: (item[0][1], item[0][0])):
        print(
            f"{'ALL':5} {group:16} {tool:9} {acc[0]:5} {acc[1]:5} {prf(*acc[:3])}   "
            f"{acc[3]:5} {acc[4]:5} {prf(*acc[3:])}"
        )
    print("  (fMS is a draft in diplomatic transcription: words split by <mod>/<lb> markup and <delSpan>")
    print("   ranges are only roughly rebuilt by this benchmark's text extraction.)")

    n_darwin = len([p for p in DARWIN.glob("Ch1-*.json") if "aligned" not in p.name])
    print()
    print(f"Speed and memory (each run in a subprocess; limit {args.timeout:.0f} s, {args.memory_gb:g} GB):")
    print(f"  darwin-ch1: {DARWIN} — {n_darwin} paragraph files, all editions of each collated at once")
    print(
        f"  origin:     {ORIGIN.name}/ 1st (1859, {ORIGIN_1859.stat().st_size:,} B) v 6th (1872, "
        f"{ORIGIN_1872.stat().st_size:,} B), whole books"
    )
    print(f"{'input':12} {'tool':9} {'status':24} {'seconds':>8} {'peak MB':>8}  result")
    for name in [*(f"fv-{u}" for u in UNITS), "darwin-ch1", "origin"]:
        for tool in tools:
            res = results[(tool, name)]
            extra = {k: v for k, v in res.items() if k in ("items", "loci", "columns")}
            print(
                f"{name:12} {tool:9} {res['status']:24} {res.get('seconds', ''):>8} {res.get('peak_mb', ''):>8}  "
                f"{json.dumps(extra) if extra else ''}"
            )
    origin = results[("misquote", "origin")] if "misquote" in tools else {}
    if origin.get("summary"):
        print("\nmisquote summary of the Origin, 1859 v 1872:\n" + origin["summary"])


if __name__ == "__main__":
    main()
