"""SQLite against PostgreSQL, side by side, same data, same run (a benchmark, not a test).

Data: the seed letter and the Gutenberg books of two authors (`corpora/gutenberg/authors/Wilde_Oscar`
and `Twain_Mark` by default; `--authors` to change). Measured on each backend:
- ingest throughput (MB/s and files/s, one process, fresh database);
- check latency p50/p95 over a fixed set of real quotes: sentences cut from the ingested books
  (verbatim), the same with one word changed (altered), and the same attributed to the other author
  (misattributed), every 29th paragraph; the verdicts must agree between the backends;
- four concurrent `misquote ingest` processes of the same folder into a fresh database: they must end
  with exactly the documents of one ingest;
- the /api/check line of the serve load test `bench/serve.py` (32 clients), run against each backend.

Target (issue 8): check p95 on PostgreSQL within 2x of SQLite.

Run:  MISQUOTE_TEST_PG="$(scripts/pg-test-server)" .venv/bin/python bench/backends.py [--authors A B] [--quotes 150]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
SEED = ROOT.parent / "shared" / "seed" / "sedova-corrections-to-france-soir-1961.txt"
sys.path.insert(0, str(ROOT / "src"))

from misquote import Archive  # noqa: E402
from misquote.store.postgres import scratch_schema  # noqa: E402
from misquote.text import words  # noqa: E402


@contextmanager
def databases(base: str, tmp: Path, name: str) -> Iterator[dict[str, str]]:
    """One fresh database per backend."""
    with scratch_schema(base, "bench") as pg:
        yield {"sqlite": str(tmp / f"{name}.db"), "postgresql": pg}


def quotes(archive: Archive, authors: list[str], every: int, limit: int) -> list[tuple[str, str, str]]:
    """(kind, quote, attributed author): a fixed, repeatable set cut from the archive's own passages."""
    out: list[tuple[str, str, str]] = []
    for n, p in enumerate(archive.store.all_passages()):
        if n % every or p.kind == "note":
            continue
        ws = p.text.split()
        if len(ws) < 16:
            continue
        row = archive.store.doc_rows([p.doc])[p.doc]
        cut = " ".join(ws[3:15])
        if len(words(cut)) < 8:
            continue
        changed = ws[3:15]
        changed[6] = "elephant" if changed[6].lower() != "elephant" else "giraffe"
        other = next((a for a in authors if a != row.author), authors[0])
        out += [
            ("verbatim", cut, row.author),
            ("altered", " ".join(changed), row.author),
            ("misattributed", cut, other),
        ]
        if len(out) >= limit:
            break
    return out[:limit]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def concurrent_ingest(folder: Path, url: str, n: int = 4) -> dict[str, Any]:
    """`n` misquote ingest processes of one folder at once; the documents they leave behind."""
    cmd = [sys.executable, "-m", "misquote.cli", "ingest", str(folder), "--db", url, "--json"]
    start = time.perf_counter()
    runs = [
        subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(n)
    ]
    outs = [r.communicate() for r in runs]
    seconds = time.perf_counter() - start
    errors = [err.strip().splitlines()[-1] for r, (_, err) in zip(runs, outs, strict=True) if r.returncode]
    added = sum(
        json.loads(out.strip().splitlines()[-1])["added"]
        for r, (out, _) in zip(runs, outs, strict=True)
        if r.returncode == 0
    )
    with Archive(url) as a:
        ids = [d["id"] for d in a.documents()]
        versions = a.stats().versions
    return {"seconds": seconds, "errors": errors, "added": added, "ids": ids, "versions": versions}


def serve_hook(url: str, duration: int) -> str | None:
    """The /api/check line of the 32-client load test in bench/serve.py, run against `url`."""
    path = ROOT / "bench" / "serve.py"
    if not path.exists() or duration <= 0:
        return None
    run = subprocess.run(
        [sys.executable, str(path), url, "--duration", str(duration), "--clients", "32"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60 * duration,
    )
    lines = [line.strip() for line in run.stdout.splitlines() if "/api/check" in line]
    if run.returncode or not lines:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"failed (exit {run.returncode}): {tail[0]}"
    return " ".join(lines[0].split())  # the table row (requests, req/s, p50, p99, max, errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors", nargs="+", default=["Wilde_Oscar", "Twain_Mark"])
    parser.add_argument("--quotes", type=int, default=150, help="how many checks per backend")
    parser.add_argument("--serve-duration", type=int, default=10, help="seconds per endpoint; 0 skips it")
    parser.add_argument("--pg", default=os.environ.get("MISQUOTE_BENCH_PG") or os.environ.get("MISQUOTE_TEST_PG"))
    args = parser.parse_args()
    if not args.pg:
        sys.exit('give a PostgreSQL server: MISQUOTE_TEST_PG="$(scripts/pg-test-server)" or --pg URL')

    tmp = Path(tempfile.mkdtemp(prefix="misquote-bench-"))
    folder = tmp / "corpus"
    for author in args.authors:
        shutil.copytree(CORPORA / "gutenberg" / "authors" / author, folder / author)
    shutil.copy(SEED, folder / SEED.name)
    files = sorted(p for p in folder.rglob("*.txt"))
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"data: {len(files)} files, {size_mb:.1f} MB (seed letter + gutenberg/authors/{', '.join(args.authors)})")

    results: dict[str, dict[str, Any]] = {"sqlite": {}, "postgresql": {}}
    verdicts: dict[str, list[str]] = {}
    try:
        with databases(args.pg, tmp, "single") as urls:
            archives = {}
            for backend, url in urls.items():
                archive = Archive(url)
                start = time.perf_counter()
                report = archive.ingest([folder])
                seconds = time.perf_counter() - start
                assert not report.failed, report.failed
                results[backend].update(
                    ingest_s=seconds,
                    mb_s=size_mb / seconds,
                    files_s=len(files) / seconds,
                    documents=archive.stats().documents,
                )
                archives[backend] = archive
            names = [a["name"] for a in archives["sqlite"].authors()]
            fixed = quotes(archives["sqlite"], names, every=29, limit=args.quotes)
            for backend, archive in archives.items():
                for _, quote, author in fixed[:10]:  # warm both the same way (caches, prepared statements)
                    archive.check(quote, author)
                times, answers = [], []
                for _, quote, author in fixed:
                    start = time.perf_counter()
                    answers.append(archive.check(quote, author).verdict)
                    times.append((time.perf_counter() - start) * 1000)
                verdicts[backend] = answers
                results[backend].update(
                    p50=percentile(times, 0.5), p95=percentile(times, 0.95), mean=statistics.fmean(times)
                )
            for archive in archives.values():
                archive.close()
        with databases(args.pg, tmp, "four") as urls:
            for backend, url in urls.items():
                results[backend]["four"] = concurrent_ingest(folder, url)
        with databases(args.pg, tmp, "serve") as urls:
            for backend, url in urls.items():
                with Archive(url) as archive:
                    archive.ingest([folder])
                results[backend]["serve"] = serve_hook(url, args.serve_duration)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lite, pg = results["sqlite"], results["postgresql"]
    agree = sum(a == b for a, b in zip(verdicts["sqlite"], verdicts["postgresql"], strict=True))
    kinds = {k: sum(1 for q in fixed if q[0] == k) for k in ("verbatim", "altered", "misattributed")}

    def four(r: dict[str, Any]) -> str:
        f = r["four"]
        ok = sorted(f["ids"]) == sorted(set(f["ids"])) and len(f["ids"]) == r["documents"] == f["versions"]
        ok = ok and f["added"] == r["documents"] and not f["errors"]
        return f"{'exact' if ok else 'WRONG'}: {len(f['ids'])} docs, {f['seconds']:.1f} s" + (
            f", errors: {f['errors']}" if f["errors"] else ""
        )

    rows = [
        ("ingest (1 process)", f"{lite['ingest_s']:.1f} s", f"{pg['ingest_s']:.1f} s"),
        (
            "  throughput",
            f"{lite['mb_s']:.2f} MB/s, {lite['files_s']:.1f} files/s",
            f"{pg['mb_s']:.2f} MB/s, {pg['files_s']:.1f} files/s",
        ),
        ("documents", str(lite["documents"]), str(pg["documents"])),
        (f"check p50 ({len(fixed)} quotes)", f"{lite['p50']:.1f} ms", f"{pg['p50']:.1f} ms"),
        ("check p95", f"{lite['p95']:.1f} ms", f"{pg['p95']:.1f} ms"),
        ("check mean", f"{lite['mean']:.1f} ms", f"{pg['mean']:.1f} ms"),
        ("4 concurrent ingests", four(lite), four(pg)),
    ]
    serve = [results[b]["serve"] or "not run" for b in ("sqlite", "postgresql")]
    rows.append(("serve /api/check (32 clients)", serve[0], serve[1]))
    width = max(len(r[0]) for r in rows)
    col = max(len(r[1]) for r in rows)
    print(f"\n{'':{width}}  {'SQLite':{col}}  PostgreSQL")
    for name, a, b in rows:
        print(f"{name:{width}}  {a:{col}}  {b}")
    ratio = pg["p95"] / lite["p95"]
    print(f"\ncheck p95 PostgreSQL / SQLite = {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'NOT met'})")
    print(f"verdicts identical on both backends: {agree}/{len(fixed)} (quotes: {kinds})")


if __name__ == "__main__":
    main()
