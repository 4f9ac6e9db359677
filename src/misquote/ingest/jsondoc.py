"""The JSON export of a Document (`Document.to_dict()`), read back so export -> import round-trips."""

from __future__ import annotations

import json
import types
from dataclasses import MISSING, fields, is_dataclass
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from misquote.errors import IngestError
from misquote.ingest import READER_VERSIONS, register
from misquote.model import UNKNOWN_AUTHOR, Document

NAME = "json"


@register(NAME, "1")
def read_json(data: bytes, source_key: str) -> list[Document]:
    """Rebuild one Document (or a list of them) from `to_dict` JSON; provenance fields are kept as exported."""
    try:
        payload: Any = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(source_key, f"not valid JSON: {exc}", "give the output of a misquote JSON export") from exc
    except RecursionError as exc:
        raise IngestError(source_key, "JSON nested too deeply to read", "give a misquote JSON export") from exc
    items = payload if isinstance(payload, list) else [payload]
    docs = []
    for item in items:
        if not isinstance(item, dict) or "title" not in item or "paragraphs" not in item:
            raise IngestError(
                source_key,
                "JSON is not a misquote Document (needs at least `title` and `paragraphs`)",
                "give the output of Document.to_dict()",
            )
        if (wrong := wrong_field(item, Document)) is not None:
            raise IngestError(
                source_key, f"JSON Document field {wrong} is missing, unknown or of the wrong type", "re-export it"
            )
        try:
            doc = Document.from_dict({"author": UNKNOWN_AUTHOR, **item})
        except TypeError as exc:
            raise IngestError(source_key, f"JSON Document has a malformed field: {exc}", "re-export it") from exc
        doc.format = doc.format or NAME
        doc.reader = doc.reader or NAME
        doc.reader_version = doc.reader_version or READER_VERSIONS[NAME]
        doc.source_key = doc.source_key or source_key
        docs.append(doc.finalize())
    return docs


def wrong_field(record: dict[str, Any], cls: type, strict: bool = False) -> str | None:
    """The path of the first field of `record` whose JSON value does not fit `cls`'s annotation, or None.

    `strict` also calls a field wrong when `cls` has no such field or `record` lacks a required one
    (Paragraph and Note records are built with `cls(**record)`, which refuses both).
    """
    hints = get_type_hints(cls)
    if strict:
        required = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}
        odd = sorted(set(record) - set(hints)) + sorted(required - set(record))
        if odd:
            return odd[0]
    for name, value in record.items():
        if name in hints and not _fits(value, hints[name]):
            return name
        if name in hints and isinstance(value, list):
            inner = get_args(hints[name])
            if inner and is_dataclass(inner[0]):
                for i, element in enumerate(value):
                    if (wrong := wrong_field(element, inner[0], strict=True)) is not None:  # type: ignore[arg-type]
                        return f"{name}[{i}].{wrong}"
    return None


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON value fits a type annotation of the model (str, int, X | None, list[X], Literal...)."""
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return True
    if origin in (Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if origin is Literal:
        return value in args
    if origin in (list, tuple):
        element = args[0] if args else Any
        return isinstance(value, list) and all(_fits(v, element) for v in value) and (
            origin is list or len(value) == len(args)
        )
    if origin is dict:
        return isinstance(value, dict) and all(_fits(v, args[1]) for v in value.values())
    if is_dataclass(hint):
        return isinstance(value, dict)
    if hint is float:
        return isinstance(value, int | float)
    return isinstance(value, hint)
