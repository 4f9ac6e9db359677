"""Load test of the HTTP server: 32 concurrent clients for 30 s per endpoint, on loopback.

Starts `misquote serve` on the given archive (the full bundled archive is the intended one) on a free
loopback port, then drives it with an async httpx client: each of `--clients` coroutines sends one
request after another until `--duration` seconds have passed or `--max-requests` were sent (a bounded
load). Endpoints, each measured on its own:

- baseline        GET /static/app.css: the server and client overhead alone (the ceiling)
- /api/check      POST {"quote", "author"}: distinct quotes sampled from the archive (seeded), a third
                  with a word changed and a sixth attributed to someone else, so the verdicts vary;
                  each is sent once before any repeats, so the server's verdict cache rarely helps
- document page   GET /documents/{id}: the HTML page of documents sampled from the archive

Printed: requests, requests/s, p50 / p99 / max latency, errors (non-200 answers or failed requests;
must be 0). Target: p99 under 100 ms for /api/check. The client shares the machine with the server.

Build the archive and run:
    misquote ingest ../shared/seed ../shared/corpora/{mia/html,mia/markdown,mia/epub-html,gutenberg/authors,\
gutenberg/marxists} --db full.db && misquote dispute detect --accept --db full.db
    .venv/bin/python bench/serve.py full.db [--duration 30] [--clients 32] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote as url_quote

import httpx

from misquote import Archive
from misquote.text import tokens


@dataclass
class Result:
    """Latencies (seconds) of the answered requests and the count of errors, for one endpoint."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    issued: int = 0
    """Requests sent, warm-up included."""

    def row(self) -> str:
        lat = sorted(self.latencies)
        n = len(lat)

        def pct(p: float) -> float:
            return lat[min(n - 1, int(p * n))] * 1000 if n else float("nan")

        rate = (n + self.errors) / self.seconds if self.seconds else 0.0
        return (f"| {self.name:<16} | {n + self.errors:>8} | {rate:>8.1f} | {pct(0.5):>8.1f} | {pct(0.99):>8.1f} "
                f"| {(lat[-1] * 1000 if n else float('nan')):>8.1f} | {self.errors:>6} |")


HEADER = ("| endpoint         | requests |    req/s | p50 (ms) | p99 (ms) | max (ms) | errors |\n"
          "|------------------|---------:|---------:|---------:|---------:|---------:|-------:|")


def sample_workload(db: str, n_checks: int, n_docs: int, seed: int = 0) -> tuple[list[dict[str, str]], list[str]]:
    """Check requests and document ids drawn from the archive itself, reproducibly."""
    rng = random.Random(seed)
    with Archive(db, create=False) as archive:
        rows = archive.documents()
        authors = sorted({r["author"] for r in rows})
        small = [r for r in rows if r["format"] not in ("gutenberg",)]  # books are slow to load for sampling
        picked = rng.sample(small, min(len(small), 300))
        checks: list[dict[str, str]] = []
        for row in picked:
            doc = archive.document(row["id"])
            if doc is None:
                continue
            paras = [p for p in doc.paragraphs if p.kind == "text" and len(tokens(p.text)) >= 20]
            for p in rng.sample(paras, min(len(paras), 12)):
                toks = tokens(p.text)
                length = rng.randint(8, 16)
                i = rng.randrange(0, len(toks) - length)
                words = p.text[toks[i].start : toks[i + length - 1].end].split()
                author = doc.author
                kind = rng.random()
                if kind < 1 / 3:
                    words[rng.randrange(len(words))] = rng.choice(["never", "always", "people", "state"])
                elif kind < 0.5 and len(authors) > 1:
                    author = rng.choice([a for a in authors if a != doc.author])
                checks.append({"quote": " ".join(words), "author": author})
    rng.shuffle(checks)
    checks = list({(c["quote"], c["author"]): c for c in checks}.values())
    return checks[:n_checks], [r["id"] for r in picked[:n_docs]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`misquote serve` in a subprocess, read-only, once it answers."""
    env = {k: v for k, v in os.environ.items() if k != "MISQUOTE_ADMIN_TOKEN"}
    cmd = [sys.executable, "-m", "misquote.cli", "serve", "--db", db, "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 60 s")


async def drive(
    base: str, name: str, make: Any, clients: int, duration: float, cap: int, warmup: float
) -> Result:
    """`clients` closed-loop clients sending `make(i)` requests for `duration` s (after a warm-up)."""
    result = Result(name)
    sent = issued = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one(i: int, record: bool) -> None:
            method, url, body = make(i)
            t0 = time.perf_counter()
            try:
                r = await client.request(method, url, json=body)
                ok = r.status_code == 200
                why = f"{r.status_code} {r.text[:120]}"
            except httpx.HTTPError as exc:
                ok, why = False, f"{type(exc).__name__}: {exc}"
            if not record:
                return
            if ok:
                result.latencies.append(time.perf_counter() - t0)
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(why)

        async def loop(until: float, record: bool) -> None:
            nonlocal sent, issued
            while time.perf_counter() < until and (not record or sent < cap):
                sent += record
                issued += 1  # one index for every request, warm-up included: no quote is sent twice early
                await one(issued, record)

        until = time.perf_counter() + warmup
        await asyncio.gather(*(loop(until, False) for _ in range(clients)))
        start = time.perf_counter()
        await asyncio.gather(*(loop(start + duration, True) for _ in range(clients)))
        result.issued = issued
        result.seconds = time.perf_counter() - start
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", help="the archive to serve (the full bundled archive)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per endpoint")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap on requests per endpoint")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unrecorded load first")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--url", help="drive an already running server instead of starting one")
    args = parser.parse_args()

    t0 = time.perf_counter()
    checks, doc_ids = sample_workload(args.db, 20_000, 40)
    with Archive(args.db, create=False) as archive:
        stats = archive.stats()
    print(f"archive {args.db}: {stats.documents} documents, {stats.authors} authors, {stats.words:,} words; "
          f"workload: {len(checks)} distinct quotes, {len(doc_ids)} document pages "
          f"(sampled in {time.perf_counter() - t0:.1f}s)")
    proc = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        port = free_port()
        proc = start_server(args.db, port, args.workers)
        base = f"http://127.0.0.1:{port}"
    print(f"server {base} ({args.workers} worker{'s' if args.workers > 1 else ''}), {args.clients} clients, "
          f"{args.duration:.0f} s per endpoint, cap {args.max_requests:,} requests, cpus {os.cpu_count()}")
    endpoints = [
        ("baseline (css)", lambda i: ("GET", "/static/app.css", None)),
        ("/api/check", lambda i: ("POST", "/api/check", checks[i % len(checks)])),
        ("document page", lambda i: ("GET", f"/documents/{url_quote(doc_ids[i % len(doc_ids)], safe='')}", None)),
    ]
    results = []
    try:
        for name, make in endpoints:
            results.append(asyncio.run(
                drive(base, name, make, args.clients, args.duration, args.max_requests, args.warmup)))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    print(HEADER)
    for r in results:
        print(r.row())
    for r in results:
        for sample in r.error_samples:
            print(f"error on {r.name}: {sample}")
    check = next(r for r in results if r.name == "/api/check")
    p99 = sorted(check.latencies)[int(0.99 * len(check.latencies))] * 1000 if check.latencies else float("nan")
    verdict = "met" if p99 < 100 and check.errors == 0 else "NOT met"
    repeats = max(0, check.issued - len(checks))
    print(f"/api/check sent {check.issued} requests (warm-up included) over {len(checks)} distinct quotes: "
          f"{repeats} repeats could hit the verdict cache")
    print(f"target p99 < 100 ms for /api/check with 0 errors: {verdict} (p99 {p99:.1f} ms, {check.errors} errors)")


if __name__ == "__main__":
    main()
