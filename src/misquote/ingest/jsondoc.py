"""The JSON export of a Document (`Document.to_dict()`), read back so export -> import round-trips."""

from __future__ import annotations

import json
from typing import Any

from misquote.errors import IngestError
from misquote.ingest import READER_VERSIONS, register
from misquote.model import Document

NAME = "json"


@register(NAME, "1")
def read_json(data: bytes, source_key: str) -> list[Document]:
    """Rebuild one Document (or a list of them) from `to_dict` JSON; provenance fields are kept as exported."""
    try:
        payload: Any = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(source_key, f"not valid JSON: {exc}", "give the output of a misquote JSON export") from exc
    items = payload if isinstance(payload, list) else [payload]
    docs = []
    for item in items:
        if not isinstance(item, dict) or "title" not in item or "paragraphs" not in item:
            raise IngestError(
                source_key,
                "JSON is not a misquote Document (needs at least `title` and `paragraphs`)",
                "give the output of Document.to_dict()",
            )
        try:
            doc = Document.from_dict({"author": "Unknown", **item})
        except TypeError as exc:
            raise IngestError(source_key, f"JSON Document has a malformed field: {exc}", "re-export it") from exc
        doc.format = doc.format or NAME
        doc.reader = doc.reader or NAME
        doc.reader_version = doc.reader_version or READER_VERSIONS[NAME]
        doc.source_key = doc.source_key or source_key
        docs.append(doc.finalize())
    return docs
