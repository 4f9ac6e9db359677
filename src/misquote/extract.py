"""Quotations and their speakers in an article: direct quotes, interview answers, indirect speech.

Rules, not a model: quote marks are paired by a small stack machine per paragraph, speakers are the
noun phrase next to a speech verb (English and French lexicons), pronouns and kinship descriptions are
resolved to the last compatible named person, and unattributed quotes follow the conversation
(same speaker in news, alternating turns in dialogue). `bench/extract.py` measures it on PolNeAR
and PDNC.

Conventions a caller can rely on:
- A quotation split by its attribution (`"A," she said, "B."`) is two quotations with the same speaker.
- A nested quote is part of its outer quotation; it is not reported on its own.
- A multi-paragraph quotation (opening mark at each paragraph start, closing mark only at the end) is
  one quotation; its `text` leaves out the paragraph-opening marks, so it may differ from
  `article[start:end]` by exactly those marks.
- An unclosed mark ends its quotation at the end of its paragraph (unless the next paragraph opens
  with a mark, the multi-paragraph convention), so it never swallows the rest of the article.
- In a Q&A interview the answers are quotations of the interviewee; the questions are not reported.
- `speaker` is the name as written at the attribution, or, for a pronoun or a description ("she",
  "the widow of the revolutionary"), the last compatible named person as written there, with that
  mention's offsets; an unresolved pronoun is reported as written.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from misquote.errors import QueryError
from misquote.ingest.mia import MAX_NESTING, markup_depth
from misquote.text import clean_text

Kind = Literal["direct", "indirect"]

__all__ = ["Quotation", "article_text", "quotations"]


@dataclass(frozen=True, slots=True)
class Quotation:
    """One quotation found in an article: the quoted words, where they are, and who said them."""

    text: str
    start: int
    end: int
    kind: Kind
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None

    def to_dict(self) -> dict[str, object]:
        """The `check-article --json` item fields, less `author` and `check` (the caller adds those)."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
        }


# --------------------------------------------------------------------------------------------------
# Article text from HTML and Markdown

_DROP_TAGS = ("script", "style", "noscript", "nav", "aside", "footer", "form", "iframe", "svg", "template",
              "button", "select", "object", "embed", "canvas", "figure", "head")
_AD_WORDS = re.compile(
    r"(?:^|[\s_-])(?:ads?|advert\w*|adsbygoogle|sponsor\w*|promo\w*|banner|cookie\w*|newsletter|"
    r"social|share|sharing|related|recommend\w*|outbrain|taboola|popup|modal|subscribe|paywall)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th",
           "figcaption", "caption"}
_SPACES = re.compile(r"[ \t\r\f\v\n]+")


def article_text(data: str | bytes, kind: Literal["auto", "text", "html", "markdown"] = "auto") -> str:
    """The plain text of an article (HTML, Markdown or text) that quotation offsets refer to.

    HTML loses scripts, styles, navigation and ad blocks and keeps one paragraph per block element;
    Markdown loses its markup. Paragraphs are separated by a blank line.
    """
    if kind not in ("auto", "text", "html", "markdown"):
        raise QueryError(f"unknown article kind {kind!r}: use auto, text, html or markdown")
    if isinstance(data, bytes):
        data = _decode(data)
    if not isinstance(data, str):
        raise QueryError("an article must be text or bytes")
    if kind == "auto":
        kind = _sniff(data)
    if kind == "html":
        return _html_text(data)
    if kind == "markdown":
        return _markdown_text(data)
    return clean_text(data)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("latin-1")


def _sniff(data: str) -> Literal["text", "html", "markdown"]:
    head = data[:5000].lower()
    if re.search(r"<(?:!doctype html|html|body|p|div|article|head)[\s>]", head):
        return "html"
    md = re.search(r"^(?:#{1,6} \S|\*\*?\S|> \S|[-*+] \S|\d+\. \S)|\[[^\]\n]+\]\([^)\s]+\)", data[:20000], re.M)
    return "markdown" if md else "text"


def _is_clutter(node: LexborNode) -> bool:
    attrs = node.attributes
    label = " ".join(v for k, v in attrs.items() if k in ("class", "id", "role") and v)
    return bool(label and _AD_WORDS.search(label)) or attrs.get("aria-hidden") == "true"


def _html_text(data: str) -> str:
    depth = markup_depth(data)
    if depth > MAX_NESTING:
        raise QueryError(
            f"the article's HTML nests {depth:,} elements deep (the limit is {MAX_NESTING:,}): "
            "it is broken or hostile; give its text instead"
        )
    tree = LexborHTMLParser(data)
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    for node in list(root.traverse(include_text=False)):
        if node.tag not in ("body", "html") and node.parent is not None and _is_clutter(node):
            node.decompose()
    paragraphs: list[str] = []
    for node in root.traverse(include_text=False):
        if node.tag in _BLOCKS and not _inside_block(node):
            text = _SPACES.sub(" ", node.text(deep=True, separator="")).strip()
            if text:
                paragraphs.append(text)
    if not paragraphs:
        text = _SPACES.sub(" ", root.text(deep=True, separator=" ")).strip()
        paragraphs = [text] if text else []
    return clean_text("\n\n".join(paragraphs))


def _inside_block(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _BLOCKS:
            return True
        parent = parent.parent
    return False


_MD_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"^```.*?^```[ \t]*$", re.S | re.M), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]\n]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),
    (re.compile(r"^\[[^\]\n]+\]:\s*\S+.*$", re.M), ""),
    (re.compile(r"<[^>\n]+>"), ""),
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.M), r"\1"),
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M), ""),
    (re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M), ""),
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+", re.M), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
]


def _markdown_text(data: str) -> str:
    text = clean_text(data)
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    paragraphs = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in re.split(r"\n[ \t]*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


# --------------------------------------------------------------------------------------------------
# Lexicons

_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪİĶĹĽŁŃŇŌŐŒŔŘŚŞŠŢŤŪŮŰŸŹŻŽ"
_CAP = re.compile(f"[{_UPPER}]")


def _lexicon(words: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string, for readability."""
    return frozenset(words.split())


_EN_CUES = _lexicon("""said says say saying told tells tell telling wrote writes write writing added adds
adding asked asks asking answered answers replied replies reply declared declares explained explains
explaining insisted insists noted notes stated states argued argues argue claimed claims announced announces
continued continues recalled recalls warned warns cried cries exclaimed shouted whispered muttered murmured
observed observes remarked remarks responded responds suggested suggests acknowledged acknowledges admitted
admits conceded concedes contended contends tweeted tweets posted joked jokes quipped complained complains
predicted predicts promised promises vowed vows urged urges emphasized emphasizes stressed stresses returned
rejoined retorted sighed laughed repeated repeats began screamed yelled called calls described describes
dubbed labeled labelled reported reports testified testifies wondered wonders interrupted interposed
inquired cautioned boasted bragged countered counters mused pleaded protested protests asserted asserts
maintained maintains alleged alleges charged charges confirmed confirms revealed reveals indicated
indicates agreed agrees estimated estimates thinks thought believes believed hopes hoped fears feared
expects expected wants wanted feels felt knows knew denied denies learned sings sang reads read credited""")
_FR_CUES = _lexicon("""dit dis disait déclare déclaré déclarait affirme affirmé affirmait explique
expliqué expliquait ajoute ajouté ajoutait indique indiqué estime estimé estimait souligne souligné précise
précisé assure assuré confie confié raconte raconté répond répondu répondait lance lancé martèle martelé
reconnaît reconnu rappelle rappelé poursuit poursuivi insiste insisté note noté observe observé juge jugé
écrit écrivait annonce annoncé pense pensait croit croyait espère espérait souhaite souhaité regrette
regretté dénonce dénoncé prévient prévenu s'exclame exclamé interroge interrogé demande demandé demandait
admet admis avoue avoué soutient soutenu résume résumé conclut conclu commente commenté témoigne témoigné
s'inquiète inquiété""")
_CUES = {"en": _EN_CUES, "fr": _FR_CUES}
# Verbs that report a thought: they introduce indirect content but do not carry a direct quote.
_THOUGHT = _lexicon("""thinks thought believes believed hopes hoped fears feared expects expected wants
wanted feels felt knows knew learned pense pensait croit croyait espère espérait souhaite souhaité""")
# Verbs that report content only with a `that` clause ("the poll shows that...").
_THAT_VERBS = _lexicon("""show shows showed shown found find finds suggest suggests concluded conclude
concludes worried worry worries accused accuses pledged pledges proposed proposes realized realizes recognized
recognizes understood understand understands showed demonstrated demonstrates signaled signals implied
implies hinted hints assumed assume assumes doubted doubt doubts guessed bet remember remembered
montre montrent trouve suggère conclut craint craignent reproche""")
# Verbs whose `to` introduces reported content ("she hopes to witness") rather than a place or person.
_TO_VERBS = _lexicon("""hopes hoped hope wants wanted want expects expected expect plans planned promised
promises vowed vows pledged pledges intends intended threatened threatens agreed agrees refused refuses
declined offered seeks sought aims decided urged urges asked""")
# Verbs that name a thing rather than report speech: they attribute a partial quote, not a clause.
_NAMING = _lexicon("called calls described describes dubbed labeled labelled")
_AUX = _lexicon("""also has have had is was were are be been being will would could might may must should
did does do then later again once previously recently repeatedly often never not reportedly just even
first further still already publicly privately quickly simply only finally hasn't never always a avait
aurait ont avaient auraient est était lui leur nous vous y en ne n' pas aussi encore déjà alors ensuite
enfin également toujours jamais bien plus""")
_PRONOUNS = {"he": "m", "she": "f", "il": "m", "elle": "f", "they": "p", "ils": "p", "elles": "p",
             "i": "1", "we": "1", "je": "1", "j'": "1", "nous": "1", "on": "p", "you": "2"}
_DETERMINERS = _lexicon("""the a an his her their its our my your this that these those one another two
three four some several many most other both each any no le la les l' un une des du son sa ses leur leurs
ce cette ces plusieurs certains certaines deux trois""")
_PREPOSITIONS = _lexicon("of for from at with in on to close familiar de du des d' pour chez")
_CONJUNCTIONS = _lexicon("""that which who whom whose when while as because but and or if after before
since where than so whether how what why until though although que qui quand mais et ou si car lorsque
comme dont où""")
_STOP_NP = _CONJUNCTIONS | _lexicon("said says told")
_FUNCTION_WORDS = _PREPOSITIONS | _CONJUNCTIONS | _lexicon("by it this there here not very so too soon")
_TIME_WORDS = _lexicon("""monday tuesday wednesday thursday friday saturday sunday today tonight yesterday
tomorrow january february march april may june july august september october november december last this
earlier later recently lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui""")
_TITLES = _lexicon("""mr mr. mrs mrs. ms ms. miss dr dr. sir lady lord madam madame mme mme. m. mlle mlle.
monsieur mademoiselle sen. sen senator rep. rep gov. gov governor president prof. prof professor gen. gen
general col. col colonel capt. capt captain lt. rev. st. king queen prince princess""")
_FEMALE_TITLES = _lexicon("mrs mrs. ms ms. miss lady madam madame mme mme. mlle mlle. mademoiselle queen princess")
_MALE_TITLES = _lexicon("mr mr. sir lord m. monsieur king prince")
# Common first names, to tell "she" from "he" when a person is first named.
_FEMALE_NAMES = _lexicon("""mary elizabeth jane anne ann anna emma catherine charlotte lydia kitty marianne
elinor fanny harriet isabella maria julia sarah susan lucy margaret helen natalia natalie natasha nadezhda
rosa clara eleanor hillary melania ivanka chelsea michelle nancy kellyanne huma donna jill hope laura
barbara patricia jennifer linda karen lisa betty dorothy sandra ashley kimberly emily carol amanda melissa
deborah stephanie rebecca sharon cynthia kathleen amy shirley angela brenda pamela nicole ruth christine
samantha janet rachel alice marie jeanne françoise sophie camille julie louise claire simone ada irene olga
ekaterina sofia sonia tatiana vera nina lily edna daisy cecily sibyl gwendolen mildred evelyn martha
georgiana louisa henrietta penelope caroline diana gwen kate nora polina blanche adèle ellen mae grace""")
_MALE_NAMES = _lexicon("""john james william george charles thomas henry edward richard robert michael david
joseph mark donald barack bill mike tim paul ted marco jeb ben chris bernie joe rudy newt steve kevin jason
jeff eric reince sean corey jim bob dan tom frank peter leon lev karl friedrich vladimir josef mao nikita
jean pierre michel jacques louis françois andré philippe alain bernard emmanuel nicolas patrick daniel
victor oscar benjamin fitzwilliam fred frederick arthur harry walter alfred ralph dorian basil alexei
alexis ivan leo dmitri sergei hugh max moses alexander samuel anthony gary larry newton reuben rudolph
adam edmund""")
_FEMALE_NOUNS = _lexicon("""widow wife mother daughter sister woman lady girl actress queen grandmother aunt
niece ladyship veuve épouse femme mère fille sœur soeur tante historienne""")
_MALE_NOUNS = _lexicon("""widower husband father son brother man gentleman boy king grandfather uncle nephew
mari époux père fils frère oncle homme""")
_PERSON_NOUNS = _FEMALE_NOUNS | _MALE_NOUNS | _lexicon("""revolutionary author writer leader candidate
nominee senator president spokesman spokeswoman minister historian professor official activist philosopher
economist poet novelist politician révolutionnaire auteur écrivain dirigeant candidat historienne historien
ministre""")
_NOT_NAMES = _TIME_WORDS | _lexicon("""the a an i it this that these those there here but and or so if in on
at for of to by with as we he she they you his her their its our my your then when while after before yes
no oh well why what who how le la les il elle ils elles je nous vous on ce cette mais et ou donc car si dans
en au aux du des un une selon according chapter note update editor source photo read""")

_WORD_RE = re.compile(r"\w+(?:['’.-]\w+)*\.?|[^\w\s]")
_ABBREV = re.compile(r"(?:Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Col|Lt|Capt|Prof|Rev|Jr|Sr|Mme|Mlle|M|No|Vol|"
                     r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|U\.S|U\.K|[A-Z])\.$")


# --------------------------------------------------------------------------------------------------
# Quote marks

_MARK_RE = re.compile(r"[\"“”„‟«»‹›‘’‚]")
_OPEN_CTX = set(" \t\n\u00a0\u202f([{—–-/“‘«‹„‚\"'")
_FAMILY = {"“": "dq", "”": "dq", "„": "dq", "‟": "dq", '"': "dq", "«": "g", "»": "g", "‹": "sg", "›": "sg",
           "‘": "sq", "’": "sq", "‚": "sq"}
_INNER_SPACE = " \t\u00a0\u202f\u2009"
_SINGLE_RE = re.compile(r"(?<![\w'’])['‘](?=[^\W\d])([^'’‘\n]{1,300}?[\w.,!?])['’](?![\w])")


@dataclass(slots=True)
class _Span:
    """A quotation span before its speaker is known."""

    open: int  # offset of the opening mark (or label / dash)
    start: int
    end: int
    close: int  # offset just after the closing mark, or `end` when there is none
    skip: tuple[int, ...] = ()  # offsets of paragraph-opening marks inside a multi-paragraph quote
    para: int = 0
    speaker: tuple[str, int, int] | None = None
    label: bool = False


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks between blank lines, or lines when there is none."""
    sep = re.compile(r"\n[ \t\u00a0]*\n\s*") if re.search(r"\n[ \t\u00a0]*\n", text) else re.compile(r"\n\s*")
    spans = []
    pos = 0
    for m in sep.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _opens_paragraph(text: str, start: int, end: int) -> str | None:
    """The family of the quote mark that opens this paragraph, if one does."""
    i = start
    while i < end and text[i] in _INNER_SPACE:
        i += 1
    if i < end and text[i] in "“„«‹‘\"”»":
        return _FAMILY[text[i]]
    return None


def _scan_marks(text: str, paras: list[tuple[int, int]]) -> list[_Span]:
    """Pair quote marks paragraph by paragraph into top-level quotation spans."""
    spans: list[_Span] = []
    carry: tuple[str, int, list[int], int] | None = None  # family, open offset, skipped marks, para
    for pi, (ps, pe) in enumerate(paras):
        stack: list[tuple[str, str, int]] = []  # family, opening char, offset
        skips: list[int] = []
        first_para = pi
        if carry is not None:
            family, open_at, skips, first_para = carry
            carry = None
            i = ps
            while text[i] in _INNER_SPACE:
                i += 1
            skips = [*skips, i]
            stack.append((family, text[open_at], open_at))
            ps = i + 1
        for m in _MARK_RE.finditer(text, ps, pe):
            ch = m.group()
            i = m.start()
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            opener_ctx = before in _OPEN_CTX or i == ps
            family = _FAMILY[ch]
            closes = None
            opens = False
            if ch == '"':
                if opener_ctx and not after.isspace():
                    opens = True
                else:
                    closes = "dq"
            elif ch in "”»›":
                if any(f == family for f, _, _ in stack):
                    closes = family
                elif ch != "”" and not stack and after.isalpha():
                    opens = True  # »German« or ›German‹ order
                elif ch == "”" and opener_ctx and not after.isspace():
                    opens = True  # ”Swedish” or careless typography
            elif ch == "’":
                if not (before.isalnum() and after.isalnum()) and any(f == "sq" for f, _, _ in stack):
                    closes = "sq"
            elif ch in "“«‹‘":
                top = stack[-1] if stack else None
                if top and ((ch == "“" and top[1] == "„") or (ch == "‘" and top[1] == "‚")
                            or (ch == "«" and top[1] == "»") or (ch == "‹" and top[1] == "›")):
                    closes = family
                elif ch == "‘" and (after.isdigit() or before.isalnum()):
                    pass  # ‘90s, or an apostrophe typed as an opening mark
                elif ch == "“" and not opener_ctx and any(f == "dq" for f, _, _ in stack):
                    closes = "dq"
                else:
                    opens = True
            elif ch == "‚":
                opens = before in _OPEN_CTX and after.isalpha()
            else:  # „ ‟
                opens = True
            if opens:
                stack.append((family, ch, i))
            elif closes is not None:
                depth = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == closes), None)
                if depth is None:
                    continue
                open_at = stack[depth][2]
                del stack[depth:]
                if not stack:
                    spans.append(_make_span(text, open_at, i, i + 1, skips, first_para))
                    skips = []
                    first_para = pi
        if stack:
            family, _, open_at = stack[0]
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if family == "sq" and stack[0][1] == "‘" and len(stack) > 1:
                family, _, open_at = stack[1]
            if nxt is not None and family != "sq" and _opens_paragraph(text, *nxt) == family:
                carry = (family, open_at, skips, first_para)
            elif family != "sq":
                end = pe
                spans.append(_make_span(text, open_at, end, end, skips, first_para))
    for s in spans:
        s.para = max(s.para, 0)
    return spans


def _make_span(text: str, open_at: int, close_at: int, after: int, skips: list[int], para: int) -> _Span:
    start = open_at + 1
    while start < close_at and text[start] in _INNER_SPACE:
        start += 1
    end = close_at
    while end > start and text[end - 1] in _INNER_SPACE + "\n":
        end -= 1
    return _Span(open_at, start, end, after, tuple(skips), para)


def _span_text(text: str, span: _Span) -> str:
    if not span.skip:
        return text[span.start:span.end]
    parts = []
    pos = span.start
    for k in span.skip:
        parts.append(text[pos:k])
        pos = k + 1
        while pos < span.end and text[pos] in _INNER_SPACE:
            pos += 1
    parts.append(text[pos:span.end])
    return "".join(parts)


# --------------------------------------------------------------------------------------------------
# Interviews and dialogue dashes

_LABEL_RE = re.compile(
    rf"(?P<label>(?:Q|A|R|Question|Answer|Réponse)|(?:(?:[{_UPPER}][\w.'’-]*|de|van|von|le|la)\s+){{0,3}}"
    rf"[{_UPPER}][\w'’-]*\.?)[ \t\u00a0\u202f]*:[ \t\u00a0\u202f]+(?=\S)"
)
_QUESTION_LABELS = frozenset({"q", "question", "q."})
_ANSWER_LABELS = frozenset({"a", "r", "answer", "réponse"})
_NOT_LABELS = _lexicon("""written first published source online version transcribed transcription markup
html proofread note notes update editor photo credit related read share tags by date subject from to re sent
cc warning caution example chapter part tel email e-mail fax web copyright sources footnote footnotes
translated translation title author url ps p.s. nb n.b. edit correction updated posted""")
_DASH_RE = re.compile(r"[ \t\u00a0\u202f]*[—–―][ \t\u00a0\u202f]*(?=\S)")


def _labels(text: str, paras: list[tuple[int, int]]) -> dict[int, tuple[str, int, int, int]]:
    """Paragraph index -> (label, label start, label end, speech start) for a Q&A interview."""
    found: dict[int, tuple[str, int, int, int]] = {}
    for pi, (ps, pe) in enumerate(paras):
        m = _LABEL_RE.match(text, ps, pe)
        if m and m.group("label").lower() not in _NOT_LABELS and len(m.group("label")) < 40:
            found[pi] = (m.group("label"), m.start("label"), m.end("label"), m.end())
    counts = Counter(v[0] for v in found.values())
    has_questions = any(label.lower() in _QUESTION_LABELS for label in counts)
    kept = {}
    for pi, value in found.items():
        label = value[0]
        low = label.lower()
        words = label.split()
        if (low in _QUESTION_LABELS or low in _ANSWER_LABELS) and has_questions:
            kept[pi] = value
        elif low in _QUESTION_LABELS | _ANSWER_LABELS:
            continue
        elif (label.isupper() and len(label) > 2) or counts[label] >= 2 or words[0].lower() in _TITLES \
                or (has_questions and len(words) <= 3):
            kept[pi] = value
    return kept


# --------------------------------------------------------------------------------------------------
# Speakers


@dataclass(slots=True)
class _Tok:
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    """Words and punctuation of text[start:end]; a final period stays on abbreviations only."""
    out = []
    for m in _WORD_RE.finditer(text, start, end):
        word = m.group()
        if word.endswith(".") and len(word) > 1 and not _ABBREV.search(word):
            out.append(_Tok(word[:-1], word[:-1].lower().replace("’", "'"), m.start(), m.end() - 1))
            out.append(_Tok(".", ".", m.end() - 1, m.end()))
        else:
            out.append(_Tok(word, word.lower().replace("’", "'"), m.start(), m.end()))
    return out


def _is_cap(tok: _Tok) -> bool:
    return bool(_CAP.match(tok.text)) and tok.low.rstrip(".") not in _NOT_NAMES


def _gender(name: str) -> str | None:
    words = name.lower().replace("’", "'").split()
    if not words:
        return None
    if words[0] in _PRONOUNS:
        return _PRONOUNS[words[0]]
    if words[0] in _FEMALE_TITLES:
        return "f"
    if words[0] in _MALE_TITLES:
        return "m"
    for w in words[:3]:
        w = w.strip(".,")
        if w in _FEMALE_NAMES or w in _FEMALE_NOUNS:
            return "f"
        if w in _MALE_NAMES or w in _MALE_NOUNS:
            return "m"
    return None


class _Cue:
    """Finds speech verbs and the noun phrase that speaks them in a stretch of text."""

    def __init__(self, lang: str) -> None:
        if lang == "auto":
            self.verbs = _CUES["en"] | _CUES["fr"]
        else:
            self.verbs = _CUES[lang]

    def is_verb(self, tok: _Tok) -> bool:
        low = tok.low
        if low in self.verbs:
            return True
        if "-" in low:  # dit-il, déclare-t-elle, a-t-il
            head = low.split("-", 1)[0]
            return head in self.verbs
        return False

    def inverted_pronoun(self, tok: _Tok) -> tuple[str, int, int] | None:
        """`dit-il`, `a-t-elle`: the pronoun glued to the verb."""
        m = re.search(r"-(?:t-)?(il|elle|ils|elles|on)$", tok.low)
        if not m:
            return None
        return tok.text[m.start(1):], tok.start + m.start(1), tok.end

    def forward_np(self, toks: list[_Tok], i: int) -> tuple[int, int] | None:
        """The noun phrase starting at token i, as a (first, last) token range."""
        if i >= len(toks):
            return None
        t = toks[i]
        if t.low in _PRONOUNS:
            return i, i
        if t.low.rstrip(".") in _TIME_WORDS or not t.text[0].isalnum():
            return None
        if t.low.startswith("l'") and len(t.low) > 3:  # l'historienne
            return i, i
        if not _is_cap(t) and t.low not in _DETERMINERS and t.low not in _TITLES:
            # `said 9/11 widow Terry Strada`, `said former aide Huma Abedin`
            k = i
            while k < len(toks) and k - i < 4 and toks[k].text[0].isalnum() and not _is_cap(toks[k]) \
                    and toks[k].low not in _STOP_NP and toks[k].low not in _PREPOSITIONS:
                k += 1
            if k == i or k >= len(toks) or k - i >= 4 or not _is_cap(toks[k]):
                return None
            np = self.forward_np(toks, k)
            return (i, np[1]) if np else None
        j = i
        if t.low in _DETERMINERS:
            j = i + 1
            while j < len(toks) and j - i < 9:
                w = toks[j]
                if not w.text[0].isalnum() or w.low in _STOP_NP or (self.is_verb(w) and j > i + 1):
                    break
                if w.low.endswith("ly") and j > i + 1:  # `cried his wife impatiently`
                    break
                if w.low in _PREPOSITIONS and w.low not in ("of", "for", "de", "du", "des", "d'"):
                    break
                j += 1
            return (i, j - 1) if j > i + 1 else None
        if t.low in _TITLES or _is_cap(t):
            while j + 1 < len(toks) and (_is_cap(toks[j + 1]) or toks[j + 1].low in ("de", "van", "von", "le", "la",
                                                                                     "du", "der", "al", "bin")):
                j += 1
            while j > i and not _is_cap(toks[j]):
                j -= 1
            return i, j
        return None

    def backward_np(self, toks: list[_Tok], i: int) -> tuple[int, int] | None:
        """The noun phrase that ends at token i (inclusive), as a (first, last) token range."""
        if i < 0:
            return None
        t = toks[i]
        if t.low in _PRONOUNS:
            return i, i
        if t.text == "," and i >= 2:  # Clinton, the Democratic nominee, said
            k = i - 1
            while k >= 0 and toks[k].text != "," and i - k < 14:
                k -= 1
            if k > 0 and toks[k].text == "," and _is_cap(toks[k - 1]):
                return self.backward_np(toks, k - 1)
            return None
        if not t.text[0].isalnum():
            return None
        if _is_cap(t) or (t.low.rstrip(".") in _TITLES and t.text[0].isupper()):
            j = i
            while j - 1 >= 0 and (_is_cap(toks[j - 1]) or toks[j - 1].low in _TITLES
                                  or toks[j - 1].low in ("de", "van", "von", "du", "der", "al", "bin")):
                j -= 1
            if j - 1 >= 0 and toks[j - 1].low in ("the", "le", "la", "les", "l'"):
                j -= 1
            return j, i
        # a lower-case description: back to its determiner, through prepositional phrases
        j = i
        while j >= 0 and i - j < 10:
            w = toks[j]
            if not w.text[0].isalnum() or w.low in _STOP_NP or (self.is_verb(w) and j < i):
                j += 1
                break
            if w.low in _DETERMINERS:
                if j - 1 >= 0 and toks[j - 1].low in _PREPOSITIONS:
                    j -= 1
                    continue
                break
            j -= 1
        j = max(j, 0)
        if j > i or toks[j].low in _PREPOSITIONS or toks[i].low in _FUNCTION_WORDS:
            return None
        return j, i

    def after_quote(self, toks: list[_Tok]) -> tuple[int, int, int] | None:
        """Speaker right after a quote: `, she said`, `, said the senator`, `, a dit M. X`; (np, verb)."""
        i = 0
        while i < len(toks) and toks[i].text in ",.;:—–-!?…":
            i += 1
        if i >= len(toks):
            return None
        # inverted: said X / a déclaré X / dit-il
        j = i
        while j < len(toks) and toks[j].low in _AUX and not self.is_verb(toks[j]):
            j += 1
        if j < len(toks) and self.is_verb(toks[j]) and j - i <= 2:
            if self.inverted_pronoun(toks[j]) or re.search(r"-t-(il|elle|on)$", toks[i].low):
                return -1, j, i
            np = self.forward_np(toks, j + 1)
            if np is not None:
                return np[0], np[1], j
            return None
        np = self.forward_np(toks, i)
        if np is None:
            return None
        k = np[1] + 1
        if k < len(toks) and toks[k].text == ",":  # X, the Democratic nominee, said
            k2 = k + 1
            while k2 < len(toks) and toks[k2].text != "," and k2 - k < 14:
                k2 += 1
            if k2 < len(toks) and toks[k2].text == ",":
                k = k2 + 1
        while k < len(toks) and toks[k].low in _AUX and not self.is_verb(toks[k]):
            k += 1
        if k < len(toks) and self.is_verb(toks[k]) and k - np[1] <= 18:
            return np[0], np[1], k
        return None

    def last_verb(self, toks: list[_Tok], strong_only: bool = True) -> tuple[int, int, int] | None:
        """The last speech verb in a stretch and its speaker: `X said:`, `according to X,`; (np, verb)."""
        for k in range(len(toks) - 1, -1, -1):
            t = toks[k]
            if t.low in ("according", "selon", "d'après"):
                first = k + 2 if t.low == "according" else k + 1
                np = self.forward_np(toks, first)
                if np is not None:
                    return np[0], np[1], k
                continue
            if not self.is_verb(t) or (strong_only and t.low in _THOUGHT):
                continue
            if self.inverted_pronoun(t):
                return -1, k, k
            b = k - 1
            while b >= 0 and toks[b].low in _AUX:
                b -= 1
            if b >= 0 and re.search(r"-t-(il|elle|on)$", toks[b].low):
                return -1, b, k
            np = self.backward_np(toks, b)
            if np is not None and (b == k - 1 or toks[b].text != ","):
                return np[0], np[1], k
            np = self.forward_np(toks, k + 1)
            if np is not None and toks[np[0]].low not in _DETERMINERS | {"it", "that"}:
                return np[0], np[1], k
        return None


# --------------------------------------------------------------------------------------------------
# Sentences

_SENT_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s+[\"“‘«(\[]?[" + _UPPER + r"0-9])|[.!?…]+[\"”’»)\]]*\s*$")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        k = m.end()
        word = re.search(r"\S+$", text[max(pos, m.start() - 12):m.start() + 1])
        if word and _ABBREV.search(word.group()):
            continue
        out.append((pos, k))
        pos = k
        while pos < end and text[pos].isspace():
            pos += 1
    if pos < end:
        out.append((pos, end))
    return out


# --------------------------------------------------------------------------------------------------
# The extractor


Who = tuple[str, int, int]


class _Extractor:
    """One pass over one article: quote spans, raw speakers, then pronouns and conversations resolved."""

    def __init__(self, text: str, lang: str) -> None:
        self.text = text
        self.cue = _Cue(lang)
        self.paras = _paragraphs(text)
        self.people: list[tuple[int, str, int, str | None]] = []  # start, name, end, gender
        self.starts: list[int] = []

    # -- people ------------------------------------------------------------------------------------
    def _mention(self, toks: list[_Tok], a: int, b: int) -> Who:
        start, end = toks[a].start, toks[b].end
        words = self.text[start:end]
        if words.endswith(".") and not _ABBREV.search(words):
            end -= 1
        return self.text[start:end], start, end

    def _collect_people(self, quoted: list[tuple[int, int]], speakers: Iterable[Who | None]) -> None:
        """Named persons, in text order: named speakers, and people named by a title or a first name."""
        people: dict[int, tuple[int, str, int, str | None]] = {}
        opens = [q[0] for q in quoted]
        for m in _CAPS_RE.finditer(self.text):
            first = m.group(1)
            if first.lower() not in _FIRST_NAMES and first.lower() not in _TITLES:
                continue
            k = bisect_right(opens, m.start()) - 1
            if k >= 0 and quoted[k][1] > m.start():
                continue
            name = m.group().rstrip(".") if not _ABBREV.search(m.group()) else m.group()
            people[m.start()] = (m.start(), name, m.start() + len(name), _gender(name))
        for who in speakers:
            if who is None:
                continue
            name, s, e = who
            words = name.split()
            if words and words[0].lower() not in _PRONOUNS and words[0].lower() not in _DETERMINERS \
                    and _CAP.match(words[-1]):
                people[s] = (s, name, e, _gender(name))
        ordered = sorted(people.values())
        known: dict[str, str] = {}
        for i, (s, name, e, g) in enumerate(ordered):
            last = name.split()[-1].lower()
            if g is None and last in known:
                ordered[i] = (s, name, e, known[last])
            elif g is not None:
                known[last] = g
        self.people = ordered
        self.starts = [p[0] for p in ordered]

    def resolve(self, who: Who | None) -> Who | None:
        """A pronoun or a person description -> the last compatible named person, else itself."""
        if who is None:
            return None
        name, start, _ = who
        words = re.sub(r"^(l|d)'", r"\1' ", name.lower().replace("’", "'")).split()
        want: str | None = None
        if len(words) == 1 and words[0] in _PRONOUNS:
            want = _PRONOUNS[words[0]]
            if want not in ("m", "f"):
                return who
        elif words and words[0] in _DETERMINERS and words[0] not in ("a", "an", "un", "une", "one") and any(
                w in _PERSON_NOUNS for w in words[1:3]) and not any(_CAP.match(w) for w in name.split()[1:]):
            want = "f" if any(w in _FEMALE_NOUNS for w in words[1:3]) else (
                "m" if any(w in _MALE_NOUNS for w in words[1:3]) else None)
        else:
            return who
        head = next((w for w in words[1:4] if w in _PERSON_NOUNS), None)
        if head is not None:  # `Natalia Sedova, the widow of Leon Trotsky` ... `the widow said`
            named = None
            for m in re.finditer(rf"([{_UPPER}][\w'’-]+(?:\s+[{_UPPER}][\w'’-]+)*),\s+(?:[\w'’]+\s+){{0,3}}"
                                 rf"(?:l['’])?{head}\b", self.text[max(0, start - 20000):start]):
                named = m
            if named is not None:
                offset = max(0, start - 20000)
                return named.group(1), offset + named.start(1), offset + named.end(1)
        k = bisect_left(self.starts, start) - 1
        stop = max(-1, k - 200)
        while k > stop:
            s, known, e, g = self.people[k]
            if want is None or g is None or g == want:
                return known, s, e
            k -= 1
        return who

    # -- attribution -------------------------------------------------------------------------------
    def speaker_for(self, span: _Span, para: tuple[int, int], prev_close: int, next_open: int) -> Who | None:
        """The speaker as written next to a speech verb around the quote, if there is one."""
        text = self.text
        ps, pe = para
        window_end = min(next_open, pe, span.close + 160)
        after = _tokens(text, span.close, window_end)
        after = after[:next((k for k, t in enumerate(after) if t.text in ".!?;" and k > 0), len(after))]
        hit = self.cue.after_quote(after)
        if hit is not None:
            return self._speaker(after, hit)
        left = max(prev_close, ps, span.open - 300)
        toks = _tokens(text, self._sentence_start(left, span.open), span.open)
        hit = self.cue.last_verb(toks)
        if hit is not None:
            return self._speaker(toks, hit)
        if len(after) < 12:  # `“...” That is what Trump said.`
            hit = self.cue.last_verb(after)
            if hit is not None:
                return self._speaker(after, hit)
        if span.open - ps <= 1 and span.open == ps and prev_close <= ps:
            # a quotation introduced at the end of the previous paragraph: `The Times reports:`
            k = bisect_left(self.para_starts, ps) - 1
            if k >= 0:
                qs, qe = self.paras[k]
                while qe > qs and text[qe - 1].isspace():
                    qe -= 1
                if text[qe - 1:qe] == ":":
                    toks = _tokens(text, self._sentence_start(max(qs, qe - 300), qe), qe)
                    hit = self.cue.last_verb(toks, strong_only=False)
                    if hit is not None:
                        return self._speaker(toks, hit)
        return None

    def _sentence_start(self, left: int, right: int) -> int:
        start = left
        for m in _SENT_BREAK.finditer(self.text, left, right):
            if not _ABBREV.search(self.text[max(left, m.start() - 8):m.start() + 1]):
                start = m.end()
        return start

    def _speaker(self, toks: list[_Tok], hit: tuple[int, int, int]) -> Who | None:
        a, b, _ = hit
        if a == -1:
            return self.cue.inverted_pronoun(toks[b])
        return self._mention(toks, a, b)

    # -- the whole article -------------------------------------------------------------------------
    def run(self) -> list[Quotation]:
        text = self.text
        paras = self.paras
        self.para_starts = [p[0] for p in paras]
        labels = _labels(text, paras)
        spans = [s for s in _scan_marks(text, paras) if s.end > s.start]
        spans = self._add_single_quotes(spans, paras)
        spans.extend(self._dash_spans(paras, labels))
        quoted = sorted((s.open, s.close) for s in spans)
        label_spans = []
        for pi, (label, ls, le, speech) in labels.items():
            if label.lower() in _QUESTION_LABELS:
                continue
            end = paras[pi][1]
            while end > speech and text[end - 1].isspace():
                end -= 1
            label_spans.append(_Span(ls, speech, end, end, (), pi, (label, ls, le), True))
        spans.extend(label_spans)
        spans.sort(key=lambda s: (s.start, -s.end))
        self._attribute(spans)
        indirect = self._indirect(spans, quoted)
        self._collect_people(quoted, [s.speaker for s in spans] + [q[2] for q in indirect])
        interviewee = self._interviewee(labels, [self.resolve(s.speaker) for s in spans if not s.label])
        for s in spans:
            if s.label and s.speaker is not None and s.speaker[0].lower() in _ANSWER_LABELS:
                s.speaker = interviewee
            s.speaker = self.resolve(s.speaker)
        self._conversations(spans)
        out = [Quotation(_span_text(text, s), s.start, s.end, "direct", *(s.speaker or (None, None, None)))
               for s in spans]
        for cs, ce, who in indirect:
            out.append(Quotation(text[cs:ce], cs, ce, "indirect", *(self.resolve(who) or (None, None, None))))
        return out

    def _attribute(self, spans: list[_Span]) -> None:
        """Speakers as written, for every quote that has a speech verb near it."""
        by_para: dict[int, list[_Span]] = {}
        for s in spans:
            if not s.label:
                by_para.setdefault(s.para, []).append(s)
        for pi, group in by_para.items():
            para = self.paras[pi]
            group.sort(key=lambda s: s.open)
            found: Who | None = None
            for k, span in enumerate(group):
                prev_close = group[k - 1].close if k > 0 else para[0]
                next_open = group[k + 1].open if k + 1 < len(group) else para[1]
                span.speaker = self.speaker_for(span, para, prev_close, next_open)
                found = found or span.speaker
            if found is not None:
                for span in group:  # `"A," she said, "B."`: the second part has the same speaker
                    if span.speaker is None:
                        span.speaker = found

    def _conversations(self, spans: list[_Span]) -> None:
        """Unattributed quote paragraphs: alternate turns in a dialogue, else the same speaker goes on."""
        by_para: dict[int, list[_Span]] = {}
        for s in spans:
            by_para.setdefault(s.para, []).append(s)
        history: list[tuple[int, Who | None]] = []
        for pi in sorted(by_para):
            group = by_para[pi]
            who = next((s.speaker for s in group if s.speaker is not None), None)
            if who is None and history:
                last_pi, last = history[-1]
                if last is not None and last_pi >= pi - 2:
                    who = last
                    if last_pi == pi - 1 and len(history) >= 2:
                        prev_pi, prev = history[-2]
                        if prev_pi == last_pi - 1 and prev is not None and prev[0] != last[0]:
                            who = prev
                for s in group:
                    s.speaker = who
            history.append((pi, who))

    def _add_single_quotes(self, spans: list[_Span], paras: list[tuple[int, int]]) -> list[_Span]:
        """Top-level 'straight single quotes' (headlines), only outside double-quoted spans."""
        if "'" not in self.text:
            return spans
        out = list(spans)
        taken = sorted((s.open, s.close) for s in spans)
        opens = [t[0] for t in taken]
        for pi, (ps, pe) in enumerate(paras):
            for m in _SINGLE_RE.finditer(self.text, ps, pe):
                k = bisect_right(opens, m.end()) - 1
                if k >= 0 and taken[k][1] > m.start():
                    continue
                out.append(_Span(m.start(), m.start(1), m.end(1), m.end(), (), pi))
        return out

    def _dash_spans(self, paras: list[tuple[int, int]], labels: dict[int, tuple[str, int, int, int]]) -> list[_Span]:
        """Dialogue introduced by a dash at the start of a paragraph; an incise between dashes is cut out."""
        out = []
        text = self.text
        for pi, (ps, pe) in enumerate(paras):
            if pi in labels or text[ps] not in "—–―":
                continue
            m = _DASH_RE.match(text, ps, pe)
            if not m:
                continue
            start = m.end()
            inner = re.search(r"\s[—–―]\s", text[start:pe])
            if inner:
                end = start + inner.start()
                out.append(_Span(ps, start, end, end, (), pi))
                rest = re.search(r"\s[—–―]\s+(?=\S)", text[end + 2:pe])
                if rest:
                    s2 = end + 2 + rest.end()
                    e2 = pe
                    while e2 > s2 and text[e2 - 1].isspace():
                        e2 -= 1
                    out.append(_Span(end + 2 + rest.start(), s2, e2, e2, (), pi))
            else:
                end = pe
                comma = text.rfind(",", start, pe)
                if comma > start and self.cue.after_quote(_tokens(text, comma, pe)[:10]) is not None:
                    end = comma  # `— Oui, dit-il.`: the incise at the end is not speech
                while end > start and text[end - 1].isspace():
                    end -= 1
                out.append(_Span(ps, start, end, end, (), pi))
        return out

    def _interviewee(self, labels: dict[int, tuple[str, int, int, int]], speakers: list[Who | None]) -> Who | None:
        """Who answers in a Q&A: the most frequent name label, else the last person named before it."""
        names = [(v[0], v[1], v[2]) for v in labels.values()
                 if v[0].lower() not in _QUESTION_LABELS | _ANSWER_LABELS]
        if names:
            best = Counter(n for n, _, _ in names).most_common(1)[0][0]
            return next(n for n in names if n[0] == best)
        if not labels:
            return None
        first = self.paras[min(labels)][0]
        before = [w for w in speakers if w is not None and w[1] < first and _CAP.match(w[0].split()[-1])]
        if before:  # the first person quoted is, in an interview, the one introduced
            return before[0]
        k = bisect_left(self.starts, first) - 1
        if k >= 0:
            s, name, e, _ = self.people[k]
            return name, s, e
        return None

    # -- indirect speech ---------------------------------------------------------------------------
    def _indirect(self, spans: list[_Span], quoted: list[tuple[int, int]]) -> list[tuple[int, int, Who | None]]:
        """Reported speech and thought outside quotation marks: (start, end, speaker as written)."""
        text = self.text
        label_paras = {s.para for s in spans if s.label}
        out: list[tuple[int, int, Who | None]] = []
        opens = [q[0] for q in quoted]
        done: set[int] = set()
        sentences: dict[int, list[tuple[int, int]]] = {}
        for m in _INDIRECT_HINT.finditer(text):
            pi = bisect_right(self.para_starts, m.start()) - 1
            if pi < 0 or pi in label_paras:
                continue
            if pi not in sentences:
                sentences[pi] = _sentences(text, *self.paras[pi])
            ss, se = next(((a, b) for a, b in sentences[pi] if a <= m.start() < b), (-1, -1))
            if ss < 0 or ss in done:
                continue
            done.add(ss)
            k = bisect_right(opens, se)
            inside = [q for q in quoted[max(0, k - 12):k] if q[0] < se and q[1] > ss]
            found = self._indirect_in(ss, se, inside)
            if found is not None:
                out.append(found)
        return out

    def _indirect_in(self, ss: int, se: int, inside: list[tuple[int, int]]) -> tuple[int, int, Who | None] | None:
        text = self.text
        toks = _tokens(text, ss, se)
        if len(toks) < 4:
            return None
        end_tok = len(toks)
        while end_tok > 0 and toks[end_tok - 1].text in ".!?;:\"”’»)":
            end_tok -= 1

        def free(a: int, b: int) -> bool:
            return not any(q0 < b and q1 > a for q0, q1 in inside)

        def made(cs: int, ce: int, who: Who | None) -> tuple[int, int, Who | None] | None:
            while ce > cs and text[ce - 1] in " ,;:":
                ce -= 1
            if ce - cs < 12 or not free(cs, ce):
                return None
            return cs, ce, who

        # `According to X, CLAUSE` / `Selon lui, CLAUSE`
        if toks[0].low in ("according", "selon", "d'après"):
            first = 2 if toks[0].low == "according" else 1
            np = self.cue.forward_np(toks, first)
            if np is not None:
                comma = next((k for k in range(np[1] + 1, min(end_tok, np[1] + 4)) if toks[k].text == ","), None)
                if comma is not None and comma + 1 < end_tok:
                    return made(toks[comma + 1].start, toks[end_tok - 1].end, self._mention(toks, *np))
        # `CLAUSE, X said.` / `CLAUSE, said X.` / `CLAUSE, according to X.`
        for k in range(end_tok - 1, 2, -1):
            if toks[k].text != ",":
                continue
            tail = toks[k + 1:end_tok]
            if not tail or len(tail) > 14:
                break
            if tail[0].low == "according" and len(tail) > 2:
                np = self.cue.forward_np(tail, 2)
                who = self._mention(tail, *np) if np else None
                return made(toks[0].start, toks[k].start, who)
            hit = self.cue.after_quote(tail)
            if hit is not None and (len(tail) - hit[2] > 8 or any(
                    t.low in ("that", "to", "que", "qu'") for t in tail[hit[2] + 1:])):
                hit = None  # `In the article, Sedova hopes to ...` is not an attribution tail
            if hit is not None and all(t.low not in _CONJUNCTIONS for t in tail[:2]):
                glued = hit[0] == -1
                who = self.cue.inverted_pronoun(tail[hit[1]]) if glued else self._mention(tail, hit[0], hit[1])
                return made(toks[0].start, toks[k].start, who)
            break
        # `X said (that) CLAUSE` / `X hopes to CLAUSE` / `X told reporters that CLAUSE`
        for k, t in enumerate(toks[:end_tok]):
            if t.low in _THAT_VERBS and k + 1 < end_tok and toks[k + 1].low in ("that", "que", "qu'"):
                pass
            elif not self.cue.is_verb(t) or t.low in _NAMING or k == 0:
                continue
            b = k - 1
            while b >= 0 and toks[b].low in _AUX:
                b -= 1
            np = self.cue.backward_np(toks, b) if b >= 0 else None
            if np is None:
                continue
            c = k + 1
            if c < end_tok and t.low.startswith(("told", "tell", "asked", "warned", "assured", "reminded")):
                obj = self.cue.forward_np(toks, c)
                if obj is not None:
                    c = obj[1] + 1
                elif c + 1 < end_tok and toks[c].text[0].isalpha() and toks[c + 1].low in ("that", "que"):
                    c += 1  # told reporters that
            if c >= end_tok:
                continue
            nxt = toks[c]
            if nxt.low == "to" and t.low not in _TO_VERBS:
                continue
            if nxt.low in ("that", "que", "qu'", "qu", "to") or nxt.low.startswith("qu'"):
                pass
            elif nxt.low in _STOP_NP or nxt.low in _PREPOSITIONS or not nxt.text[0].isalnum():
                if not (nxt.text == "," and c + 1 < end_tok and toks[c + 1].low in ("however",)):
                    continue
            elif t.low in _THOUGHT and nxt.low not in _PRONOUNS and not _is_cap(nxt) and nxt.low not in _DETERMINERS:
                continue
            if end_tok - c < 3:
                continue
            who = self._mention(toks, *np)
            return made(nxt.start, toks[end_tok - 1].end, who)
        return None


_FIRST_NAMES = _FEMALE_NAMES | _MALE_NAMES
_CAPS_RE = re.compile(rf"\b([{_UPPER}][\w'’-]*\.?)(?:\s+[{_UPPER}][\w'’-]+){{0,2}}")
_SENT_BREAK = re.compile(rf"[.!?]\s+(?=[\"“«„‘{_UPPER}])")
_INDIRECT_HINT = re.compile(
    r"\b(?:According|Selon|said|says|told|tells|believes?|hopes?|thinks?|fears?|expects?|according|argued|argues|claimed|"
    r"claims|insisted|insists|noted|warned|explained|added|stated|wrote|writes|announced|suggested|predicted|"
    r"promised|vowed|acknowledged|admitted|reported|learned|asserted|contended|maintained|alleged|charged|"
    r"confirmed|revealed|indicated|agreed|estimated|denied|selon|dit|déclare|déclaré|affirme|affirmé|explique|"
    r"expliqué|ajoute|ajouté|estime|estimé|espère|pense|croit|souhaite|assure|assuré|souligne|souligné|"
    r"indique|indiqué|précise|précisé|reconnaît|reconnu|shows?|showed|found|suggests?|concluded|worried|"
    r"accused|pledged|montre|craint)\b",
)

_LANGS = ("auto", "en", "fr")


def quotations(text: str, lang: str = "auto") -> list[Quotation]:
    """Every quotation in an article's plain text, in reading order, with its speaker when found.

    `lang` picks the speech-verb lexicon: "en", "fr", or "auto" for both (mixed-language articles).
    Offsets are character offsets into `text`; use `article_text` first for HTML or Markdown.
    """
    if not isinstance(text, str):
        raise QueryError("quotations() needs the article as text: decode bytes or use article_text() first")
    if lang not in _LANGS:
        raise QueryError(f"unknown language {lang!r}: use one of {', '.join(_LANGS)}")
    if not text.strip():
        return []
    found = _Extractor(text, lang).run()
    found.sort(key=lambda q: (q.start, q.end))
    return found
