"""The `misquote` command line: thin commands over the library, printing through `render`.

Exit codes: 0 when a command ran (whatever the verdict), 2 for a usage or input error with a
message on stderr saying what to fix, 1 for an internal failure (a bug; traceback with --debug).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from misquote import render
from misquote.archive import Archive
from misquote.errors import MisquoteError, QueryError

app = typer.Typer(
    help="misquote: an archive of primary sources, and the engine that tells whether a quote is really theirs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
dispute_app = typer.Typer(help="Record and list people's denials of words attributed to them.", no_args_is_help=True)
app.add_typer(dispute_app, name="dispute")

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="MISQUOTE_DB", help="Database: a file path, sqlite:///path or postgresql://..."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
_state = {"debug": False}


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False) -> None:
    _state["debug"] = debug


def open_archive(db: str | None, *, create: bool = False) -> Archive:
    """The archive at `db` (default ./misquote.db); commands that only read refuse a missing file."""
    return Archive(db, create=create)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (read recursively).")],
    db: DbOption = None,
    format: Annotated[
        str | None, typer.Option("--format", help="Reader to use instead of sniffing (see --help of show).")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Read archive pages, TEI, Markdown, Gutenberg and plain text into the archive.

    Example:  misquote ingest ../shared/seed ../shared/corpora/mia/html
    """
    with open_archive(db, create=True) as archive, render.ingest_progress(enabled=not json_out) as progress:
        report = archive.ingest(paths, format=format, progress=progress)
    render.ingest_report(report, as_json=json_out)


@app.command()
def show(doc_id: str, db: DbOption = None, json_out: JsonOption = False,
         version: Annotated[int | None, typer.Option(help="A version other than the current one.")] = None) -> None:
    """Show a document: provenance header, paragraphs with anchors, footnotes, editorial notes."""
    with open_archive(db) as archive:
        doc = archive.document(doc_id, version)
        if doc is None:
            raise QueryError(f"no document {doc_id!r} in the archive: list them with misquote documents")
        render.document(doc, archive.versions(doc_id), as_json=json_out)


@app.command()
def authors(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List the authors in the archive with their number of documents."""
    with open_archive(db) as archive:
        render.authors(archive.authors(), as_json=json_out)


@app.command()
def documents(
    db: DbOption = None,
    author: Annotated[str | None, typer.Option("--author", help="Only this author's documents.")] = None,
    json_out: JsonOption = False,
) -> None:
    """List the documents in the archive."""
    with open_archive(db) as archive:
        render.documents(archive.documents(author), as_json=json_out)


@app.command()
def stats(db: DbOption = None, json_out: JsonOption = False) -> None:
    """Count what the archive holds: documents, authors, paragraphs, notes, words, disputes."""
    with open_archive(db) as archive:
        render.stats(archive.stats(), as_json=json_out)


@app.command()
def search(
    q: Annotated[str, typer.Argument(help="Words to find (plain words; see --raw).")],
    db: DbOption = None,
    author: Annotated[str | None, typer.Option("--author")] = None,
    limit: Annotated[int, typer.Option("--limit")] = 20,
    raw: Annotated[bool, typer.Option("--raw", help="Pass the query to SQLite FTS5 as query syntax.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Full-text search with keyword-in-context snippets."""
    with open_archive(db) as archive:
        render.search_hits(archive.search(q, author=author, limit=limit, raw=raw), as_json=json_out)


@app.command()
def export(
    doc_id: str,
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="json | tei | csl-json | bibtex")] = "json",
) -> None:
    """Export a document as JSON, TEI P5, CSL-JSON or BibTeX."""
    from misquote import export as exporters

    formats = {
        "json": exporters.to_json,
        "tei": exporters.to_tei,
        "csl-json": lambda d: json.dumps(exporters.to_csl_json(d), ensure_ascii=False, indent=2),
        "bibtex": exporters.to_bibtex,
    }
    if format not in formats:
        raise QueryError(f"unknown export format {format!r}: use one of {', '.join(formats)}")
    with open_archive(db) as archive:
        doc = archive.document(doc_id)
        if doc is None:
            raise QueryError(f"no document {doc_id!r} in the archive: list them with misquote documents")
        typer.echo(formats[format](doc))


@app.command()
def check(
    quote: Annotated[str | None, typer.Argument(help="The quoted words.")] = None,
    author: Annotated[str | None, typer.Option("--author", help="Who the words are attributed to.")] = None,
    batch: Annotated[
        Path | None, typer.Option("--batch", help='JSONL file: {"id", "quote", "author"} per line.')
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Tell whether AUTHOR wrote QUOTE, with the evidence.

    Example:  misquote check "the tradition of all dead generations" --author "Karl Marx"
    """
    with open_archive(db) as archive:
        if batch is not None:
            if quote is not None:
                raise QueryError("give either a QUOTE or --batch FILE, not both")
            render.batch(archive.check_batch(_read_lines(batch)), as_json=True)
            return
        if quote is None or author is None:
            raise QueryError('give a quote and --author, e.g. misquote check "..." --author "Karl Marx"')
        render.verdict(archive.check(quote, author), as_json=json_out)


@app.command("check-article")
def check_article(
    file: Annotated[Path, typer.Argument(help="The article: plain text, HTML or Markdown ('-' for stdin).")],
    db: DbOption = None,
    lang: Annotated[str, typer.Option("--lang", help="en | fr | auto")] = "auto",
    json_out: JsonOption = False,
    html: Annotated[bool, typer.Option("--html", help="Print a self-contained HTML report.")] = False,
    claimreview: Annotated[bool, typer.Option("--claimreview", help="Print schema.org ClaimReview JSON-LD.")] = False,
    url: Annotated[str | None, typer.Option("--url", help="Where the article was published.")] = None,
) -> None:
    """Find every quotation in an article, who said it, and check each one.

    Example:  misquote check-article examples/article-en.txt
    """
    if lang not in ("en", "fr", "auto"):
        raise QueryError(f"unknown language {lang!r}: use en, fr or auto")
    if sum([json_out, html, claimreview]) > 1:
        raise QueryError("choose one of --json, --html, --claimreview")
    if str(file) == "-":
        data: bytes = sys.stdin.buffer.read()
    else:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise QueryError(f"cannot read the article {file}: {exc.strerror or exc}") from exc
    with open_archive(db) as archive:
        report = archive.check_article(data, lang=lang, url=url)
    render.article(report, as_json=json_out, html=html, claimreview=claimreview)


@app.command()
def collate(
    witnesses: Annotated[list[str], typer.Argument(help="Document ids of the archive or files, two or more.")],
    db: DbOption = None,
    base: Annotated[str | None, typer.Option("--base", help="Label of the base witness (default: the first).")] = None,
    labels: Annotated[str | None, typer.Option("--labels", help="Comma-separated labels, one per witness.")] = None,
    ignore: Annotated[str, typer.Option("--ignore", help="Variant types to hide: spelling,punctuation,case")] = "",
    json_out: JsonOption = False,
    with_text: Annotated[bool, typer.Option("--with-text", help="With --json: include each witness's text.")] = False,
    tei: Annotated[bool, typer.Option("--tei", help="TEI P5 parallel segmentation.")] = False,
    html: Annotated[bool, typer.Option("--html", help="A side-by-side reading view.")] = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="What each witness cut, added, changed, in words (the default).")
    ] = False,
) -> None:
    """Collate editions: what each witness cut, added or changed against the base.

    Example:  misquote collate origin-1859.txt origin-1872.txt --labels 1859,1872 --summary
    """
    from misquote.collate import collate as run_collate

    if sum([json_out, tei, html, summary]) > 1:
        raise QueryError("choose one of --json, --tei, --html, --summary")
    names = [x.strip() for x in labels.split(",")] if labels else [None] * len(witnesses)
    if len(names) != len(witnesses):
        raise QueryError(f"--labels has {len(names)} labels for {len(witnesses)} witnesses")
    with open_archive(db, create=True) as archive:
        texts = [archive.witness(ref, name) for ref, name in zip(witnesses, names, strict=True)]
    for i, w in enumerate(texts):  # two editions of the same year still need distinct labels
        if [x.label for x in texts].count(w.label) > 1:
            w.label = f"{w.label}-{i + 1}"
    apparatus = run_collate(texts, base=base, ignore={x.strip() for x in ignore.split(",") if x.strip()})
    render.apparatus(apparatus, as_json=json_out, with_text=with_text, tei=tei, html=html)


def _read_lines(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read the batch file {path}: {exc}") from exc


@dispute_app.command("add")
def dispute_add(
    author: Annotated[str, typer.Option("--author", help="The person who denied the words.")],
    quote: Annotated[str, typer.Option("--quote", help="The words they denied.")],
    published_in: Annotated[str, typer.Option("--published-in", help="Where the words were attributed to them.")],
    date: Annotated[str | None, typer.Option("--date", help="When (ISO date).")] = None,
    rebuttal: Annotated[str | None, typer.Option("--rebuttal", help="DOC_ID or DOC_ID#pN of the denial.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Record a person's denial of words attributed to them."""
    with open_archive(db) as archive:
        dispute = archive.add_dispute(author, quote, published_in, date=date, rebuttal=rebuttal)
        render.disputes([dispute], as_json=json_out)


@dispute_app.command("list")
def dispute_list(
    db: DbOption = None,
    author: Annotated[str | None, typer.Option("--author")] = None,
    json_out: JsonOption = False,
) -> None:
    """List the disputes on record."""
    with open_archive(db) as archive:
        render.disputes(archive.disputes(author), as_json=json_out)


@dispute_app.command("detect")
def dispute_detect(
    db: DbOption = None,
    accept: Annotated[bool, typer.Option("--accept", help="Store the proposals as disputes.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Find published denials ("these were certainly not my words") in the archive and propose disputes."""
    with open_archive(db) as archive:
        proposals = archive.detect_disputes()
        if accept:
            proposals = [archive.accept_dispute(p) for p in proposals]
        render.disputes(proposals, as_json=json_out, proposed=not accept)


@app.command()
def migrate(
    source: Annotated[str, typer.Option("--from", help="The archive to copy: a file path, sqlite:///... or postgresql://...")],
    target: Annotated[str, typer.Option("--to", help="An empty database to copy it into.")],
    json_out: JsonOption = False,
) -> None:
    """Copy an archive to another database (SQLite <-> PostgreSQL): every version, file and dispute, verified.

    Example:  misquote migrate --from sqlite:///misquote.db --to postgresql://user@host/misquote
    """
    from misquote.store import open_store
    from misquote.store.migrate import migrate as copy_archive

    if source == target:
        raise QueryError("--from and --to are the same database: give another --to")
    src = open_store(source, create=False)
    try:
        dst = open_store(target, create=True)
        try:
            report = copy_archive(src, dst)
        finally:
            dst.close()
    finally:
        src.close()
    if json_out:
        typer.echo(json.dumps(report.to_dict()))
    else:
        typer.echo(
            f"copied {report.files} files: {report.versions} document versions ({report.documents} current), "
            f"{report.disputes} disputes, {report.reuse_clusters} reuse clusters; the copy matches the source"
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", help="Server processes (each opens the archive).")] = 1,
) -> None:
    """Serve the web UI and the HTTP API (JSON twins under /api, docs at /docs).

    Read-only unless MISQUOTE_ADMIN_TOKEN is set; writes then need `Authorization: Bearer <token>`.
    Example:  misquote serve --db misquote.db   then open http://127.0.0.1:8000/
    """
    import os

    import uvicorn

    from misquote.api import create_app

    app_ = create_app(db)  # opens the archive now, so a missing database is reported before listening
    if workers > 1:
        app_.state.archive.close()
        if db:
            os.environ["MISQUOTE_DB"] = db
        uvicorn.run(
            "misquote.api:app_from_env", factory=True, host=host, port=port, workers=workers, timeout_keep_alive=75
        )
    else:
        # a keep-alive longer than any client's idle time, so a busy server never closes a connection
        # under a request that is already on its way (the default 5 s does, under load)
        uvicorn.run(app_, host=host, port=port, timeout_keep_alive=75)


@app.command()
def reuse(
    db: DbOption = None,
    author: Annotated[str | None, typer.Option("--author", help="Only reuse involving this author's works.")] = None,
    min_words: Annotated[int, typer.Option("--min-words", help="Shortest passage reported, in words.")] = 15,
    engine: Annotated[str, typer.Option("--engine", help="local (this machine) or spark.")] = "local",
    master: Annotated[str | None, typer.Option("--master", help="Spark master URL (default local[*]).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the stage files; a re-run resumes.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Local processes (default: every core).")] = None,
    json_out: JsonOption = False,
) -> None:
    """Find passages shared between documents of the archive, grouped into clusters ordered by date.

    Example:  misquote reuse --author "Karl Marx" --out reuse-run
    """
    from rich.console import Console
    from rich.progress import Progress

    with open_archive(db) as archive, Progress(console=Console(stderr=True), disable=json_out) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = archive.reuse(author=author, min_words=min_words, engine=engine, master=master,
                               out_dir=out, progress=progress, workers=workers)
    if json_out:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _reuse_tables(result)


def _reuse_tables(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    summary = Table(title="reuse run", show_header=False)
    for key, value in result.stats.items():
        summary.add_row(key, ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else str(value))
    console.print(summary)
    clusters = Table(title="clusters (earliest dated witness first)")
    for column in ("#", "witnesses", "first witness", "written", "passage"):
        clusters.add_column(column)
    for c in result.clusters[:50]:
        first = c.witnesses[0]
        clusters.add_row(str(c.id), str(len(c.witnesses)), f"{first.title} ({first.document_id})",
                         first.written or "", first.text[:80].replace("\n", " "))
    console.print(clusters)


@app.command()
def align(
    doc_a: Annotated[str, typer.Argument(help="A document id in the archive, or a file.")],
    doc_b: Annotated[str, typer.Argument(help="Another document id, or a file.")],
    db: DbOption = None,
    min_words: Annotated[int, typer.Option("--min-words", help="Shortest passage reported, in words.")] = 15,
    json_out: JsonOption = False,
) -> None:
    """Show the passages two documents share, with identity, coverage and the word-level edits.

    Example:  misquote align wage-labour/ch01.htm epub/ch01.htm --json
    """
    from rich.console import Console
    from rich.table import Table

    with Archive(db, create=False) if _db_exists(db) else Archive(":memory:") as archive:
        pairs = archive.align(doc_a, doc_b, min_words=min_words)
    if json_out:
        typer.echo(json.dumps({"a": doc_a, "b": doc_b, "passages": [p.to_dict() for p in pairs]},
                              ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(pairs)} shared passage(s)")
    for column in ("A chars", "B chars", "words", "identity", "coverage", "A text"):
        table.add_column(column)
    for p in pairs:
        table.add_row(f"{p.a_start}-{p.a_end}", f"{p.b_start}-{p.b_end}", str(p.words), f"{p.identity:.2f}",
                      f"{p.coverage:.2f}", p.a_text[:70].replace("\n", " "))
    Console().print(table)


def _db_exists(db: str | None) -> bool:
    from misquote.store import resolve_url

    url = resolve_url(db)
    return ("://" in url and not url.startswith("sqlite:")) or Path(url.removeprefix("sqlite:///")).is_file()


@app.command("pan-align")
def pan_align(
    pairs: Annotated[Path, typer.Option("--pairs", help="PAN pairs file: 'susp.txt src.txt' per line.")],
    src: Annotated[Path, typer.Option("--src", help="Folder of the source documents.")],
    susp: Annotated[Path, typer.Option("--susp", help="Folder of the suspicious documents.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for one detection XML file per pair.")],
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: every core).")] = None,
) -> None:
    """Align every pair of a PAN text-alignment corpus and write PAN-format detection XML files.

    Example:  misquote pan-align --pairs corpus/pairs --src corpus/src --susp corpus/susp --out detections
    """
    from rich.console import Console
    from rich.progress import Progress

    from misquote import pan

    with Progress(console=Console(stderr=True)) as bar:
        task = bar.add_task("pairs", total=None)
        results = pan.align_corpus(pairs, src, susp, out, workers=workers,
                                   progress=lambda done, total: bar.update(task, completed=done, total=total))
    typer.echo(f"{len(results)} pairs, {sum(len(d) for d in results.values())} detections written to {out}")


@app.command()
def dump(
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="The JSONL file to write (default: stdout).")] = None,
) -> None:
    """Back up the whole archive (every version, file and dispute) as JSON Lines.

    Example:  misquote dump --out backup.jsonl   and later   misquote load backup.jsonl --db restored.db
    """
    from misquote import backup

    with open_archive(db) as archive:
        if out is None:
            backup.dump(archive.store, sys.stdout)
            return
        try:
            with open(out, "w", encoding="utf-8") as f:
                report = backup.dump(archive.store, f)
        except OSError as exc:
            raise QueryError(f"cannot write the backup {out}: {exc.strerror or exc}") from exc
    typer.echo(f"wrote {report.files} files: {report.versions} document versions, {report.disputes} disputes, "
               f"{report.reuse_clusters} reuse clusters to {out}")


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="A backup written by misquote dump.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Restore a backup into an empty database, then check that it holds exactly what the backup does."""
    from misquote import backup

    with open_archive(db, create=True) as archive:
        report = backup.load(archive.store, file)
    if json_out:
        typer.echo(json.dumps(report.to_dict()))
    else:
        typer.echo(f"loaded {report.files} files: {report.versions} document versions, {report.disputes} disputes, "
                   f"{report.reuse_clusters} reuse clusters; the archive matches the backup")


def main() -> None:
    """Entry point: run the app, mapping misquote's own errors to exit 2 and bugs to exit 1."""
    try:
        app(standalone_mode=False)
    except MisquoteError as exc:
        render.error(str(exc))
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        render.error("interrupted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # a usage error: an unknown option, a missing argument
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            render.error(exc.format_message())
        sys.exit(2)
    except Exception as exc:
        if _state["debug"]:
            raise
        render.error(f"internal error ({type(exc).__name__}: {exc}); run with --debug for the traceback and report it")
        sys.exit(1)


if __name__ == "__main__":
    main()
