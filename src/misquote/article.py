"""Check an article: pull out every quotation and its speaker, resolve the speaker to an archive
author, check each quotation, and report (JSON, a self-contained HTML page, or ClaimReview)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from misquote.errors import QueryError
from misquote.extract import Quotation, article_text, quotations
from misquote.model import Verdict
from misquote.text import words

if TYPE_CHECKING:
    from misquote.check import Checker

MAX_ARTICLE_CHARS = 5_000_000


@dataclass
class CheckedQuotation:
    """A quotation of the article, the archive author its speaker resolves to, and its verdict."""

    quotation: Quotation
    author: str | None = None
    check: Verdict | None = None
    note: str | None = None
    """Why there is no check: no speaker, speaker not in the archive, too short..."""

    def to_dict(self) -> dict[str, Any]:
        data = self.quotation.to_dict()
        data["author"] = self.author
        data["check"] = self.check.to_dict() if self.check else None
        data["note"] = self.note
        return data


@dataclass
class ArticleReport:
    """Every quotation of one article with its check, and the text the offsets refer to."""

    text: str
    quotations: list[CheckedQuotation] = field(default_factory=list)
    title: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "title": self.title,
            "url": self.url,
            "quotations": [q.to_dict() for q in self.quotations],
        }

    @property
    def verdicts(self) -> list[Verdict]:
        return [q.check for q in self.quotations if q.check is not None]

    def claimreview(self) -> dict[str, Any]:
        """schema.org ClaimReview JSON-LD for every checked quotation."""
        from misquote.export import claimreview

        return claimreview(self.verdicts, article_url=self.url, article_title=self.title)

    def to_html(self) -> str:
        """A self-contained report page: the article with quotations highlighted by verdict, and a table."""
        env = Environment(loader=PackageLoader("misquote", "web/templates"), autoescape=select_autoescape())
        return env.get_template("article_report.html").render(report=self, segments=self.segments())

    def segments(self) -> list[tuple[str, CheckedQuotation | None]]:
        """The article text cut into plain stretches and quotations, in order, for highlighting."""
        out: list[tuple[str, CheckedQuotation | None]] = []
        cursor = 0
        for q in sorted(self.quotations, key=lambda q: q.quotation.start):
            start, end = q.quotation.start, q.quotation.end
            if start < cursor:
                continue
            out.append((self.text[cursor:start], None))
            out.append((self.text[start:end], q))
            cursor = end
        out.append((self.text[cursor:], None))
        return out


def check_article(
    checker: Checker,
    data: str | bytes,
    *,
    lang: str = "auto",
    kind: str = "auto",
    title: str | None = None,
    url: str | None = None,
    max_chars: int = MAX_ARTICLE_CHARS,
) -> ArticleReport:
    """Extract the quotations of an article (text, HTML or Markdown) and check each one.

    An article over `max_chars` (characters, or bytes before decoding) is refused before it is parsed.
    """
    if len(data) > max_chars:
        raise QueryError(f"the article is {len(data):,} characters; the limit is {max_chars:,}: split it into parts")
    text = article_text(data, kind)  # type: ignore[arg-type]
    if title is None:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        title = first[:200] or None
    report = ArticleReport(text=text, title=title, url=url)
    for quotation in quotations(text, lang=lang):
        report.quotations.append(_check_one(checker, quotation))
    return report


def _check_one(checker: Checker, quotation: Quotation) -> CheckedQuotation:
    item = CheckedQuotation(quotation)
    if quotation.kind == "mention":
        item.note = "a title or a name in quote marks, not someone's words"
        return item
    if not quotation.speaker:
        item.note = "no speaker found"
        return item
    try:
        names = checker.resolve_author(quotation.speaker)
    except QueryError:
        item.note = f"{quotation.speaker} is not an author in the archive"
        return item
    item.author = names[0] if len(names) == 1 else quotation.speaker
    if len(words(quotation.text)) < 3:
        item.note = "too short to check (under 3 words)"
        return item
    item.check = checker.check(quotation.text, quotation.speaker)
    return item
