"""Bytes to text for every reader: honour the declared charset, fall back sanely, repair mojibake.

MIA pages declare ISO-8859-1 but some hold UTF-8 (and vice versa), Gutenberg texts state their
"Character set encoding", and copies pasted through the wrong codec carry mojibake ("â€™"). One
function handles all of it, so every reader sees the same clean `str`.
"""

from __future__ import annotations

import codecs
import re

import ftfy

from misquote.errors import IngestError

_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)""", re.I)
_TEXT_CHARSET = re.compile(rb"^Character set encoding:\s*([\w.:()/ -]+?)\s*$", re.I | re.M)
_MOJIBAKE = re.compile(
    "[ÂÃâÅÄ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)

_BAD = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")

LATIN1_NAMES = frozenset(
    {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "cp1252", "windows-1252", "us-ascii", "ascii"}
)


def declared_charset(data: bytes) -> str | None:
    """The charset the file says it is in (HTML meta, XML declaration, Gutenberg header), if any."""
    head = data[:6000]
    for pattern in (_XML_ENCODING, _HTML_CHARSET, _TEXT_CHARSET):
        m = pattern.search(head)
        if m:
            name = m.group(1).decode("ascii", "ignore").strip().lower()
            name = name.split("(")[0].strip() or name
            if "646" in name or "ascii" in name:
                return "ascii"
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def decode(data: bytes, source_key: str) -> str:
    """The text of `data`: BOM, then UTF-8, then the declared single-byte charset, then cp1252.

    UTF-8 is tried first even when a page declares ISO-8859-1, because valid UTF-8 with non-ASCII
    bytes is almost never a Latin-1 accident; HTML5 likewise reads ISO-8859-1 as windows-1252.
    Raises IngestError when the result is mostly control characters (a binary or unknown codec).
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), source_key)
        except UnicodeDecodeError as exc:
            raise _undecodable(source_key, "utf-16") from exc
    declared = declared_charset(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        candidates = [declared] if declared and declared not in ("utf-8", "ascii") else []
        if not candidates or candidates[0] in LATIN1_NAMES or candidates[0] in ("latin_1", "iso8859-1"):
            candidates = ["cp1252"]
        for codec in candidates:
            try:
                text = data.decode(codec)
                break
            except (UnicodeDecodeError, LookupError):
                continue
        if text is None:
            text = data.decode("latin-1")
    text = _checked(text, source_key)
    if _MOJIBAKE.search(text):
        text = ftfy.fix_text(text, normalization=None, uncurl_quotes=False, fix_line_breaks=False)
    return text


def _checked(text: str, source_key: str) -> str:
    """Refuse text whose first 20,000 characters are more than 2% control or private-use characters."""
    sample = text[:20000]
    if sample and len(_BAD.findall(sample)) / len(sample) > 0.02:
        raise _undecodable(source_key, "any known text encoding")
    return text


def _undecodable(source_key: str, codec: str) -> IngestError:
    return IngestError(
        source_key,
        f"undecodable bytes: the file does not read as {codec} (too many control characters)",
        "convert the file to UTF-8, or check that it is text at all",
    )
