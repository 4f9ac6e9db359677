"""Readers: one per format, each turning a file's bytes into Documents or raising IngestError.

The registry is a plain dict from format name to reader; `sniff` picks one from the file name and
its first bytes, and `--format` overrides it. `read` is the one entry point the archive walker and
the CLI use: it checks size, emptiness and binary content once, so the readers need not.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path, PurePath

from misquote.errors import IngestError
from misquote.model import Document

Reader = Callable[[bytes, str], list[Document]]
"""A reader takes the file's bytes and its source key (a path or URL) and returns Documents."""

READERS: dict[str, Reader] = {}
READER_VERSIONS: dict[str, str] = {}

MAX_BYTES = 50 * 1024 * 1024
"""Default size limit: the largest real file (a Gutenberg collected edition) is about 6 MB."""

CONTENT_SUFFIXES = frozenset({".htm", ".html", ".xhtml", ".txt", ".text", ".md", ".markdown", ".xml", ".tei", ".json"})
NOT_CONTENT_NAMES = frozenset({"source.md", "readme.md", "readme.txt", "license", "license.txt", "manifest.json"})


def register(name: str, version: str) -> Callable[[Reader], Reader]:
    """Add a reader to the registry under `name`."""

    def decorate(reader: Reader) -> Reader:
        READERS[name] = reader
        READER_VERSIONS[name] = version
        return reader

    return decorate


def finish(doc: Document, data: bytes, source_key: str, fmt: str) -> Document:
    """Stamp a reader's Document with its provenance (format, reader, hash, source) and finalize it."""
    doc.format = fmt
    doc.reader = fmt
    doc.reader_version = READER_VERSIONS.get(fmt, "")
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.source_key = source_key
    return doc.finalize()


def is_content_file(path: str | PurePath) -> bool:
    """Whether an archive walker should offer this file to `read` at all.

    The rule: hidden files, dataset paperwork (SOURCE.md, README, LICENSE, manifest.json) and any
    suffix outside CONTENT_SUFFIXES (EPUB .ncx/.opf tables, images, PDFs) are not content. Every
    other file is read, and refused with a reason if it turns out to be a stub or an index page.
    """
    p = PurePath(path)
    name = p.name.lower()
    if name.startswith(".") or name in NOT_CONTENT_NAMES:
        return False
    return p.suffix.lower() in CONTENT_SUFFIXES


_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<title|<p[\s>]|<div)", re.I)
_TEI_START = re.compile(rb"<TEI[\s>]|<teiCorpus[\s>]|tei-c\.org/ns/1\.0")
_ARCHIVE_LABEL = re.compile(
    rb"^\s*(?:Written|First Published|Published|Source|Online Version|Delivered|Transcri\w*[^:\n]{0,30}"
    rb"|Translated|Proofread)\s*:",
    re.I | re.M,
)


def sniff(path: str, data: bytes) -> str:
    """The format name for a file, from its extension and its first bytes."""
    suffix = PurePath(path).suffix.lower()
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if suffix == ".json" or head.lstrip()[:1] == b"{":
        return "json"
    if suffix in (".xml", ".tei") or head.lstrip().startswith(b"<?xml"):
        if _TEI_START.search(data[:20000]):
            return "tei"
        if re.search(rb"<html", head, re.I):
            return "mia-html"
    if suffix in (".htm", ".html", ".xhtml") or _HTML_START.match(head):
        return "mia-html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if b"Project Gutenberg" in data[:6000] or b"PROJECT GUTENBERG" in data[:6000]:
        return "gutenberg"
    if len(_ARCHIVE_LABEL.findall(data[:6000])) >= 2:
        return "archive-text"
    return "plain"


def read(
    path: str | Path,
    data: bytes | None = None,
    format: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[Document]:
    """Read one file into Documents: check it, sniff its format unless `format` is given, run the reader.

    Raises IngestError for an unknown format, an empty, binary or too-large file, and whatever the
    reader refuses (stub pages, index pages, broken markup), always with a reason and a hint.
    """
    key = str(path)
    if data is None:
        try:
            size = Path(path).stat().st_size
        except OSError as exc:
            raise IngestError(key, f"cannot open the file: {exc.strerror or exc}", "check the path") from exc
        if size > max_bytes:
            raise _too_large(key, size, max_bytes)
        data = Path(path).read_bytes()
    if len(data) > max_bytes:
        raise _too_large(key, len(data), max_bytes)
    if not data.strip():
        raise IngestError(key, "empty file: there is no text to read", "check that the file was fully copied")
    if b"\x00" in data[:8192]:
        raise IngestError(
            key, "binary file: it contains NUL bytes, so it is not text", "give a text, HTML, Markdown or TEI file"
        )
    fmt = format or sniff(key, data)
    reader = READERS.get(fmt)
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise IngestError(key, f"unknown format {fmt!r}", f"known formats: {known}")
    return reader(data, key)


def _too_large(key: str, size: int, limit: int) -> IngestError:
    return IngestError(
        key,
        f"file too large: {size:,} bytes is over the limit of {limit:,} bytes",
        "split the file, or raise max_bytes if it really is one document",
    )


# The readers register themselves on import; imported last so that `register` exists.
from misquote.ingest import (  # noqa: E402
    archive_text,
    gutenberg,
    jsondoc,
    markdown,
    mia,
    plain,
    tei,
)

__all__ = [
    "READERS",
    "READER_VERSIONS",
    "Reader",
    "archive_text",
    "finish",
    "gutenberg",
    "is_content_file",
    "jsondoc",
    "markdown",
    "mia",
    "plain",
    "read",
    "register",
    "sniff",
    "tei",
]
