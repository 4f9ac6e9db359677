"""Benchmark: text-reuse alignment on the PAN13 text-alignment training corpus, and an archive-wide run.

    .venv/bin/python bench/reuse.py                      # all 5,185 pairs of ../shared/corpora/reuse/pan13-train
    .venv/bin/python bench/reuse.py --limit 200          # the first 200 pairs of each class folder
    .venv/bin/python bench/reuse.py --archive misquote.db [--spark]   # reuse over an archive database

Prints PAN's measures (precision, recall, granularity, PlagDet; Potthast et al. 2010, as implemented
in `misquote.pan`) overall and per obfuscation class, the no-plagiarism pairs with any detection and
the time, for misquote and, in the same run, a baseline: exact word 8-grams merged into passages.
The parameters (`reuse.PAN`) were tuned on this same training corpus, the only one at hand: the
figures are training figures, optimistic compared with the PAN test corpora.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

from misquote import pan
from misquote.reuse import cluster
from misquote.text import tokens

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "reuse" / "pan13-train"
CLASSES = {
    "01-no-plagiarism": "no plagiarism",
    "02-no-obfuscation": "none",
    "03-random-obfuscation": "random",
    "04-translation-obfuscation": "translation",
    "05-summary-obfuscation": "summary",
}


def baseline(susp: str, src: str, n: int = 8, gap: int = 10, min_words: int = 25) -> list[tuple[int, int, int, int]]:
    """Exact word 8-grams of the shared normalizer, chained into passages when less than 10 words apart."""
    a, b = tokens(susp), tokens(src)
    where: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(b) - n + 1):
        where.setdefault(tuple(t.norm for t in b[j : j + n]), []).append(j)
    seeds = [
        (i, i + n, j, j + n)
        for i in range(len(a) - n + 1)
        for j in where.get(tuple(t.norm for t in a[i : i + n]), [])[:5]
    ]
    out = []
    for group in cluster(sorted(seeds), gap):
        a0, a1 = min(s[0] for s in group), max(s[1] for s in group)
        b0, b1 = min(s[2] for s in group), max(s[3] for s in group)
        if min(a1 - a0, b1 - b0) >= min_words:
            out.append((a[a0].start, a[a1 - 1].end, b[b0].start, b[b1 - 1].end))
    return out


def run(name: str, detector: pan.Detector | None, truth: dict, workers: int) -> dict[str, object]:
    pairs = [pair for items in truth.values() for pair, _ in items]
    started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    found = pan.detect_corpus(pairs, CORPUS / "src", CORPUS / "susp", workers=workers, detector=detector)
    seconds = time.perf_counter() - started
    # CPU time of the worker processes: the wall clock depends on whatever else the machine runs
    rows: dict[str, object] = {"seconds": seconds, "cpu": resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - cpu}
    all_cases, all_dets = [], []
    for folder, items in truth.items():
        cases = [c for _, cs in items for c in cs]
        dets = [d for pair, _ in items for d in found[pair]]
        all_cases += cases
        all_dets += dets
        if folder == "01-no-plagiarism":
            clean = sum(1 for pair, _ in items if not found[pair])
            rows["no-plagiarism pairs without detection"] = (clean, len(items))
        else:
            rows[CLASSES[folder]] = pan.evaluate(cases, dets)
    rows["overall"] = pan.evaluate(all_cases, all_dets)
    return rows


def pan_table(limit: int | None, workers: int) -> None:
    truth = pan.read_truth(CORPUS)
    if limit:
        truth = {k: v[:limit] for k, v in truth.items()}
    n_pairs = sum(len(v) for v in truth.values())
    print(f"PAN13 text-alignment training corpus: {CORPUS}  ({n_pairs} pairs, {workers} processes)")
    print("parameters tuned on this same training corpus: training figures, not a held-out score\n")
    results = {
        "misquote": run("misquote", None, truth, workers),
        "baseline 8-gram": run("baseline", baseline, truth, workers),
    }
    print(f"{'class':<14} {'system':<16} {'cases':>6} {'prec':>6} {'rec':>6} {'gran':>6} {'plagdet':>8}")
    for cls in ("none", "random", "translation", "summary", "overall"):
        for system, rows in results.items():
            s = rows[cls]
            assert isinstance(s, pan.Scores)
            print(f"{cls:<14} {system:<16} {s.cases:>6} {s.precision:>6.3f} {s.recall:>6.3f} "
                  f"{s.granularity:>6.3f} {s.plagdet:>8.3f}")
    print()
    for system, rows in results.items():
        clean, total = rows["no-plagiarism pairs without detection"]  # type: ignore[misc]
        print(f"{system:<16} no-plagiarism pairs without any detection: {clean}/{total} ({clean / total:.1%}); "
              f"wall time {rows['seconds']:.1f} s, worker CPU time {rows['cpu']:.1f} s "
              f"(load average at the end {os.getloadavg()[0]:.1f})")


class TreeUsage:
    """Peak resident memory and CPU time of this process and all its descendants (a Spark JVM and its Python
    workers), sampled from /proc while a run goes on: the CPU time says what the run cost whatever else the
    machine was doing."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval, self.peak = interval, 0
        self._cpu: dict[int, float] = {}
        self._start = self._tree()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeUsage:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu(self) -> float:
        """CPU seconds used since the start (a process that ended between two samples loses its last slice)."""
        return sum(seconds - self._start.get(pid, 0.0) for pid, seconds in self._cpu.items())

    def _sample(self) -> None:
        while True:
            rss, cpu = self._tree()
            self.peak = max(self.peak, rss)
            for pid, seconds in cpu.items():
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), seconds)
            if self._stop.wait(self.interval):
                return

    @staticmethod
    def _tree() -> tuple[int, dict[int, float]]:
        """Resident bytes of this process and its descendants, and the CPU seconds of each."""
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        cpu: dict[int, float] = {}
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            pid = int(stat.parent.name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * resource.getpagesize()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
        total, todo, mine = 0, [os.getpid()], {}
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            mine[pid] = cpu.get(pid, 0.0)
            todo += children.get(pid, [])
        return total, mine


def archive_run(db: str, spark: bool, master: str | None, min_words: int) -> None:
    """Reuse over a whole archive database with the local engine and, with `spark`, the Spark engine on the same
    input: time, counts, peak memory, and whether the two found exactly the same pairs and clusters.

    The engines are called as `Archive.reuse` calls them, without saving the clusters: the database is only read.
    """
    from misquote import Archive, reuse
    from misquote import spark as spark_engine

    with Archive(db, create=False) as archive:
        stats = archive.stats()
        print(f"archive {db}: {stats.documents} documents, {stats.words:,} words; {os.cpu_count()} cores\n")
        runs: dict[str, reuse.ReuseResult] = {}
        engines = {"local": lambda: reuse.find_reuse(archive.store, min_words=min_words)}
        if spark:
            engines["spark"] = lambda: spark_engine.find_reuse(archive.store, master=master, min_words=min_words)
        print(f"{'engine':<7} {'wall s':>7} {'CPU s':>7} {'candidate pairs':>16} {'doc pairs w/ reuse':>19} "
              f"{'passage pairs':>14} {'clusters':>9} {'peak MB':>8}  stage seconds")
        for name, run in engines.items():
            started = time.perf_counter()
            with TreeUsage() as usage:
                result = run()
            seconds = time.perf_counter() - started
            s = result.stats
            stages = ", ".join(f"{k} {v:.1f}" for k, v in s["seconds"].items() if k != "total")
            print(f"{name:<7} {seconds:>7.1f} {usage.cpu:>7.1f} {s['candidate_pairs']:>16,} "
                  f"{s['document_pairs_with_reuse']:>19,} {s['passage_pairs']:>14,} {s['clusters']:>9,} "
                  f"{usage.peak / 2**20:>8,.0f}  {stages}")
            runs[name] = result
        print(f"\nload average at the end {os.getloadavg()[0]:.1f} (other processes share the cores when above 2)")
        if spark:
            local, remote = runs["local"].to_dict(), runs["spark"].to_dict()
            same = local["pairs"] == remote["pairs"] and local["clusters"] == remote["clusters"]
            print(f"local and Spark results identical (pairs and clusters): {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="pairs per class folder (default: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--archive", help="run reuse over this archive database instead of PAN")
    parser.add_argument("--spark", action="store_true", help="with --archive: also run the Spark engine")
    parser.add_argument("--master", help="Spark master (default local[*])")
    parser.add_argument("--min-words", type=int, default=15, help="with --archive: shortest passage reported")
    args = parser.parse_args()
    if args.archive:
        archive_run(args.archive, args.spark, args.master, args.min_words)
    else:
        pan_table(args.limit, args.workers)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
