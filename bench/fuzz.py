"""Long fuzzing and crash runs (not a test): the targets of tests/test_fuzz.py for minutes or hours.

Commands:
  corpus      regenerate the generated seeds of tests/fuzz_corpus/ (hostile inputs, small)
  hypothesis  run the property tests of tests/test_fuzz.py with SCALE times their CI example counts
  atheris     coverage-guided fuzzing (libFuzzer via atheris) of each target, seeded from the corpus
              and from real pages of ../shared/corpora; a crash is minimized into tests/fuzz_corpus/
  kill        SIGKILL ingest, dispute acceptance and reuse runs at random points (see tests/test_crash.py)
  all         everything above, then one summary table

Each run prints a table: inputs per target, seconds, crashes; kills made, survived, data lost.
Memory is bounded with RLIMIT_AS (--memory-mb), so a blow-up is a MemoryError and counts as a crash.

Run:  .venv/bin/python bench/fuzz.py all --minutes 30
      .venv/bin/python bench/fuzz.py atheris --targets read-mia-html extract --seconds 300
      .venv/bin/python bench/fuzz.py kill --kills 50
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

CORPUS = ROOT / "tests" / "fuzz_corpus"


# ---- the seed corpus -------------------------------------------------------------------------------


def _tei(body: str) -> bytes:
    return (f'<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
            f"<title>T</title></titleStmt></fileDesc></teiHeader><text><body>{body}</body></text></TEI>").encode()


def _html(body: str) -> bytes:
    return f"<html><head><title>T</title></head><body>{body}</body></html>".encode()


WORDS = "the tradition of all the dead generations weighs like a nightmare on the brains of the living " * 3

GENERATED: dict[str, dict[str, bytes]] = {
    "read": {
        "deep-div.html": _html("<div>" * 2_000 + WORDS),
        "deep-span.html": _html("<span>" * 2_000 + WORDS + "</span>" * 2_000),
        "deep-blockquote-under-limit.html": _html("<blockquote>" * 400 + WORDS),
        "huge-attribute.html": _html(f'<p title="{"A" * 60_000}">{WORDS}</p>'),
        "unterminated-tags.html": _html("<a " * 5_000),
        "lone-lt.html": _html("<" * 20_000 + WORDS),
        "nul-in-text.txt": b"Title\n\n" + WORDS.encode() + b"\x00" + WORDS.encode(),
        "nul-late.txt": b"Title\n\n" + WORDS.encode() * 40 + b"\x00" * 50,
        "utf16-bom.txt": ("Title\n\n" + WORDS).encode("utf-16"),
        "utf16-odd-length.txt": ("Title\n\n" + WORDS).encode("utf-16")[:-1],
        "mixed-encodings.html": _html("<p>caf\u00e9 \u201cquoted\u201d</p>" + WORDS)
        + "<p>café “quoted” naïve</p>".encode("cp1252") + "<p>Ärger</p>".encode("utf-16-le"),
        "declared-bogus-charset.html": b'<meta charset="x-no-such-codec">' + _html(WORDS),
        "declared-utf16-but-latin1.html": b'<meta charset="utf-16">'
        + _html("na\u00efve " + WORDS).decode().encode("latin-1"),
        "mojibake.txt": ("Title\n\n" + WORDS + " it’s “so”").encode().decode("cp1252", "replace").encode(),
        "control-chars.txt": b"Title\n\n" + bytes(range(1, 32)) * 200,
        "xxe.xml": b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   + _tei(f"<p>&x; {WORDS}</p>").split(b"?>", 1)[1],
        "billion-laughs.xml": b'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa">'
                              + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                                         for i in range(8))
                              + b"]>" + _tei("<p>&i;</p>").split(b"?>", 1)[1],
        "deep-tei.xml": _tei("<div>" * 1_000 + f"<p>{WORDS}</p>" + "</div>" * 1_000),
        "truncated-tei.xml": _tei(f"<p>{WORDS}</p><note n='1'>a note")[:-40],
        "deep-json.json": b"[" * 20_000 + b"]" * 20_000,
        "wrong-types.json": json.dumps({"title": "T", "author": 5, "paragraphs": [{"text": 5}]}).encode(),
        "header-only.txt": b"Title\n\nWritten: 1961\nSource: x\nFirst Published: 1962\n",
        "huge-header-line.txt": b"Title\n\nWritten: 1961\nSource: " + b"x" * 30_000 + b"\n\n" + WORDS.encode(),
        "gutenberg-markers-only.txt": b"The Project Gutenberg eBook of T\n"
        + b"*** START OF THE PROJECT GUTENBERG EBOOK T ***\n" * 100,
        "markdown-deep-quote.md": b"# T\n\n" + b">" * 10_000 + b" " + WORDS.encode(),
        "markdown-brackets.md": b"# T\n\n" + b"[" * 5_000 + b"x" + b"](" * 5_000,
        "crlf-only.txt": b"\r" * 10_000,
    },
    "text": {
        "combining-marks": ("e" + "\u0301" * 5_000 + " a\u200db " * 100).encode(),
        "ellipsis-runs": ("." * 10_000 + " . . . " * 2_000 + "…" * 2_000).encode(),
        "brackets": ("[" * 10_000 + "(i.e. " * 2_000 + "]" * 10_000).encode(),
        "line-break-hyphens": ("a-\n" * 5_000 + "-\r\n \t" * 1_000).encode(),
        "apostrophes": ("a'" * 5_000 + "’`´ʼ" * 1_000).encode(),
        "fullwidth-and-ligatures": ("ｆｕｌｌ ﬁne ǅ ß İ ı ﬀ " * 500).encode(),
    },
    "extract": {
        "unbalanced-quotes.txt": ("\u201c" * 5_000 + " said Marx").encode(),
        "many-short-quotes.txt": ("\u201ca\u201d said Marx. " * 1_500).encode(),
        "dialogue-dashes.txt": ("\n\u2014 a, dit-il" * 1_500).encode(),
        "interview.txt": ("Q: why?\n\nA: \u201cbecause\u201d\n\n" * 2_000).encode(),
        "deep-html-article.html": _html("<div>" * 2_000 + WORDS),
        "nested-quotes.txt": ("\u00ab \u201c \u2018 ' \" " * 1_000 + " said she").encode(),
    },
    "align": {
        "disjoint-short": "s jk t|p \u0527w p".encode(),  # once an IndexError in align._end_substitution
        "one-word-each": b"a|b",
        "repeats": ("the " * 500 + "|" + "the " * 3_000).encode(),
        "empty-source": b"a b c|",
    },
    "collate": {
        "control-chars": ("war \x00 and \x0b peace\x1ewar and \x01 peace \ud800".encode("utf-8", "surrogatepass")),
        "xml-special": b"<&> war\x1e<&>> peace\x1e]]> war",
        "one-witness": b"only one",
        "identical-empty": b"\x1e",
        "reordered": ("a b c d e f g h " * 200 + "\x1e" + "h g f e d c b a " * 200).encode(),
    },
    "query": {
        "only-ellipses": b"... ... [...] (...) \xe2\x80\xa6",
        "editorial-only": b"[Trotsky] (i.e. myself) (sic) [a] [b]",
        "long-quote": b"word " * 4_001,
        "brackets-unbalanced": b"[[[ a b c ]]] ( ( ( d e f",
    },
}
"""Hostile inputs by target, written by `write_corpus` (the crash reproducers sit beside them)."""


def write_corpus() -> int:
    """(Re)write the generated seeds; leaves crash-* files (found inputs) alone. Returns bytes written."""
    from tests.test_fuzz import TARGETS

    total = 0
    for target, files in GENERATED.items():
        assert target in TARGETS, target
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
            total += len(data)
    for target in TARGETS:  # every target gets a corpus folder, seeded at least with the reader inputs
        folder = CORPUS / target
        if not folder.is_dir():
            folder.mkdir(parents=True)
            for name in ("deep-div.html", "huge-attribute.html", "nul-in-text.txt", "utf16-odd-length.txt"):
                data = GENERATED["read"][name][:8_000]
                (folder / name).write_bytes(data)
                total += len(data)
    return total


# ---- hypothesis at scale ---------------------------------------------------------------------------


def run_hypothesis(scale: float) -> tuple[dict[str, int], float, list[str]]:
    """Run tests/test_fuzz.py's property tests `scale` times longer; inputs per target, seconds, failures."""
    env = dict(os.environ, MISQUOTE_FUZZ_SCALE=str(scale), PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    counts_file = Path(tempfile.mkstemp(suffix=".json")[1])
    code = (
        "import collections, json, sys, pytest\n"
        "code = pytest.main(['-q', '-p', 'no:cacheprovider', 'tests/test_fuzz.py', '-k', "
        "'not corpus and not refused and not limit and not nesting'])\n"
        "calls = collections.Counter()\n"
        "for module in {id(m): m for n, m in list(sys.modules.items()) if n.endswith('test_fuzz')}.values():\n"
        "    calls.update(getattr(module, 'CALLS', {}))\n"
        f"open({str(counts_file)!r}, 'w').write(json.dumps(calls))\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    counts = json.loads(counts_file.read_text() or "{}")
    counts_file.unlink()
    failures = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    if proc.returncode not in (0, 5) and not failures:
        failures = [proc.stdout[-2000:] + proc.stderr[-2000:]]
    return counts, seconds, failures


# ---- atheris ---------------------------------------------------------------------------------------

REAL_SEEDS = 40
"""Real pages per reader target copied into atheris's scratch corpus (a temp folder, never the repo)."""


def _atheris_worker(target: str, seconds: int, work: Path, memory_mb: int) -> None:
    """Run inside a subprocess: libFuzzer over one target until `seconds` have passed."""
    import atheris

    with atheris.instrument_imports():
        import misquote.align
        import misquote.check
        import misquote.collate
        import misquote.extract
        import misquote.ingest
        import misquote.text  # noqa: F401
    from misquote.errors import MisquoteError
    from tests.test_fuzz import TARGETS

    fn = TARGETS[target]

    def one_input(data: bytes) -> None:
        with contextlib.suppress(MisquoteError):
            fn(data)

    seeds = work / "seeds"
    atheris.Setup(
        [sys.argv[0], str(seeds), f"-max_total_time={seconds}", "-timeout=20", f"-rss_limit_mb={memory_mb}",
         f"-artifact_prefix={work}/", "-max_len=200000", "-print_final_stats=1"],
        one_input,
    )
    atheris.Fuzz()


def _scratch_seeds(target: str, work: Path) -> None:
    from tests.test_fuzz import SEEDS

    seeds = work / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for path in (CORPUS / target).glob("*"):
        (seeds / path.name).write_bytes(path.read_bytes()[:200_000])
    if target.startswith(("read", "extract")):
        for i, path in enumerate(SEEDS[:REAL_SEEDS]):
            (seeds / f"real-{i}").write_bytes(path.read_bytes()[:200_000])


def run_atheris(target: str, seconds: int, memory_mb: int) -> tuple[int, float, list[str]]:
    """Fuzz one target; inputs run, seconds, and the crash files saved into tests/fuzz_corpus/<target>/."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _scratch_seeds(target, work)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "_atheris", target, str(seconds), str(work), str(memory_mb)],
            cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        elapsed = time.perf_counter() - started
        runs = [int(m) for m in re.findall(r"stat::number_of_executed_units:\s*(\d+)", proc.stderr)]
        if not runs:
            runs = [int(m) for m in re.findall(r"Done (\d+) runs", proc.stderr)] or [0]
        crashes = []
        for artifact in sorted(work.glob("crash-*")) + sorted(work.glob("timeout-*")) + sorted(work.glob("oom-*")):
            data = artifact.read_bytes()
            name = f"{artifact.name.split('-')[0]}-{hashlib.sha1(data).hexdigest()[:12]}"
            (CORPUS / target / name).write_bytes(data[:100_000])
            crashes.append(f"{target}: {name}: {_last_error(proc.stderr)}")
        return runs[-1], elapsed, crashes


def _last_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if re.match(r"^\w+(Error|Exception|Hang)\b", line)]
    return lines[-1] if lines else stderr.strip().splitlines()[-1] if stderr.strip() else "?"


# ---- kills -----------------------------------------------------------------------------------------


def run_kills(kills: int, log: Callable[[str], None]) -> dict[str, tuple[int, int, int]]:
    """SIGKILL each crash target `kills` times; per target (kills made, survived, documents lost)."""
    from tests.test_crash import KILL_TARGETS, kill_rounds

    out = {}
    for name in KILL_TARGETS:
        with tempfile.TemporaryDirectory() as tmp:
            result = kill_rounds(name, kills, Path(tmp), seed=kills)
        out[name] = (result.kills, result.survived, result.lost)
        log(f"kill {name}: {result.kills} kills ({result.mid_work} with the work part done), {result.survived} "
            f"survived, {result.lost} lost, {result.completed_early} runs finished before their kill, "
            f"{result.seconds:.0f} s")
    return out


# ---- main ------------------------------------------------------------------------------------------


def _limit_memory(memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, resource.RLIM_INFINITY))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_atheris":
        target, seconds, work, memory_mb = argv[1], int(argv[2]), Path(argv[3]), int(argv[4])
        _atheris_worker(target, seconds, work, memory_mb)
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["corpus", "hypothesis", "atheris", "kill", "all"])
    parser.add_argument("--scale", type=float, default=40, help="hypothesis: times the CI example counts")
    parser.add_argument("--targets", nargs="*", help="atheris: targets (default: all)")
    parser.add_argument("--seconds", type=int, default=60, help="atheris: seconds per target")
    parser.add_argument("--minutes", type=float, help="all: split this many minutes of atheris over the targets")
    parser.add_argument("--kills", type=int, default=50, help="kill: SIGKILLs per target")
    parser.add_argument("--memory-mb", type=int, default=3072, help="address-space limit of fuzzed processes")
    args = parser.parse_args(argv)

    from tests.test_fuzz import TARGETS

    log = lambda line: print(line, flush=True)  # noqa: E731
    rows: list[tuple[str, str, int, float, int]] = []
    crashes: list[str] = []
    if args.command in ("corpus", "all"):
        log(f"corpus: {write_corpus():,} bytes of generated seeds in {CORPUS}")
    if args.command in ("hypothesis", "all"):
        _limit_memory(args.memory_mb * 2)  # the parent holds pytest too; the children inherit it
        counts, seconds, failures = run_hypothesis(args.scale)
        for target, n in sorted(counts.items()):
            rows.append(("hypothesis", target, n, seconds, 0))
        crashes += failures
        log(f"hypothesis x{args.scale}: {sum(counts.values()):,} inputs in {seconds:.0f} s, {len(failures)} failures")
    if args.command in ("atheris", "all"):
        targets = args.targets or list(TARGETS)
        seconds = int(args.minutes * 60 / len(targets)) if args.minutes else args.seconds
        for target in targets:
            n, elapsed, found = run_atheris(target, seconds, args.memory_mb)
            rows.append(("atheris", target, n, elapsed, len(found)))
            crashes += found
            log(f"atheris {target}: {n:,} inputs in {elapsed:.0f} s, {len(found)} crashes")
    kills: dict[str, tuple[int, int, int]] = {}
    if args.command in ("kill", "all"):
        kills = run_kills(args.kills, log)

    if rows:
        print("\n| engine | target | inputs | seconds | crashes |\n| --- | --- | ---: | ---: | ---: |")
        for engine, target, n, secs, c in rows:
            print(f"| {engine} | {target} | {n:,} | {secs:.0f} | {c} |")
    if kills:
        print("\n| kill target | kills | survived | documents lost |\n| --- | ---: | ---: | ---: |")
        for name, (made, survived, lost) in kills.items():
            print(f"| {name} | {made} | {survived} | {lost} |")
    for crash in crashes:
        print("CRASH", crash)
    failed = crashes or any(s != m or lost for m, s, lost in kills.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
