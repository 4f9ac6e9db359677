"""Printing results on a terminal (rich tables and colours) or as JSON: the CLI's only output path."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from misquote.model import Dispute, Document, Verdict

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

VERDICT_STYLE = {
    "verbatim": "bold green",
    "altered": "bold yellow",
    "spliced": "bold magenta",
    "misattributed": "bold red",
    "disputed": "bold red",
    "not_found": "bold white on red",
}


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=None) + "\n")


def error(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}")


@contextmanager
def ingest_progress(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on a terminal, a plain line every 100 files otherwise."""
    if enabled and err.is_terminal:
        bar = Progress(
            TextColumn("ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
        )
        with bar:
            task = bar.add_task("", total=None)

            def update(path: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=path[-50:])

            yield update
        return

    def plain(path: str, done: int, total: int) -> None:
        if enabled and (done % 100 == 0 or done == total):
            err.print(f"ingest: {done}/{total} files")

    yield plain


def ingest_report(report: Any, *, as_json: bool) -> None:
    if as_json:
        _json(report.to_dict())
        return
    out.print(
        f"[bold]{report.files}[/] files ({report.bytes / 1e6:.1f} MB read): "
        f"[green]{len(report.added)} added[/], {len(report.unchanged)} unchanged, "
        f"[cyan]{len(report.new_version)} new version[/], [red]{len(report.failed)} failed[/]"
    )
    for path, reason in report.failed:
        out.print(f"  [red]failed[/] {escape(path)}: {escape(reason)}")


def stats(s: Any, *, as_json: bool) -> None:
    if as_json:
        _json(asdict(s))
        return
    out.print(
        f"[bold]{s.documents}[/] documents ({s.versions} versions) by [bold]{s.authors}[/] authors: "
        f"{s.paragraphs:,} paragraphs, {s.notes:,} notes, {s.words:,} words, {s.disputes} disputes"
    )
    table = Table("author", "documents")
    for name, count in s.by_author[:15]:
        table.add_row(escape(name), str(count))
    if len(s.by_author) > 15:
        table.add_row(f"… and {len(s.by_author) - 15} more", "")
    out.print(table)


def document(doc: Document, versions: list[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        data = doc.to_dict()
        data["text"] = doc.text
        data["versions"] = versions
        _json(data)
        return
    out.print(f"[bold]{escape(doc.title)}[/] — {escape(doc.author)}   [dim]{doc.id} v{doc.version}[/]")
    fields = [
        ("Written", doc.written_raw or doc.written),
        ("First published", doc.first_published),
        ("Source", doc.source),
        ("Online version", doc.online_version),
        ("Transcribed", doc.transcriber),
        ("Translated", doc.translator),
        ("Language", doc.language),
        ("URL", doc.url),
    ]
    for label, value in fields:
        if value:
            out.print(f"[cyan]{label}:[/] {escape(value)}")
    if doc.header:
        out.print("[dim]header as found:[/]")
        for label, value in doc.header:
            out.print(f"  [dim]{escape(label)}: {escape(value)}[/]")
    out.print()
    for p in doc.paragraphs:
        refs = f" [dim][{', '.join(p.notes)}][/]" if p.notes else ""
        kind = "" if p.kind == "text" else f" [magenta]({p.kind}{': ' + escape(p.speaker) if p.speaker else ''})[/]"
        out.print(f"[dim]#{p.anchor}[/]{kind} {escape(p.text)}{refs}")
    if doc.notes:
        out.print("\n[bold]Notes[/]")
        for n in doc.notes:
            by = f" [yellow](by {escape(n.by)})[/]" if n.by else ""
            where = f" [dim]referenced from {', '.join('#' + r for r in n.refs)}[/]" if n.refs else ""
            out.print(f"[{escape(n.label)}]{by} {escape(n.text)}{where}")


def authors(rows: list[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        _json(rows)
        return
    table = Table("author", "documents", "years")
    for r in rows:
        years = f"{r['from']}–{r['to']}" if r["from"] else ""
        table.add_row(escape(r["name"]), str(r["documents"]), years)
    out.print(table)


def documents(rows: list[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        _json(rows)
        return
    table = Table("id", "author", "title", "written")
    for r in rows:
        table.add_row(r["id"], escape(r["author"]), escape(r["title"]), r["written"] or "")
    out.print(table)


def search_hits(hits: Iterable[Any], *, as_json: bool) -> None:
    hits = list(hits)
    if as_json:
        _json([{k: v for k, v in asdict(h).items() if k != "text"} for h in hits])
        return
    if not hits:
        out.print("no matches")
    for h in hits:
        snippet = escape(h.snippet)
        out.print(
            f"[bold]{escape(h.title)}[/] — {escape(h.author)} ({h.written or 'undated'}) "
            f"[dim]{h.document_id}#{h.paragraph}[/]\n  {snippet}"
        )


def verdict(v: Verdict, *, as_json: bool) -> None:
    if as_json:
        _json(v.to_dict())
        return
    out.print(
        f"[{VERDICT_STYLE[v.verdict]}] {v.verdict.upper()} [/]  score {v.score:.2f}   "
        f"[dim]attributed to {escape(v.author)}[/]"
    )
    out.print(escape(v.explanation))
    for m in v.matches[:3]:
        origin = f" [red](quoted from {escape(m.quoted_from)})[/]" if m.quoted_from else ""
        out.print(
            f"\n[bold]{escape(m.title)}[/] — {escape(m.author)} ({m.written or 'undated'}) "
            f"[dim]{m.document_id}#{m.paragraph} chars {m.start}–{m.end}[/]{origin}"
        )
        out.print(f"  identity {m.identity:.2f}, coverage {m.coverage:.2f}")
        out.print(f"  source: “{escape(m.text)}”")
        for e in m.edits:
            out.print(
                f"  [yellow]{e.op}[/]: quote [red]{escape(e.quote) or '—'}[/] / "
                f"source [green]{escape(e.source) or '—'}[/]"
            )
    if v.dispute:
        d = v.dispute
        out.print(
            f"\n[bold red]Dispute on record:[/] {escape(d.author)} denied these words, "
            f"published in {escape(d.published_in)} ({d.date or 'undated'}); "
            f"rebuttal {d.rebuttal_document_id}#{d.paragraph}"
        )
    if v.citation:
        out.print(f"\n[dim]cite:[/] {escape(v.citation)}")


def batch(lines: Iterable[dict[str, Any]], *, as_json: bool) -> None:
    for line in lines:
        _json(line)
        sys.stdout.flush()


def disputes(items: list[Dispute], *, as_json: bool, proposed: bool = False) -> None:
    if as_json:
        _json([d.to_dict() for d in items])
        return
    if not items:
        out.print("no disputes" + (" found" if proposed else " on record"))
    for d in items:
        head = "[yellow]proposed[/]" if proposed else f"[bold]#{d.id}[/]"
        out.print(
            f"{head} {escape(d.author)} denied “{escape(d.quote)}” — published in {escape(d.published_in)}"
            f" ({d.date or 'undated'}); rebuttal: {d.rebuttal_document_id or '—'}#{d.paragraph or ''}"
        )


def article(report: Any, *, as_json: bool, html: bool, claimreview: bool) -> None:
    if as_json:
        _json(report.to_dict())
        return
    if html:
        sys.stdout.write(report.to_html())
        return
    if claimreview:
        sys.stdout.write(json.dumps(report.claimreview(), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("#", "quotation", "speaker", "kind", "verdict", "where")
    for i, q in enumerate(report.quotations, start=1):
        text = q.quotation.text if len(q.quotation.text) < 90 else q.quotation.text[:87] + "…"
        speaker = q.quotation.speaker or "—"
        if q.author and q.author != q.quotation.speaker:
            speaker += f" → {q.author}"
        if q.check:
            verdict_text = f"[{VERDICT_STYLE[q.check.verdict]}]{q.check.verdict}[/]"
            m = q.check.matches[0] if q.check.matches else None
            where = f"{m.title} #{m.paragraph}" if m and q.check.verdict != "not_found" else ""
            if m and q.check.verdict == "misattributed":
                where = f"{m.author}: {where}"  # whose words they really are
        else:
            verdict_text, where = f"[dim]{escape(q.note or '')}[/]", ""
        table.add_row(str(i), escape(text), escape(speaker), q.quotation.kind, verdict_text, escape(where))
    out.print(table)


def apparatus(app: Any, *, as_json: bool, with_text: bool, tei: bool, html: bool) -> None:
    if as_json:
        _json(app.to_dict(with_text=with_text))
    elif tei:
        sys.stdout.write(app.to_tei() + "\n")
    elif html:
        sys.stdout.write(app.to_html() + "\n")
    else:
        out.print(escape(app.summary()))
