"""Ingest throughput: the bundled archive into a fresh SQLite database, folder by folder (a benchmark).

Data (relative to ../shared): seed, corpora/mia/html, mia/markdown, mia/epub-html, gutenberg/authors,
gutenberg/marxists (about 75 MB). Printed per folder and overall: files, documents added, files refused
(reasons grouped and counted), MB of input, seconds, documents/s, MB/s; then the database size and the
time of a second ingest of the same files (all unchanged, so a no-op).

Target (issue 2): the whole set in under 2 minutes on the 2-core machine.

Run:  .venv/bin/python bench/ingest.py [--db PATH] [--folders mia/html gutenberg/authors ...] [--workers N]
`--db` keeps the database (bench/check.py --db PATH reuses it); without it a temp dir is used and removed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
sys.path.insert(0, str(ROOT / "src"))

from misquote import Archive  # noqa: E402
from misquote.archive import walk  # noqa: E402

FOLDERS: dict[str, Path] = {
    "seed": SHARED / "seed",
    "mia/html": SHARED / "corpora" / "mia" / "html",
    "mia/markdown": SHARED / "corpora" / "mia" / "markdown",
    "mia/epub-html": SHARED / "corpora" / "mia" / "epub-html",
    "gutenberg/authors": SHARED / "corpora" / "gutenberg" / "authors",
    "gutenberg/marxists": SHARED / "corpora" / "gutenberg" / "marxists",
}
TARGET_SECONDS = 120.0


@dataclass
class FolderResult:
    """What ingesting one folder did, and how long it took."""

    name: str
    files: int = 0
    added: int = 0
    unchanged: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    bytes: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    """CPU seconds of this process and its reader processes: comparable when the machine is busy."""

    @property
    def mb(self) -> float:
        return self.bytes / 1e6


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished children (the reader processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def reason_key(reason: str) -> str:
    """A failure reason without its file-specific details, so that like failures group together."""
    return re.sub(r"\d[\d,.]*", "N", reason.split(" (")[0]).strip()


def input_bytes(path: Path) -> tuple[int, int]:
    """The number of content files under `path` (as ingest walks it) and their total size."""
    files, _ = walk([path])
    return len(files), sum(f.stat().st_size for f in files)


def ingest_folders(archive: Archive, names: Sequence[str], *, workers: int | None = None,
                   verbose: bool = False) -> list[FolderResult]:
    """Ingest each named folder of `FOLDERS` in order, timing each one."""
    results: list[FolderResult] = []
    for name in names:
        path = FOLDERS[name]
        result = FolderResult(name)
        result.files, result.bytes = input_bytes(path)
        cpu, start = cpu_seconds(), time.perf_counter()
        report = archive.ingest([path], workers=workers)
        result.seconds = time.perf_counter() - start
        result.cpu = cpu_seconds() - cpu
        result.added = len(report.added) + len(report.new_version)
        result.unchanged = len(report.unchanged)
        result.refused = Counter(reason_key(reason) for _, reason in report.failed)
        results.append(result)
        if verbose:
            print(f"  {name}: {result.added} documents in {result.seconds:.1f} s", file=sys.stderr)
    return results


def build(db: str | os.PathLike[str], names: Sequence[str] | None = None, *, workers: int | None = None,
          verbose: bool = False) -> list[FolderResult]:
    """Ingest the bundled folders (all by default) into the database at `db`; other benches call this."""
    with Archive(db) as archive:
        return ingest_folders(archive, list(names or FOLDERS), workers=workers, verbose=verbose)


def db_size(db: Path) -> int:
    """The database file plus its WAL and shared-memory files, in bytes."""
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())


def print_table(results: list[FolderResult]) -> None:
    """The per-folder table with a total line."""
    total = FolderResult("total", sum(r.files for r in results), sum(r.added for r in results),
                         sum(r.unchanged for r in results), sum((r.refused for r in results), Counter()),
                         sum(r.bytes for r in results), sum(r.seconds for r in results), sum(r.cpu for r in results))
    head = (f"{'folder':<20} {'files':>6} {'docs':>6} {'refused':>7} {'MB':>7} {'s':>7} {'cpu s':>7} {'docs/s':>8} "
            f"{'MB/s':>7}")
    print(head)
    print("-" * len(head))
    for r in [*results, total]:
        if r is total:
            print("-" * len(head))
        docs_s = r.added / r.seconds if r.seconds else 0.0
        mb_s = r.mb / r.seconds if r.seconds else 0.0
        print(f"{r.name:<20} {r.files:>6} {r.added:>6} {sum(r.refused.values()):>7} {r.mb:>7.1f} "
              f"{r.seconds:>7.1f} {r.cpu:>7.1f} {docs_s:>8.1f} {mb_s:>7.2f}")
    if total.refused:
        print("\nrefused files, by reason:")
        for reason, count in total.refused.most_common():
            where = ", ".join(f"{r.name} {r.refused[reason]}" for r in results if r.refused[reason])
            print(f"  {count:>4}  {reason}  ({where})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="keep the database at this path (must not exist yet)")
    parser.add_argument("--folders", nargs="+", choices=list(FOLDERS), default=list(FOLDERS),
                        help="restrict to these folders (default: all)")
    parser.add_argument("--workers", type=int, default=None, help="reader processes (default: the library's)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="misquote-bench-ingest-")
    db = args.db or Path(tmp.name) / "bench.db"
    if db.exists():
        sys.exit(f"{db} exists already: the benchmark ingests into a fresh database; remove it or give another --db")
    print(f"data: {', '.join(args.folders)} (under {SHARED}); cores: {os.cpu_count()}; database: {db}; "
          f"load average at start: {os.getloadavg()[0]:.1f}\n")
    try:
        with Archive(db) as archive:
            results = ingest_folders(archive, args.folders, workers=args.workers)
            stats = archive.stats()
            start = time.perf_counter()
            again = archive.ingest([FOLDERS[n] for n in args.folders], workers=args.workers)
            reingest = time.perf_counter() - start
        print_table(results)
        total_s = sum(r.seconds for r in results)
        mb = sum(r.mb for r in results)
        print(f"\ndatabase: {db_size(db) / 1e6:.1f} MB ({db_size(db) / 1e6 / mb:.2f}x the input); "
              f"{stats.documents} documents, {stats.authors} authors, {stats.paragraphs} paragraphs, "
              f"{stats.notes} notes, {stats.words:,} words")
        print(f"re-ingest of the same files: {reingest:.1f} s, {len(again.unchanged)} unchanged, "
              f"{len(again.added) + len(again.new_version)} added, {len(again.failed)} refused again")
        verdict = "met" if total_s <= TARGET_SECONDS else "NOT met"
        print(f"target: whole set in <= {TARGET_SECONDS:.0f} s on 2 cores: {total_s:.1f} s for {mb:.1f} MB "
              f"({verdict}); CPU time {sum(r.cpu for r in results):.1f} s; load average at the end "
              f"{os.getloadavg()[0]:.1f} (other processes share the cores when it is above 2)")
    finally:
        tmp.cleanup()


if __name__ == "__main__":
    main()
