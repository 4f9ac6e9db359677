"""Quotations and their speakers in an article: direct quotes, interview answers, indirect speech.

Rules for marks and speakers: quote marks are paired by a small stack machine per paragraph, speakers are the
noun phrase next to a speech verb (English and French lexicons), else the subject of the sentence that
quotes (`Trump called it “a disaster”`). The people of a text are gathered with their genders (titles,
first names, the pronouns that follow them); a pronoun goes to the subject of the nearest sentence that
names someone of its gender, or in news to the last person quoted, and unattributed quotes follow the
conversation (in news the same speaker goes on; in a novel people take turns, and the speakers of a whole
conversation are chosen together to fit its tags, its narration, the names its turns call out and that
rhythm; `I` is the name the others call the narrator).
Indirect speech in English comes from a small sequence model trained on PolNeAR (`attribution.py`),
checked against the rules; French uses the rules alone.
`bench/extract.py` measures it on PolNeAR and PDNC.

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
  "the widow of the revolutionary", "the Colonel"), the named person it stands for as written at one
  of their mentions, with that mention's offsets; an unresolved pronoun is reported as written, and so,
  in news, is a description of someone the story does not name ("the official", "the woman").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from misquote.errors import QueryError
from misquote.ingest.mia import MAX_NESTING, markup_depth
from misquote.text import clean_text

Kind = Literal["direct", "indirect", "mention"]

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


def _words_re(words: Iterable[str]) -> re.Pattern[str]:
    """A regular expression for any of `words`, whole, written as a trie (`s(?:aid|ays)`): `re` tries the
    branches of a plain alternation one by one at every word of the text, which costs several times more."""
    def branch(rests: list[str]) -> str:
        by_first: dict[str, list[str]] = {}
        for rest in rests:
            if rest:
                by_first.setdefault(rest[0], []).append(rest[1:])
        alternatives = [re.escape(c) + branch(more) for c, more in sorted(by_first.items())]
        ends = "" in rests
        if len(alternatives) == 1 and not ends:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")" + ("?" if ends else "") if alternatives else ""

    return re.compile(r"\b" + branch(sorted(set(words))) + r"\b")


_EN_CUES = _lexicon("""said says say saying told tells tell telling wrote writes write writing added adds
adding asked asks asking answered answers replied replies reply declared declares explained explains
explaining insisted insists noted notes stated argued argues argue claimed claims announced announces
continued continues recalled recalls warned warns cried cries exclaimed shouted whispered muttered murmured
observed observes remarked remarks responded responds suggested suggests acknowledged acknowledges admitted
admits conceded concedes contended contends tweeted tweets posted joked jokes quipped complained complains
predicted predicts promised promises vowed vows urged urges emphasized emphasizes stressed stresses returned
rejoined retorted sighed laughed repeated repeats began screamed yelled called calls described describes
dubbed labeled labelled reported reports testified testifies wondered wonders interrupted interposed
inquired cautioned boasted bragged countered counters mused pleaded protested protests asserted asserts
maintained maintains alleged alleges charged charges confirmed confirms revealed reveals indicated
indicates agreed agrees estimated estimates thinks thought believes believed hopes hoped fears feared
expects expected wants wanted feels felt knows knew denied denies learned sings sang reads read credited
demanded chanted echoed snapped grumbled groaned moaned sobbed gasped faltered stammered hissed growled
roared thundered bellowed persisted resumed assented objected begged entreated implored ventured beamed
smiled grinned proceeded pursued cry exclaim ask queried scoffed yawned mumbled sneered chuckled
giggled sniffed shrieked wailed panted ejaculated blurted cooed purred croaked drawled lisped stuttered
sputtered spluttered gulped squeaked squealed hollered enquired commented volunteered concluded corrected
breathed commanded flashed assured confided hazarded reflected mourned blustered whimpered exploded quavered
confessed questioned supplied bawled informed speculated barked surmised riffed retaliated
concludes elaborated mocks interjected sniped
declaring insisting warning yelling shouting vowing joking complaining tweeting""")
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
# Their participles, which a passive uses: `was called “reckless” by critics`.
_NAMED = _lexicon("called described dubbed labeled labelled termed branded")
_AUX = _lexicon("""also has have had is was were are be been being will would could might may must should
did does do then later again once previously recently repeatedly often never not reportedly just even almost
first further still already publicly privately quickly simply only finally hasn't never always thus now
half quite sometimes soon presently instantly directly a avait
aurait ont avaient auraient est était lui leur nous vous y en ne n' pas aussi encore déjà alors ensuite
enfin également toujours jamais bien plus""")
# Auxiliaries of the passive voice: `was explained` names what is said, not who says it.
_PASSIVE = _lexicon("is was were are be been being")
# Auxiliaries that make a verb phrase of the words around them: `that was reported`.
_VERB_AUX = _lexicon("is was were are be been being has have had will would could might may must should did does do")
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
earlier later recently week weekend month year morning afternoon evening night ago days weeks months years
lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui""")
_TITLES = _lexicon("""mr mr. mrs mrs. ms ms. miss dr dr. sir lady lord madam madame mme mme. m. mlle mlle.
monsieur mademoiselle sen. sen senator rep. rep gov. gov governor president prof. prof professor gen. gen
general col. col colonel capt. capt captain lt. rev. st. king queen prince princess""")
_FEMALE_TITLES = _lexicon("mrs mrs. ms ms. miss lady madam madame mme mme. mlle mlle. mademoiselle queen princess")
_MALE_TITLES = _lexicon("mr mr. sir lord m. monsieur king prince")
# Titles that only men bear in a novel: `General Tilney` is a man whatever pronouns follow his name.
_MEN_TITLES = _lexicon("general colonel captain gen col capt dr")
# Common first names, to tell "she" from "he" when a person is first named.
_FEMALE_NAMES = _lexicon("""mary elizabeth jane anne ann anna emma catherine charlotte lydia kitty marianne
elinor fanny harriet isabella maria julia sarah susan lucy margaret helen natalia natalie natasha nadezhda
rosa clara eleanor hillary melania ivanka chelsea michelle nancy kellyanne huma donna jill hope laura
barbara patricia jennifer linda karen lisa betty dorothy sandra ashley kimberly emily carol amanda melissa
deborah stephanie rebecca sharon cynthia kathleen amy shirley angela brenda pamela nicole ruth christine
samantha janet rachel alice marie jeanne françoise sophie camille julie louise claire simone ada irene olga
ekaterina sofia sonia tatiana vera nina lily edna daisy cecily sibyl gwendolen mildred evelyn martha
georgiana louisa henrietta penelope caroline diana gwen kate nora polina blanche adèle ellen mae grace
melanie loretta tiffany heather megan hannah olivia ava isabel sophia mia abigail madison chloe victoria
katherine katharine catharine kathryn katie kelly christina kristen erin jessica andrea rose rosie lucia marcia janice
judith judy joan joanne joyce diane denise beverly teresa gloria rita doris frances marilyn debbie
debra paula wendy stacy tracy valerie vanessa veronica virginia sally sylvia beatrice cecilia edith elsie
ethel eliza elsa harriett maud maude mabel molly minnie peggy phoebe priscilla rebekah ruby susanna susannah
theresa winifred agnes alma amelia annie bertha betsy cora dinah dolly dora effie ella esther flora gertrude
hattie hester ida iris isabelle josephine lavinia lettie lillian lizzie lottie lucille lucinda madeleine
margery marion miriam nell nellie olive pearl rachael rhoda sadie selina sophy tabitha ursula violet""")
_MALE_NAMES = _lexicon("""john james william george charles thomas henry edward richard robert michael david
joseph mark donald barack bill mike tim paul ted marco jeb ben chris bernie joe rudy newt steve kevin jason
jeff eric reince sean corey jim bob dan tom frank peter leon lev karl friedrich vladimir josef mao nikita
jean pierre michel jacques louis françois andré philippe alain bernard emmanuel nicolas patrick daniel
victor oscar benjamin fitzwilliam fred frederick arthur harry walter alfred ralph dorian basil alexei
alexis ivan leo dmitri sergei hugh max moses alexander samuel anthony gary larry newton reuben rudolph
adam edmund scott keith kenneth steven brian ronald timothy jeffrey ryan jacob nicholas stephen jonathan
justin brandon raymond gregory matthew andrew joshua christopher dennis jerry tyler aaron douglas nathan
zachary harold carl gerald roger lawrence terry albert austin jesse bruce willie billy bryan roy eugene
russell bobby howard phillip johnny martin randy vincent philip allen mitch mitt rand dick al herbert horace
jasper julian lionel maurice montague nathaniel oliver percy reginald rupert sidney silas tobias wilfred
edgar gilbert godfrey humphrey jack jake josh luke mick nick ned toby walt chuck""")
_FEMALE_NOUNS = _lexicon("""widow wife mother daughter sister woman lady girl actress queen grandmother aunt
niece ladyship spokeswoman congresswoman chairwoman businesswoman girlfriend bride nun waitress veuve épouse
femme mère fille sœur soeur tante historienne""")
_MALE_NOUNS = _lexicon("""widower husband father son brother man gentleman boy king grandfather uncle nephew
spokesman congressman chairman businessman boyfriend groom priest mari époux père fils frère oncle homme""")
_PERSON_NOUNS = _FEMALE_NOUNS | _MALE_NOUNS | _lexicon("""revolutionary author writer leader candidate
nominee senator president minister historian professor official activist philosopher economist poet
novelist politician director analyst lawyer attorney strategist pollster aide adviser advisor consultant
spokesperson founder executive reporter journalist editor columnist host anchor commentator scholar
researcher scientist doctor physician nurse teacher student officer chief governor mayor lawmaker delegate
representative secretary ambassador general colonel veteran organizer owner resident voter supporter critic
member friend neighbor surrogate partner manager chairperson judge sheriff detective révolutionnaire auteur
écrivain dirigeant candidat historien ministre avocat porte-parole""")
# People a news story quotes without naming them: `the man`, `the official`, `his chief aide`.
_ANONYMOUS = _lexicon("""man woman boy girl guy person official aide staffer source voter resident supporter member
friend neighbor officer organizer worker student protester host chief cashier wife husband son daughter brother
sister""")
# People in the plural, who speak as a group: `Protesters chanted “What curfew?”`.
_GROUP_NOUNS = _lexicon("""protesters demonstrators lawmakers officials critics supporters democrats
republicans voters residents police officers leaders activists experts analysts aides advisers advisors
investigators prosecutors researchers scientists economists doctors parents students teachers workers
members critic aide adviser advisor spokesperson crowd audience millennials americans conservatives liberals
progressives evangelicals manifestants responsables élus""")
_NOT_NAMES = _TIME_WORDS | _lexicon("""the a an i it this that these those there here but and or so if in on
at for of to by with as we he she they you his her their its our my your then when while after before yes
no oh well why what who how le la les il elle ils elles je nous vous on ce cette mais et ou donc car si dans
en au aux du des un une selon according chapter note update editor source photo read all now again some not
yet still just only even every each both either neither nothing nobody everyone everybody someone somebody
perhaps indeed surely certainly suddenly presently meanwhile however nevertheless also thus hence whatever
look ah do did don't let pray dear good poor one something was following despite unlike among during speaking
asked responding addressing like""")
# Capitalized words that stand before a name without being part of it: `Secretary General Ban Ki-moon`,
# `Republican Donald Trump`.
_ROLES = _lexicon("""secretary general chairman chairwoman chair spokesman spokeswoman minister judge justice
mayor chief director ambassador attorney speaker leader sheriff officer detective inspector sergeant coroner
superintendent constable doctor father brother sister aunt uncle cousin dame count countess duke duchess
baron baroness emperor empress pope bishop cardinal rabbi reverend coach nurse former republican democratic
democrat gop conservative liberal libertarian independent vice deputy acting prime foreign first senior
interim state defense homeland security house majority minority whip commander admiral major lieutenant
private corporal agent nominee candidate candidat ministre président présidente maire
english french german spanish italian indian american british russian irish scotch scottish welsh dutch swiss
jewish hindu hindus moslem moslems muslim christian catholic protestant european african asian chinese
japanese western eastern southern northern saudi arab israeli palestinian iranian syrian iraqi afghan korean
mexican canadian ukrainian turkish greek egyptian libyan cuban""")
# Countries and American states, which news quotes and names as often as people: not persons.
_PLACES = _lexicon("""alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi
missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont wisconsin
wyoming america china russia mexico iran iraq syria germany france britain england canada japan korea cuba libya
egypt turkey india pakistan afghanistan ukraine europe""") | {
    "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "south carolina", "north dakota",
    "south dakota", "west virginia", "rhode island", "united states", "north korea", "south korea",
    "saudi arabia", "great britain", "united kingdom", "washington state"}
# Offices that stand between a place or a body and a name: `Senate Majority Leader Mitch McConnell`.
_OFFICES = _lexicon("""secretary chairman chairwoman chair spokesman spokeswoman minister mayor director ambassador
speaker leader sheriff commissioner correspondent""")
# The last word of an organization or a place, which no person's name ends with.
_ORG_WORDS = _lexicon("""house senate congress committee council department party university college school
court church street road avenue square park hotel hospital times post news journal press company bank
corporation inc corp association foundation institute agency administration campaign city county states
nations union center centre office group network club magazine review project fund service services
airport station republic kingdom abbey hall place lane bridge river hill castle lodge manor cottage farm
rooms gardens terrace row end island islands ocean sea mountains valley coast street tribune herald
gazette observer guardian telegraph express network channel show debate convention assembly parliament
commission board bureau ministry army navy force forces police guard museum library theatre theater
gallery""")
# The patterns run over whole texts start with a character and look behind it, rather than with a
# lookbehind or `\b`: `re` then finds where a match may start at C speed, two to four times faster.
_NAME_RE = re.compile(
    rf"[{_UPPER}](?<![\w'’-][{_UPPER}])[\w'’]*(?:-[\w'’]+)*\.?(?:(?:[ \t]+|(?<=\.)[ \t]*\n[ \t]*)"
    rf"(?:[{_UPPER}][\w'’]*(?:-[\w'’]+)*\.?|"
    r"(?:de|van|von|der|du|al|bin|da|di|del|la|le)(?=\s+[" + _UPPER + "])))*"
)
# Verbs that only a person (or a body of people) does: `Mathur said`, not `Bath felt` or `Casino returns`.
_SAID = _lexicon("""said says told asked replied answered cried exclaimed whispered muttered murmured shouted
added declared insisted observed remarked retorted responded explained admitted argued tweeted wrote
dit déclare affirme explique ajoute répond""")
# A name followed by the punctuation that closes a vocative: `How, Helen?`.
_CALLED_RE = re.compile(_NAME_RE.pattern + r"(?=[,!?.;—-]|$)")
# Words that open a sentence with an adverbial phrase before its subject.
_INTRO = _lexicon("""in on at during after before while when as since though although meanwhile still
however yet also then now but and so following despite with without for from over under by last earlier
later today yesterday within amid among across throughout until upon dans après avant pendant lors depuis alors
mais puis""")
# Who is named right after a quote, and a lower-case word (a verb, likely) after them, perhaps past an apposition.
_PRONOUN_AFTER = re.compile(r"(he|she|they)\b")
_INVERTED_AFTER = re.compile(r"[a-z]{3,} ")
_VERB_AFTER = re.compile(r"(?:,[^,\n“”\"]{1,80},)?\s+[a-z]")
# What ends a time phrase before the subject: `Two days ago, ...`, `Hours later, ...`.
_AGO = frozenset({"ago", "later", "before", "earlier"})
# Words that open a clause of a sentence, before its subject: `..., while Al proposed “...”`.
_CLAUSE_LINKS = _lexicon("while whereas when")
# Words that open a sentence before its subject, alone: `Yet she did not ...`.
_CONNECTIVES = _lexicon("yet but and so still then also now however meanwhile thus mais et puis alors")
_PROPER_RE = re.compile(rf"[{_UPPER}](?<=[a-z,;] [{_UPPER}])[\w'’-]+")
_NEXT_WORD = re.compile(r"(?:'s|’s)?\s+(\w+)")
# `he` and `she`, capitalized or not, found from their last letter (see `_NAME_RE`).
_SUBJECT = re.compile(r"e\b(?:(?<=\b([Hh])e)|(?<=\b([Ss])he))")
_OBJECTS = frozenset({"his", "him", "her", "hers"})
# he, himself, his, him (group 1); she, herself, her, hers
_THIRD_PERSON = re.compile(r"[hs](?<!\w[hs])(?:(e|imself|is|im)|(?<=s)(he)|(?<=h)(erself|er|ers))\b", re.IGNORECASE)
_BREAK_RE = re.compile(r"[.!?…][\"”’)\]]*\s|\n[ \t]*\n")

_ABBREVIATIONS = (
    "Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gov", "Gen", "Col", "Lt", "Capt", "Prof", "Rev", "Jr",
    "Sr", "Mme", "Mlle", "M", "No", "Vol", "Jan", "Feb", "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov",
    "Dec", r"U\.S", r"U\.K", "[A-Z]",
    # US states, as in `Rep. Elijah E. Cummings (D-Md.)` and `Mitch McConnell, R-Ky.,`
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Fla", "Ga", "Ill", "Kan", "Ky", "La", "Md", "Mass",
    "Mich", "Minn", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn", "Tex", "Vt", "Va", "Wis",
    "Wyo",
)
_ABBREV = re.compile(rf"(?:{'|'.join(_ABBREVIATIONS)})\.$")
# Tokens, each with the white space before it: words (with inner apostrophes, periods and hyphens) and
# punctuation marks; a final period stays on abbreviations only (one lookbehind each, as a lookbehind has a
# fixed width). One `findall` reads a paragraph's, faster than a Match object per token.
_CHUNK_RE = re.compile(r"\s*(?:\w+(?:['’.-]\w+)*(?:\.(?:" + "|".join(rf"(?<={a}\.)" for a in _ABBREVIATIONS)
                       + r"))?|[^\w\s])")


# --------------------------------------------------------------------------------------------------
# Quote marks

_MARK_RE = re.compile(r"[\"“”„‟«»‹›‘’‚]")
_OPEN_CTX = set(" \t\n\u00a0\u202f([{—–-/“‘«‹„‚\"'")
_FAMILY = {"“": "dq", "”": "dq", "„": "dq", "‟": "dq", '"': "dq", "«": "g", "»": "g", "‹": "sg", "›": "sg",
           "‘": "sq", "’": "sq", "‚": "sq"}
_INNER_SPACE = " \t\u00a0\u202f\u2009"
_SINGLE_RE = re.compile(r"['‘](?<![\w'’]['‘])(?=[^\W\d])([^'’‘\n]{1,300}?[\w.,!?])['’](?![\w])")
# Typewriter double quotes, two apostrophes (or two backticks) each side: ''It's over,'' he said.
_TWO_APOSTROPHES_RE = re.compile(r"(?:''|``)(?<![\w'’]''|[\w'’]``)(?=[^\s'])(.{1,3000}?[^\s'])''(?!['\w])", re.DOTALL)


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


# Words before quote marks that name what follows: a show, a film, a book, a memo.
_TITLE_CUES = _lexicon("""titled entitled headlined show shows program programme programs episode episodes
documentary film films movie movies book books novel column commentary op-ed essay article series song album
headline broadcast forum podcast newspaper magazine campaign slogan motto hashtag émission livre intitulé
intitulée""")
# Short words that stay lower-case in a title: `Face the Nation`, `Contract with America`.
_TITLE_SMALL = _lexicon("a an the of and or in on at to for with by from as vs vs. de la le les du des et")
_SPEECH_BEFORE = _CUES["en"] | _CUES["fr"] | _THOUGHT | _lexicon("fear call calls called dubbed named nicknamed")
# `hailed him as "The Comeback Kid"`: someone's words for someone, not a title.
_AS_WORDS = _lexicon("as comme")


def _headline(before: str) -> bool:
    """Whether the words before a quote are in headline case, where every quote looks like a title."""
    longer = [w for w in re.findall(r"[^\W\d_][\w'’-]*", before) if len(w) > 3]
    return len(longer) >= 2 and sum(w[0].isupper() for w in longer) >= 0.8 * len(longer)


# A text this long with many conversation paragraphs is a book: news articles rarely pass 40,000 characters,
# and a news piece can hold long runs of quote paragraphs (a transcript, a Q&A).
_BOOK_CHARS = 100_000


def _is_mention(text: str, span: _Span, para_start: int, fiction: bool = False) -> bool:
    """Whether quote marks hold a title or a nickname (`on CNN's "State of the Union"`) rather than words.

    Only a short title-case phrase inside a sentence counts, after a title word (`titled`, `show`), a
    possessive, or in a sentence with no speech verb. A quote that opens a sentence, follows a comma or
    colon, follows a speech or naming verb (`she said "No"`, `dubbed him "Lyin' Ted"`), or sits in a
    headline stays a quotation, as does anything with `!` or `?`, or lower-case words: in news, scare
    quotes are most often someone's words, and are checked as such. Fiction sets its speech apart, so
    there up to three words quoted inside a narration sentence are named, not said (`a "dear old thing"`).
    """
    if span.label or span.skip or span.close == span.end:
        return False
    words = text[span.start:span.end].split()
    before = text[max(para_start, span.open - 1000):span.open].rstrip(_INNER_SPACE)  # a long paragraph: its end
    if (not words or len(words) > 8 or not before or before[-1] in ".!?:;,…—–-(\"“”«»‘’"
            or any(c in w for w in words for c in "!?")):
        return False
    prior = before.split()
    if fiction and len(words) <= 3 and prior[-1][0].islower() and prior[-1].lower() not in _SPEECH_BEFORE:
        return True
    if not (words[0][0].isupper() or words[0][0].isdigit()) or not all(
            w[0].isupper() or w[0].isdigit() or w.lower() in _TITLE_SMALL or len(w.strip(".,;:")) < 4 for w in words):
        return False
    prev = prior[-1].lower()
    if prev in _ARTICLES and len(prior) > 1:  # `as a "Disgrace"`
        prev = prior[-2].lower()
    if prev in _SPEECH_BEFORE | _AS_WORDS or _headline(before):
        return False
    if prev in _TITLE_CUES or (prev.endswith(("'s", "’s")) and prior[-1][0].isupper()):
        return True  # `documentary "13th"`, `said on ABC's "This Week"`
    after = text[span.close:span.close + 80].lstrip(_INNER_SPACE)
    sentence = re.split(r"[.!?…]\s", before)[-1] + " " + after.split(".")[0]
    if any(w in _SPEECH_BEFORE for w in re.findall(r"\w+", sentence.lower())):
        return False  # `Ryan called it "Dead on Arrival" on Sunday`
    nickname = len(words) <= 2 and prior[-1][0].isupper() and after[:1].isupper()  # `Marcia "Cia" Price`
    return len(words) > 1 or nickname


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
        if (m and m.group("label").lower() not in _NOT_LABELS and len(m.group("label")) < 40
                and any(c.isalpha() for c in text[m.end():pe])):  # `Sanders: 1,547.` is a table, not speech
            found[pi] = (m.group("label"), m.start("label"), m.end("label"), m.end())
    counts = Counter(v[0] for v in found.values())
    dialogue = len(counts) >= 2  # a transcript has two voices at least; one `BYLINE:` is not an interview
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
        elif (label.isupper() and len(label) > 2 and dialogue) or counts[label] >= 2 or words[0].lower() in _TITLES \
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
    chunks = _CHUNK_RE.findall(text, start, end)
    words = [c.lstrip() for c in chunks]
    ends = accumulate(map(len, chunks), initial=start)
    next(ends)
    return [_Tok(w, w.lower().replace("’", "'"), e - len(w), e) for w, e in zip(words, ends, strict=True)]


def _is_cap(tok: _Tok) -> bool:
    return bool(_CAP.match(tok.text)) and tok.low.rstrip(".") not in _NOT_NAMES


_PLACE_PREPOSITIONS = _lexicon("through into across over under around near along past toward towards behind")
# Verbs of aspect before a speech verb's participle: `kept asking`.
_ASPECT = _lexicon("kept keeps began begins started starts continued continues")
# Nouns of speech whose owner speaks: `Trump’s claim that`.
_SPEECH_NOUNS = _lexicon("""claim claims statement statements remark remarks comment comments words assertion
promise warning tweet tweets message description answer reply response rejoinder retort summing declaration
exclamation observation question inquiry suggestion greeting cry""")
# Verbs whose object is who hears: `told reporters`, `asking Clinton`.
_OBJECT_VERBS = ("tell", "told", "ask", "warn", "assur", "remind", "urg", "promis")
# Verbs of headlines, besides the speech verbs: `Obama Sees ‘Personal Insult’`.
_HEADLINE_VERBS = _lexicon("sees speaks slams blasts rips hits praises defends urges")
# First names that are also the names of places.
_PLACE_NAMES = _lexicon("charlotte chelsea florence georgia victoria savannah virginia aurora")
# A capitalized word after these names a place: `in London`, `from Bath`.
_PLACE_BEFORE = (" in ", " from ", " at ", " near ", " into ")
_APPOSITION = re.compile(r",\s+(who\b|whose\b|[^,.;:\"“”]{1,60})")


def _role(text: str, start: int, end: int) -> str | None:
    """How the words around a name show a person: "f" or "m" for `Jo Smith, a spokeswoman` or `the widow
    Jo Smith`, "" for `Jo Smith, who`, `Jo Smith, 33,`, `Jo Smith, a Navy veteran`, `Jo Smith (D-Ore.)`, `economist
    Jo Smith`; None when they do not."""
    before = text[max(0, start - 20):start].split()
    nouns = [before[-1].lower()] if before else []
    someone = text.startswith(" (", end) and _PARTY_STATE.match(text, end + 2) is not None
    m = _APPOSITION.match(text, end, end + 80)
    if m is not None:
        if m.group(1) in ("who", "whose") or (m.group(1).isdigit() and text.startswith(",", m.end())):
            return ""
        words = m.group(1).lower().split()
        if words[0] not in _POSSESSIVES:  # `Jo Smith, her mother` may be two people
            nouns += words
        someone = someone or words[0] in ("a", "an")
    for noun in nouns:
        if noun in _FEMALE_NOUNS:
            return "f"
        if noun in _MALE_NOUNS:
            return "m"
    return "" if someone or any(noun in _PERSON_NOUNS for noun in nouns) else None


def _quoted_at(quoted: list[tuple[int, int]], opens: list[int], i: int) -> bool:
    """Whether offset i is inside one of the quoted spans (sorted, not overlapping; `opens` are their starts)."""
    k = bisect_right(opens, i) - 1
    return k >= 0 and quoted[k][1] > i


def _described(name: str) -> str | None:
    """The gender a description tells (`the old man`: m), "" for a description of neither (`the clergyman`), None
    for no description: a speech tag that only describes its speaker fits whoever of the conversation it fits."""
    words = name.lower().split()
    if len(words) < 2 or words[0] not in _DETERMINERS or any(_CAP.match(w) for w in name.split()[1:]):
        return None
    if any(w in _FEMALE_NOUNS for w in words[1:]):
        return "f"
    return "m" if any(w in _MALE_NOUNS for w in words[1:]) else ""


def _outside(found: Iterable[tuple[int, int, str]], quoted: list[tuple[int, int]]) -> Iterable[tuple[int, int, str]]:
    """The matches, in text order, that start outside every quoted span (sorted, not overlapping)."""
    k = 0
    for match in found:
        while k < len(quoted) and quoted[k][1] <= match[0]:
            k += 1
        if k == len(quoted) or match[0] < quoted[k][0]:
            yield match


def _name_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run of capitalized words cut where a sentence ends inside it (`... met Trump. He said`)."""
    if text.find(". ", start, end) < 0 and text.find(".\n", start, end) < 0:
        return [(start, end)]
    pieces = []
    base = start
    for m in re.finditer(r"\S+?\.(?=\s)", text[base:end]):
        if not _ABBREV.search(m.group()):
            cut = base + m.end() - 1
            if cut > start:
                pieces.append((start, cut))
            start = cut + 1
            while start < end and text[start].isspace():
                start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


_PARTY_STATE = re.compile(r"[RDI]-[A-Z]")  # `Sen. Chuck Grassley (R-Iowa)`: a party and a state
_PARTICLES = frozenset({"de", "van", "von", "der", "du", "al", "bin", "da", "di", "del", "la", "le"})


def _two_people(words: tuple[str, ...], persons: list[list], index: dict[str, list[int]]) -> bool:
    """Whether two name words are two people of a novel: the second someone's name already, not as a surname, and
    the first no name of theirs: `Katharine Cassandra`, said of the cousins, is no third person, nor one of them, and
    `Mrs. Allan Anne` (`Mrs. Allan, Anne` without its comma) is not Anne."""
    if len(words) != 2 or words[1] not in index:
        return False
    first, second = (set(index.get(w, ())) for w in words)
    return not first & second and not any(words[1] in persons[pid][7] or f" {words[1]}" in " ".join(persons[pid][6])
                                           for pid in first | second)


def _person_name(phrase: str) -> tuple[int, str | None, tuple[str, ...], bool] | None:
    """How a capitalized phrase names a person: (offset where the name starts, gender, name words, titled).

    Leading roles and adjectives (`Republican`, `Secretary General`) are cut off, titles (`Mr.`, `Sen.`)
    are kept; None when no name is left or the phrase names a place or an organization.
    """
    parts = []
    pos = 0
    for word in phrase.split():
        pos = phrase.find(word, pos)
        parts.append((pos, word, word.lower()))
        pos += len(word)
    k = 0
    while k < len(parts) and (parts[k][2].rstrip(".") in _NOT_NAMES or (
            parts[k][2] not in _TITLES and parts[k][2].rstrip(".") in _ROLES)):
        k += 1
    for j in range(len(parts) - 2, k, -1):  # `Florida Sen. Marco Rubio`, `Senate Majority Leader Mitch McConnell`
        low = parts[j][2]
        if low in _OFFICES or (low in _TITLES and low not in _MALE_TITLES | _FEMALE_TITLES):
            k = j if low in _TITLES else j + 1  # (not `But Mr. Gardiner`: a sentence's first word, in a novel)
            break
    titled = False
    gender = None
    first = k
    while k < len(parts) and parts[k][2] in _TITLES:
        low = parts[k][2]
        titled = True
        gender = gender or ("f" if low in _FEMALE_TITLES else "m" if low in _MALE_TITLES else None)
        k += 1
    words = []
    for _, word, low in parts[k:]:
        low = low.replace("’", "'")
        if low.endswith(("'s", "s'")):
            low = low[:-2] if low.endswith("'s") else low[:-1]
        if low in _PARTICLES or low == "i" or (len(low) <= 2 and low.endswith(".")):
            continue  # `Morel I think`: the pronoun is no part of the name
        if not _CAP.match(word) or (word.isupper() and len(word) > 1) or _PARTY_STATE.match(word):
            return None  # `NATO`, `CHARLOTTE —`: acronyms and datelines; `(R-Iowa)`
        words.append(low.rstrip("."))
    if not words or len(words) > 5 or (not titled and (words[-1] in _ORG_WORDS or " ".join(words) in _PLACES)):
        return None  # (nor a title-case headline: `Chuck Grassley Compares Trump’s Remark To ...`)
    if gender is None:
        gender = "f" if words[0] in _FEMALE_NAMES else "m" if words[0] in _MALE_NAMES else None
    return parts[first][0], gender, tuple(words), titled


# A run of capitalized words, with the particles of a name: `Bill de Blasio`.
_CAP_RUN = rf"[{_UPPER}][\w'’-]+(?:\s+(?:(?:{'|'.join(sorted(_PARTICLES))})\s+)?[{_UPPER}][\w'’-]+)*"
# The capitalized words that end a description, titles included: `Mr. Emerson` of `the voice of old Mr. Emerson`.
_NAME_AT_END = re.compile(rf"(?<!\S)[{_UPPER}][\w'’.-]*(?:\s+[{_UPPER}][\w'’.-]*)*$")
_APPOSED = re.compile(rf",\s+({_CAP_RUN})")  # a name in apposition after a description
_AFTER_ROLE = re.compile(rf"\s+({_CAP_RUN})")  # a name after a role noun: `Mayor Jo Smith`
_BEFORE_ROLE = re.compile(rf"({_CAP_RUN}),\s+(?:[\w'’]+\s+){{0,3}}(?:l['’])?\Z")  # `Jo Smith, the mayor`
_NAMES_SEEN: dict[str, tuple[int, str | None, tuple[str, ...], bool] | None] = {}
_DEPUTIES = _lexicon("vice deputy assistant lieutenant")  # `the vice president` is not `President Obama`
# Relatives who share a person's surname, and the title they go by: `her mother` is Mrs. Morel.
_KIN_TITLES = {"wife": "mrs", "lady": "mrs", "mother": "mrs", "husband": "mr", "father": "mr"}
_POSSESSIVES = _lexicon("his her their its our my your son sa ses leur leurs")
_ARTICLES = _lexicon("the a an his her their its our my your le la les un une son sa ses leur leurs")
_NOT_SOURCES = _DETERMINERS | frozenset(_PRONOUNS) | {"it"}  # nor `some Republicans`: no `he` or `she`


def _adverb(toks: list[_Tok], k: int) -> bool:
    """`coldly` in `he coldly replied`; not `family` in `his family said`."""
    low = toks[k].low
    return len(low) > 4 and low.endswith("ly") and toks[k].text[0].islower() and (
        k == 0 or toks[k - 1].low not in _ARTICLES)


_ADJECTIVE_ENDS = ("ed", "ful", "ous", "ive", "ic", "al", "old", "ish", "less", "ent", "ant")
_PHRASAL = {"put": ("it",), "puts": ("it",), "went": ("on",), "goes": ("on",), "broke": ("in", "out", "off"),
            "breaks": ("in", "out"), "burst": ("out", "forth"), "chimed": ("in",), "cut": ("in",), "struck": ("in",),
            "pointed": ("out",), "points": ("out",), "shot": ("back",), "shoots": ("back",), "fired": ("back",),
            "fires": ("back",)}


def _put_it(toks: list[_Tok], k: int) -> bool:
    """Speech verbs of two words: `as The New Yorker put it`, `the Pigeon went on`, `Kitty broke in`, `X shot back`."""
    return k + 1 < len(toks) and toks[k + 1].low in _PHRASAL.get(toks[k].low, ())


def _adjective_comma(toks: list[_Tok], k: int) -> bool:
    """The comma between two adjectives before a noun: `the bespectacled, 71-year-old diplomat`."""
    before, after = toks[k - 1], toks[k + 1] if k + 1 < len(toks) else None
    return after is not None and before.text.islower() and before.low.endswith(_ADJECTIVE_ENDS) \
        and before.low not in _PERSON_NOUNS and (after.text[0].isdigit() or after.text.islower()) \
        and after.low not in _STOP_NP and after.low not in _DETERMINERS and after.low not in _PRONOUNS \
        and not after.low.endswith("ly")


def _preposition_on(toks: list[_Tok], k: int) -> bool:
    """`on Twitter`, `on the air`: English `on`, not the French pronoun."""
    return toks[k].low == "on" and k + 1 < len(toks) and (
        _CAP.match(toks[k + 1].text) is not None or toks[k + 1].low in _DETERMINERS or toks[k + 1].text[0].isdigit())


def _clause_after(toks: list[_Tok], verb: int, most: int) -> bool:
    """Whether a speech verb goes on with what was said (`insisted that ...`) rather than ending the tag."""
    return len(toks) - verb > most or any(t.low in ("that", "que") for t in toks[verb:])


def _initial(toks: list[_Tok], k: int) -> bool:
    """A middle initial between two capitalized words: `James A. Baker`."""
    return len(toks[k].text) == 2 and toks[k].text[1] == "." and toks[k].text[0].isupper() and 0 < k < len(toks) - 1 \
        and _is_cap(toks[k + 1])


def _absolute(toks: list[_Tok], k: int) -> bool:
    """Whether token k starts the subject of an absolute clause, `..., with Jo noting that ...`: Jo speaks there."""
    return k > 1 and toks[k - 1].low == "with" and toks[k - 2].text == "," and any(
        t.low.endswith("ing") and t.text.islower() for t in toks[k + 1:k + 6])


def _before_apposition(toks: list[_Tok], hit: tuple[int, int, int]) -> list[_Tok]:
    """A tag `says Dante Scala, a professor at ...` up to its name: the apposition is no clause that goes on."""
    a, b, verb = hit
    if a > verb and b + 2 < len(toks) and toks[b + 1].text == "," and toks[b + 2].low not in ("that", "and", "but") \
            and not toks[b + 2].low.endswith("ing") and not any(t.text in "“\"" for t in toks[b + 1:]):
        return toks[:b + 1]
    return toks


def _hometown(toks: list[_Tok]) -> bool:
    """An apposition that tells a person's age or town, not who they are: `22`, `of Flint`, `Mich.`."""
    return bool(toks) and (all(t.text.isdigit() for t in toks) or (toks[0].low in ("of", "from") and all(
        _CAP.match(t.text) for t in toks[1:])) or (len(toks) == 1 and _ABBREV.search(toks[0].text) is not None)
        or " ".join(t.low for t in toks) in _PLACES)


def _after_parenthesis(toks: list[_Tok], k: int) -> int:
    """The token after a short parenthesis that starts at k (`(D-Md.)`), else k."""
    if k < len(toks) and toks[k].text == "(":
        end = next((j for j in range(k + 1, min(len(toks), k + 10)) if toks[j].text == ")"), None)
        if end is not None:
            return end + 1
    return k


class _Cue:
    """Finds speech verbs and the noun phrase that speaks them in a stretch of text."""

    def __init__(self, lang: str) -> None:
        if lang == "auto":
            self.verbs = _CUES["en"] | _CUES["fr"]
        else:
            self.verbs = _CUES[lang]

    def is_verb(self, tok: _Tok) -> bool:
        if tok.text[0].isupper():  # `the United States`, `Reports`
            return False
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
        if t.low in _PRONOUNS and not _preposition_on(toks, i):
            return i, i
        if t.low.rstrip(".") in _TIME_WORDS or not t.text[0].isalnum():
            return None
        if t.low.startswith("l'") and len(t.low) > 3:  # l'historienne
            return i, i
        if not _is_cap(t) and t.low not in _DETERMINERS and t.low not in _TITLES:
            # `said 9/11 widow Terry Strada`, `said former aide Huma Abedin`
            k = i
            while k < len(toks) and k - i < 6 and (toks[k].text[0].isalnum() or toks[k].text == "/") \
                    and not _is_cap(toks[k]) and toks[k].low not in _STOP_NP and toks[k].low not in _PREPOSITIONS:
                k += 1
            if k == i or k >= len(toks) or k - i >= 6 or not _is_cap(toks[k]):
                return None
            np = self.forward_np(toks, k)
            if np is None or any(t.low in _PERSON_NOUNS or t.low in _ROLES for t in toks[i:k]):
                return (i, np[1]) if np else None
            return np  # `said poor Ada`: an adjective is no part of the name
        j = i
        if t.low in _DETERMINERS:
            j = i + 1
            while j < len(toks) and j - i < 9:
                w = toks[j]
                if w.text == "," and j > i + 1 and _adjective_comma(toks, j):
                    j += 1  # `the bespectacled, 71-year-old diplomat`
                    continue
                if not w.text[0].isalnum() or w.low in _STOP_NP or (
                        (self.is_verb(w) or _put_it(toks, j)) and j > i + 1):
                    break
                if ((w.low.endswith("ly") or w.low in _AUX) and j > i + 1) or w.low in _VERB_AUX or (
                        j + 1 < len(toks) and toks[j + 1].low == "than"):
                    break  # `cried his wife impatiently`, `“...” that was reported`, `the city less than`
                if w.low in _PREPOSITIONS and w.low not in ("of", "for", "de", "du", "des", "d'"):
                    break
                j += 1
            return (i, j - 1) if j > i + 1 else None
        if t.low in _TITLES or _is_cap(t):
            while j + 1 < len(toks):
                if _is_cap(toks[j + 1]) or toks[j + 1].low in ("de", "van", "von", "le", "la", "du", "der", "al",
                                                               "bin") or _initial(toks, j + 1):
                    j += 1
                    continue
                # `Texas delegate Bill Eastland`, `Democratic presidential candidate Sen. Bernie Sanders`
                k = next((k for k in range(j + 1, min(j + 4, len(toks) - 1)) if toks[k].low in _PERSON_NOUNS), None)
                if k is None or not _is_cap(toks[k + 1]) or not all(
                        w.text.isalpha() and w.text.islower() for w in toks[j + 1:k + 1]):
                    break
                j = k + 1
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
            while k >= 0 and toks[k].text != "," and i - k < 22:
                k -= 1
            while k > 0 and toks[k].text == "," and _hometown(toks[k + 1:i]):  # `Jo Smith, 22, of Flint, Mich., said`
                i, k = k, k - 1
                while k >= 0 and toks[k].text != "," and i - k < 22:
                    k -= 1
                if k < 0 or toks[k].text != ",":
                    return self.backward_np(toks, i - 1) if _is_cap(toks[i - 1]) else None
            if k > 0 and toks[k].text == "," and _is_cap(toks[k - 1]) and toks[k + 1].low not in _VERB_AUX:
                return self.backward_np(toks, k - 1)
            if k > 0 and toks[k].text == "," and i - k <= 5 and all(
                    _is_cap(w) or _initial(toks, j) for j, w in enumerate(toks[k + 1:i], k + 1)):
                # `Trump's attorney, Alan Garten, said`: the name in apposition, unless it is the second of two
                # (`Jo Smith, the editor of the paper, The Post, said`)
                first = next((m for m in range(k - 1, max(0, k - 22), -1) if toks[m].text == ","), 0)
                if first and _is_cap(toks[first - 1]) and toks[k - 1].low not in _PERSON_NOUNS | _ROLES:
                    return self.backward_np(toks, first - 1)
                return k + 1, i - 1
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
        if t.low.rstrip(".") in _TIME_WORDS or (len(t.low) > 4 and t.low.endswith("ly")):
            return None  # `tweets early Friday saying`, `a swiftly called meeting`
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
        if 2 <= j <= i and toks[j - 1].low == "who":  # `an official who spoke anonymously said`: the official
            return self.backward_np(toks, j - 2)
        if j > i or toks[j].low in _PREPOSITIONS or toks[i].low in _FUNCTION_WORDS:
            return None
        if any(w.low in _VERB_AUX or w.low.endswith("n't") for w in toks[j:i + 1]) or (
                j < i and toks[j].low in _POSSESSIVES and toks[j + 1].low in _PREPOSITIONS):
            return None  # `the areas that were hacked suggested`, `accused her of making racist remarks`
        return j, i

    def after_quote(self, toks: list[_Tok]) -> tuple[int, int, int] | None:
        """Speaker right after a quote: `, she said`, `, said the senator`, `, a dit M. X`; (np, verb)."""
        i = 0
        while i < len(toks) and toks[i].text in ",.;:—–―-!?…":
            i += 1
        if i < len(toks) and toks[i].low == "as":  # `, as a Homeland Security memo put it`
            i += 1
        if i >= len(toks):
            return None
        if toks[i].text == "according" and i + 2 < len(toks) and toks[i + 1].low == "to":  # `, according to X.`
            np = self.forward_np(toks, i + 2)
            return (np[0], np[1], i) if np is not None else None
        if toks[i].low == "was" and i + 1 < len(toks) and _is_cap(toks[i + 1]):  # `“...” was Anne's answer`
            j = i + 1
            while j + 1 < len(toks) and _is_cap(toks[j + 1]) and not toks[j].low.endswith("'s"):
                j += 1
            rest = [t.low for t in toks[j + 1:j + 4]]  # `Catherine s answer`: some editions drop the apostrophe
            if (toks[j].low.endswith("'s") or rest[:1] == ["s"]) and any(w in _SPEECH_NOUNS for w in rest):
                return i + 1, j, j
        if toks[i].low == "it" and i + 1 < len(toks) and self.is_verb(toks[i + 1]):
            return i, i, i + 1  # `, it added`: the paper or the report quoted last
        if any(t.text in "—–―-" for t in toks[:i]) and _is_cap(toks[i]):  # `“...” ― Ariana Huichapa`, `- Sanders.`
            np = self.forward_np(toks, i)
            if np is not None and (np[1] + 1 == len(toks) or toks[np[1] + 1].text in ".,"):
                return np[0], np[1], np[1]
        # inverted: said X / a déclaré X / dit-il
        j = i
        while j < len(toks) and ((toks[j].low in _AUX and toks[j].text.islower()) or _adverb(toks, j)) \
                and not self.is_verb(toks[j]):  # (not `Will` of `“...,” Will wrote`)
            j += 1
        if j < len(toks) and self.is_verb(toks[j]) and j - i <= 2:
            if self.inverted_pronoun(toks[j]) or re.search(r"-t-(il|elle|on)$", toks[i].low):
                return -1, j, i
            np = self.forward_np(toks, j + 1)
            if np is not None and toks[np[0]].low not in ("that", "this", "it", "que", "qu'") \
                    and not toks[j].low.startswith(("told", "tell")) and not (
                        toks[j].low.endswith("ing") and toks[np[0]].low in _DETERMINERS) and not (
                        np[1] + 1 < len(toks) and toks[np[1] + 1].low in _VERB_AUX):
                # not `adding that ...`, `told The Post`, `saying the city is fine`, `saying they were wrong`
                return np[0], np[1], j
            return None
        np = self.forward_np(toks, i)
        if np is None:
            return None
        k = _after_parenthesis(toks, np[1] + 1)  # Rep. Elijah E. Cummings (D-Md.) said
        if k + 1 < len(toks) and toks[k].low == "and" and (other := self.forward_np(toks, k + 1)) is not None \
                and toks[other[0]].low not in _PRONOUNS:
            k = _after_parenthesis(toks, other[1] + 1)  # `Phil Berger and Tim Moore, both Republicans, said`
        if k + 1 < len(toks) and (
                (toks[k].low in ("in", "at", "from", "on", "with") and toks[np[0]].low in _DETERMINERS)
                or (toks[k].low == "of" and _is_cap(toks[np[1]]) and _is_cap(toks[k + 1]))):
            place = self.forward_np(toks, k + 1)  # `a Democratic staffer in the room wondered`, `Bush of Florida said`
            if place is not None and toks[place[0]].low not in _PRONOUNS:
                k = place[1] + 1
        if k + 1 < len(toks) and toks[k].text == "," and self.is_verb(toks[k + 1]) and _is_cap(toks[np[0]]) \
                and _is_cap(toks[np[1]]):
            k += 1  # `Hunter's chief of staff, Joe Kasper, told`: the name that closes an apposition
        for _ in range(2):  # X, the Republican attorney general of Oklahoma, one of the states suing, said
            if k < len(toks) and toks[k].text == ",":
                k2 = k + 1
                while k2 < len(toks) and toks[k2].text != "," and k2 - k < 22:
                    k2 += 1
                if k2 < len(toks) and toks[k2].text == ",":
                    k = k2 + 1
                    if k < len(toks) and not (self.is_verb(toks[k]) or toks[k].low in _AUX or _adverb(toks, k)):
                        k = k2  # a second apposition
        while k < len(toks) and (toks[k].low in _AUX or _adverb(toks, k)) and not self.is_verb(toks[k]):
            k += 1
        if k < len(toks) and (self.is_verb(toks[k]) or _put_it(toks, k)) and k - np[1] <= 30:
            return np[0], np[1], k
        return None

    def _reporting(self, toks: list[_Tok], clause: int) -> tuple[int, int, int] | None:
        """The tag of a clause that reports the one starting at token `clause`: `Trump said (that) Romney begged him
        and “...”`, `Trump said that Clinton described it as “...”` are Trump's words (not `uttering charges that X
        called`, nor `after Al said that ..., Jo told Al`)."""
        outer = self.last_verb(toks[:clause])
        if outer is None or toks[outer[2]].low not in _SAID:
            return None
        between = toks[outer[2] + 1:clause]
        if any(w.text == "," for w in between) or not (outer[2] + 1 == clause or any(w.low == "that" for w in between)):
            return None
        return outer

    def subject(self, toks: list[_Tok], proper: set[str], anyone: bool = False) -> tuple[int, int] | None:
        """The subject of a sentence, after an introductory phrase (`In July, Gingrich dismissed ...`), when it
        names someone: a pronoun, a person noun, or a capitalized word found capitalized mid-sentence too; with
        `anyone`, whatever it is (`The report found`)."""
        dash = next((k for k, t in enumerate(toks[:9]) if t.text in ("—", "–", "-", "--")), 0)
        i = dash + 1 if dash and all(t.text[0].isupper() or t.text in ",.()" for t in toks[:dash]) and (
            toks[1].text == "(" or (toks[0].text.isupper() and len(toks[0].text) > 1)) else 0
        for _ in range(2):  # after a dateline, `WASHINGTON (AP) —`
            if i < len(toks) and toks[i].low in _CONNECTIVES:  # `Then Mrs. Honeychurch opened her door and said:`
                i += 2 if i + 1 < len(toks) and toks[i + 1].text == "," else 1
            elif i < len(toks) and (toks[i].low in _INTRO or toks[i].low.endswith(("ing", "ly"))):
                # `In July, Gingrich ...`
                i = next((k + 1 for k in range(i + 1, min(len(toks), i + 25)) if toks[k].text == ","), i + 1)
            elif (ago := next((k for k in range(i + 1, min(i + 5, len(toks) - 1)) if toks[k].low in _AGO), 0)) \
                    and toks[ago + 1].text == ",":
                i = ago + 2  # `Eight years ago, he ...`, `Hours later, she ...`
        np = self.forward_np(toks, i)
        if np is not None and 1 < i < np[1] + 2 < len(toks) and toks[i - 1].text == "," and _is_cap(toks[i - 2]) \
                and toks[np[1] + 1].text == ",":
            np = self.forward_np(toks, np[1] + 2)  # `Speaking in Salem, New Hampshire, Trump said`: not the state
        if np is None or np[1] + 2 >= len(toks):
            return None
        words = toks[np[0]:np[1] + 1]
        first = words[0].low
        if first in ("you", "it", "on") or (words[0].text.isupper() and len(words[0].text) > 1):
            return None  # `FLINT, Mich. —`: a dateline or a heading
        if anyone:
            return np
        if first in _DETERMINERS:  # `the astonishment of Isabella` is no one; `the Republican nominee` is
            core = []
            for k, w in enumerate(words[1:], np[0] + 1):
                if w.low in _PREPOSITIONS or w.low in _AUX or w.low.endswith("ed") or _adverb(toks, k):
                    break
                core.append(w)
            heads = [k for k, w in enumerate(core, np[0] + 1) if w.low in _PERSON_NOUNS or w.low in _GROUP_NOUNS]
            if heads and toks[heads[-1] + 1].low not in _PREPOSITIONS:  # `The former president spoke hours after`
                return np[0], heads[-1]
            if heads or (first not in _POSSESSIVES and any(_is_cap(w) for w in core)):
                return np
            return None
        if first in _PRONOUNS or any(_is_cap(w) for w in words[1:]) or first in proper or first in _FIRST_NAMES \
                or first in _TITLES or any(w.low in _PERSON_NOUNS or w.low in _GROUP_NOUNS for w in words):
            return np
        return None

    def last_verb(self, toks: list[_Tok], strong_only: bool = True) -> tuple[int, int, int] | None:
        """The last speech verb in a stretch and its speaker: `X said:`, `according to X,`; (np, verb)."""
        said_before = False  # past `, adding`, only a verb of saying
        for k in range(len(toks) - 1, -1, -1):
            t = toks[k]
            if said_before and t.low not in _SAID:
                continue
            if said_before and k > 0 and toks[k - 1].low in ("who", "which", "that"):
                return None  # `an architect who said ..., saying “...”`: not the architect
            if t.low in ("according", "selon", "d'après"):
                first = k + 2 if t.low == "according" else k + 1
                np = self.forward_np(toks, first)
                if np is not None:
                    return np[0], np[1], k
                continue
            if t.low in _SPEECH_NOUNS and k > 0 and toks[k - 1].low.endswith("'s") and _is_cap(toks[k - 1]):
                if k + 1 < len(toks) and toks[k + 1].low in _VERB_AUX | _AS_WORDS:
                    continue  # `denounced Trump's remarks as “hurtful”`, `his comments are “...”`: words on them
                outer = self.last_verb(toks[:k - 1]) if k + 1 == len(toks) or toks[k + 1].low not in ("that", "of") \
                    or toks[-1].low in _PASSIVE else None
                if outer is not None and "," not in (w.text for w in toks[outer[2]:k]):
                    # `Ryan called Trump's remarks “racist”`, `Jo said Al's claim that ... is “false”`: Ryan's, Jo's
                    return outer
                return k - 1, k - 1, k  # `Trump’s claim that there have been “thousands of shootings”`
            if not (self.is_verb(t) or _put_it(toks, k) or (k == 0 and t.low in _SAID)) or (
                    strong_only and t.low in _THOUGHT) or (k > 0 and toks[k - 1].low in _ARTICLES) or (
                    t.low.endswith("s") and t.low not in _SAID and k + 1 < len(toks) and toks[k + 1].low == "of"):
                continue  # `Said Comey, “...”`; not the noun of `his claims were “sarcasm”`, `initial reports of`
            if self.inverted_pronoun(t):
                return -1, k, k
            participle = t.low.endswith("ing")
            b = k - 1
            if participle and b >= 1 and _put_it(toks, b - 1):
                b -= 2  # `went on saying`: `on` is no one
            if b >= 1 and toks[b].low == "to" and toks[b - 1].low.endswith("ed") and t.low in ("say", "ask", "add"):
                b -= 2  # `Mr. Trump was prompted to say`
            while b >= 0 and (toks[b].low in _AUX or _adverb(toks, b) or (participle and toks[b].low in _ASPECT)):
                b -= 1
            if t.low.endswith("ed") and any(w.low in _PASSIVE for w in toks[b + 1:k]):
                continue  # `what had delighted the town was now explained`: no one speaks
            if participle and b >= 0 and toks[b].text == ",":
                # `In an interview with CNN, Trump ..., saying “...”`: the clause's subject says it; `Ada said,
                # adding that ...`: Ada
                said_before = True
                continue
            if b > 0 and toks[b].text == ")":  # Sen. Bernie Sanders (Vt.) said
                b = next((j - 1 for j in range(b - 1, max(0, b - 10), -1) if toks[j].text == "("), b)
            if b >= 0 and re.search(r"-t-(il|elle|on)$", toks[b].low):
                return -1, b, k
            np = self.backward_np(toks, b)
            if np is not None and np[0] > 0 and toks[np[0] - 1].low in _PLACE_PREPOSITIONS:
                np = None  # `Protesters marching through the streets chanted`: not the streets
            if np is not None and participle and not _is_cap(toks[np[0]]) and toks[np[0]].low not in _PRONOUNS:
                return None  # `Sanders started out their ninth debate saying “...”`: not the debate
            if np is not None and participle and np[0] > 0 and toks[np[0] - 1].low in ("to", "in", "at", "on"):
                continue  # `Thiel wrote in a statement to Wired explaining`: Thiel, who wrote
            if np is not None and (b == k - 1 or toks[b].text != ","):
                outer = self._reporting(toks, np[0])
                return outer if outer is not None else (np[0], np[1], k)
            np = self.forward_np(toks, k + 2 if _put_it(toks, k) else k + 1)  # `went on Ada`, not `on`
            if np is not None and toks[np[0]].low == "on" and t.low in _EN_CUES:
                np = None  # `adding on climate change matters, “...”`: the preposition, not the French pronoun
            if np is not None and (toks[np[1]].low.endswith("'s") or (
                    np[1] + 1 < len(toks) and toks[np[1] + 1].low in _VERB_AUX)):
                np = None  # `said Trump's messages have given “...”`, `said Nunberg was “...”`: no one who says
            if np is not None and toks[np[0]].low not in _DETERMINERS | {"it", "that"} and not t.low.startswith(
                    _OBJECT_VERBS) and t.low not in _NAMING:  # `telling O'Reilly that` names who hears it
                return np[0], np[1], k
        return None


# --------------------------------------------------------------------------------------------------
# Sentences

# closing and opening marks around the break include two apostrophes, the New York Times' double mark
_SENT_END = re.compile(r"[.!?…]+(?:''|[\"”’»)\]])*(?=\s+(?:''|[\"“‘«(\[])?[" + _UPPER + r"0-9])"
                       r"|[.!?…]+(?:''|[\"”’»)\]])*\s*$")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        k = m.end()
        if _ABBREV.search(text, max(pos, m.start() - 12), m.start() + 1):
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
        self.sources: list[tuple[int, Who]] = []
        self.resolved: dict[Who, Who | None] = {}
        self.tags: dict[int, Who] = {}  # quote's opening offset -> its speech tag's speaker as written
        self.name_index: dict[str, list[int]] = {}  # name word -> persons
        self.names: list[set[str]] = []  # by person
        self.addressed: dict[tuple[int, bool], list[Who]] = {}  # (first quote's offset, known only) -> called
        self.dialogue = False  # many quote paragraphs in a row: a novel's conversations, not news
        self.follows: list[int] = []  # the quote paragraphs that follow another
        self.common: dict[str, bool] = {}
        self.titled: dict[str, list[Who]] = {}  # `mrs bennet` -> where a person is so named
        self.proper: set[str] | None = None  # words written capitalized in mid-sentence, lower case
        self.people: list[tuple[int, str, int, int]] = []  # start, name as written, end, person
        self.starts: list[int] = []
        self.genders: list[str | None] = []  # by person
        self.pronouns: list[tuple[int, int, str]] = []  # he and she outside quotes: start, end, gender
        self.pronoun_starts: list[int] = []
        self.chain: dict[int, Who | None] = {}  # pronoun start -> the person it stands for
        self.talkers: set[int] = set()  # persons a speech tag names
        self.keys: dict[Who, int | str] = {}  # speaker -> person, or words (`_key`)
        self.shared: set[str] = set()  # in news, surnames of a man and a woman: `Clinton` tells no gender

    # -- people ------------------------------------------------------------------------------------
    def _mention(self, toks: list[_Tok], a: int, b: int) -> Who:
        start, end = toks[a].start, toks[b].end
        words = self.text[start:end]
        if words.endswith(".") and not _ABBREV.search(words):
            end -= 1
        elif words.endswith(("'s", "’s")) and _CAP.match(toks[b].text):  # `was Anne's answer`
            end -= 2
        return self.text[start:end], start, end

    @staticmethod
    def _name(phrase: str) -> tuple[int, str | None, tuple[str, ...], bool] | None:
        """`_person_name`, once per phrase: names come back again and again, from one text to the next."""
        if phrase not in _NAMES_SEEN:
            if len(_NAMES_SEEN) > 100_000:
                _NAMES_SEEN.clear()
            _NAMES_SEEN[phrase] = _person_name(phrase)
        return _NAMES_SEEN[phrase]

    def _collect_people(self, quoted: list[tuple[int, int]], speakers: Iterable[Who | None]) -> None:
        """Named persons in text order, each linked to one person of the text, with a gender when it can be told.

        A capitalized name outside quotes is a person when it has a title or a common first name, or shares a
        name word with someone who speaks somewhere; `Darcy` is the person last named `Mr. Darcy`. A gender
        comes from titles and first names, else from the pronouns that follow the person's mentions.
        """
        text = self.text
        opens = [q[0] for q in quoted]
        self.dialogue = self._is_dialogue()

        def named_at(i: int) -> bool:
            """A name outside quotes, or, in news, inside a long quoted passage of narration."""
            k = bisect_right(opens, i) - 1
            return k < 0 or quoted[k][1] <= i or (not self.dialogue and quoted[k][1] - quoted[k][0] > 400)

        speaking: set[str] = set()
        for who in speakers:
            if who is not None:
                runs = _NAME_RE.findall(who[0])
                found = self._name(runs[-1]) if runs else None
                article = who[0].split(maxsplit=1)[0].lower() in _ARTICLES
                if found is not None and not article:  # `the female English` are no one's name
                    speaking.update(found[2])
        candidates: list[tuple[int, str, int, tuple[str, ...], str | None, bool]] = []
        named: Counter[str] = Counter()
        placed: Counter[str] = Counter()
        proper = self._proper()
        for m in _NAME_RE.finditer(text):
            start, end = m.span()
            if (end - start < 9 and m.group().lower() in _NOT_NAMES) or not named_at(start):
                continue
            for s, e in _name_pieces(text, start, end):
                if text[e - 1] == "." and not _ABBREV.search(text, s, e):
                    e -= 1
                space = text.find(" ", s, e)
                while space > 0 and self._common(text[s:space]):
                    s = space + 1  # `Had Miss Bingley`, `Though Elizabeth`: a sentence's first word
                    space = text.find(" ", s, e)
                found = self._name(text[s:e])
                if found is None:
                    continue
                cut, gender, words, titled = found
                if len(words) == 1 and words[0] in _PLACE_NAMES and text[max(0, s - 4):s] in (" in ", " at "):
                    continue  # `the death in Charlotte`
                sure = titled or words[0] in _FIRST_NAMES
                if not sure:
                    verb = _NEXT_WORD.match(text, e)
                    sure = verb is not None and verb.group(1) in _SAID
                if not sure and len(words) > 1:  # `Aparna Mathur, who studies`, `economist Aparna Mathur`
                    role = _role(text, s, e)
                    if role is not None:
                        sure, gender = True, gender or (role or None)
                if sure:
                    speaking.update(words)
                if text.endswith(("'s", "’s"), s, e):  # `Mrs. Gardiner's` names Mrs. Gardiner
                    e -= 2
                candidates.append((s + cut, text[s + cut:e], e, words, gender, sure))
                named[text[s + cut:e]] += 1
                if text.endswith(_PLACE_BEFORE, 0, s):
                    placed[text[s + cut:e]] += 1

        def place(name: str) -> bool:
            """`in London`, `from Bath`, `at Oxford`: a name met after such a preposition once in three times names a
            place."""
            return placed[name] >= 2 and placed[name] * 3 >= named[name]

        def family(start: int, words: tuple[str, ...]) -> bool:
            """`the Morels`, `the Miss Gordeys`: a family or sisters named after someone's name, no one person."""
            last = words[-1]
            return len(last) > 4 and last.endswith("s") and text[max(0, start - 4):start].lower() == "the " and (
                last[:-1] in speaking or (last.endswith("es") and last[:-2] in speaking))

        found_people = [c[:5] for c in candidates if (c[5] or (
            any(w in speaking for w in c[3]) and (len(c[3]) > 1 or c[3][0] in proper or (
                c[3][0] not in _GROUP_NOUNS and not self._common(c[1]))) and not place(c[1]))) and
            not family(c[0], c[3])]
        persons: list[list] = []  # name words, gender, last seen, he-votes, she-votes, titles, `mrs bennet`, surnames
        index: dict[str, list[int]] = {}
        people: list[tuple[int, str, int, int]] = []
        plain: list[bool] = []  # the mention names its person unambiguously: its pronouns tell the gender
        for s, name, e, words, gender in found_people:
            if self.dialogue and _two_people(words, persons, index):
                continue
            # a novel's `Mrs. Morel` and `Miss Morel` are two people; news calls one `Sen. Warren` and `Ms. Warren`
            title = name.split(maxsplit=1)[0].lower().rstrip(".") if self.dialogue and len(name.split()) > 1 else ""
            title = title if title in _TITLES else ""
            pid = self._same_person(words, gender, persons, index, title, self.dialogue)
            plain.append(pid is None or len(words) > 1 or len(index.get(words[0], ())) == 1)
            if pid is None:
                pid = len(persons)
                persons.append([set(words), gender, s, 0, 0, {title} - {""}, set(), set()])
                for w in words:
                    index.setdefault(w, []).append(pid)
            else:
                person = persons[pid]
                for w in words:
                    if w not in person[0]:
                        person[0].add(w)
                        index.setdefault(w, []).append(pid)
                person[1] = person[1] or gender
                person[2] = s
                if title:
                    person[5].add(title)
            if title and len(words) == 1:
                persons[pid][6].add(f"{title} {words[0]}")
            elif len(words) > 1:
                persons[pid][7].add(words[-1])
            people.append((s, name, e, pid))
        for k, (_, _, e, pid) in enumerate(people):
            if not plain[k]:
                continue
            limit = min(e + 150, people[k + 1][0] if k + 1 < len(people) else len(text))
            m = _THIRD_PERSON.search(text, e, limit)
            if m is not None and not _quoted_at(quoted, opens, m.start()) and "\n\n" not in text[e:m.start()]:
                # `she` is surer than `her`, which may be someone else's: `Melanie said to him, who began his`;
                # news names many more people around each one than a novel does
                persons[pid][3 if m.group(1) else 4] += (self.dialogue if m.group().lower() in _OBJECTS else 2)
        self.genders = [p[1] or ("m" if p[5] & _MEN_TITLES or p[3] > 2 * p[4] else "f" if p[4] > 2 * p[3] else None)
                        for p in persons]
        if not self.dialogue:
            seen: dict[str, str] = {}
            for (words, *_), gender in zip(persons, self.genders, strict=True):
                for w in words if gender is not None else ():
                    if seen.setdefault(w, gender) != gender:
                        self.shared.add(w)
        self.names = [p[0] for p in persons]
        self.name_index = index
        self.people = people
        self.starts = [p[0] for p in people]
        # named speakers in text order, whom a news story's `he said` goes on with
        self.sources = [] if self.dialogue else sorted(
            (w[1], w) for w in speakers if w is not None and w[0].split()[0].lower() not in _NOT_SOURCES
            and w[0].split()[-1].lower() not in _GROUP_NOUNS and self._person(w) is not None)
        self.pronouns = list(_outside(((m.start(1), m.end(), "m") if m.group(1) else (m.start(2), m.end(), "f")
                                       for m in _SUBJECT.finditer(text)), quoted))
        self.pronoun_starts = [p[0] for p in self.pronouns]
        self.chain = {}
        self.talkers = {pid for w in speakers if w is not None and w[0].lower() not in _PRONOUNS
                        and (pid := self._person(w)) is not None}

    def _is_dialogue(self) -> bool:
        """Whether the text is a novel's dialogue rather than news: many quote paragraphs in a row, and some of
        them turns that no speech tag marks, one after another (a news story names the speaker of nearly every
        quote paragraph, however many follow each other)."""
        tagged = {bisect_right(self.para_starts, at) - 1 for at in self.tags}
        untagged = sum(pi not in tagged and pi - 1 not in tagged for pi in self.follows)
        return len(self.follows) >= 15 and untagged >= 3

    @staticmethod
    def _same_person(words: tuple[str, ...], gender: str | None, persons: list[list],
                     index: dict[str, list[int]], title: str = "", novel: bool = False) -> int | None:
        """The person named last whose names hold these words (or are held by them), with no clash of gender, nor
        of title: `Colonel Fitzwilliam` is not the person named `Mr. Fitzwilliam Darcy`.

        A novel's family shares a surname: `Mrs. Bennet` is not Elizabeth Bennet, but her own person unless
        someone was written `Mrs. Bennet` before; `Elizabeth Bennet` is not `Mrs. Bennet`, and a bare `Bingley`
        is the man of the name rather than his sister, named last."""

        def clash(person: list) -> bool:
            if novel and person[5] == {"mrs"} and words[0] not in person[0] and title != "mrs":
                return True  # `Elizabeth Bennet`, `Miss Bennet`: not `Mrs. Bennet`
            if novel and title == "mrs" and len(words) == 1 and words[0] in person[7] and (
                    f"{title} {words[0]}" not in person[6]):
                return True  # `Mrs. Bennet`: not Elizabeth Bennet, nor Miss Bennet
            return (gender is not None and person[1] is not None and person[1] != gender) or bool(
                title and person[5] and title not in person[5])

        def rank(pid: int) -> tuple[bool, int]:
            """The last named; in a novel, for a bare surname a man of the name first, for a full name one of the
            same first name."""
            person = persons[pid]
            if len(words) > 1:
                return novel and words[0] in person[0], person[2]
            return novel and not title and person[1] == "m" and bool(person[5]), person[2]

        best = None
        for pid in index.get(words[0], ()):
            person = persons[pid]
            if clash(person):
                continue
            if all(w in person[0] for w in words) and (best is None or rank(pid) > rank(best)):
                best = pid
        if best is not None:
            return best
        for w in words:
            for pid in index.get(w, ()):
                person = persons[pid]
                if clash(person):
                    continue
                if person[0] <= set(words) and (best is None or rank(pid) > rank(best)):
                    best = pid
        return best

    def resolve(self, who: Who | None) -> Who | None:
        """A pronoun or a person description -> the named person it most likely stands for, else itself."""
        if who is None:
            return None
        if who not in self.resolved:
            self.resolved[who] = self._resolve(who)
        return self.resolved[who]

    def _resolve(self, who: Who) -> Who | None:
        name, start, _ = who
        words = re.sub(r"^(l|d)'", r"\1' ", name.lower().replace("’", "'")).split()
        want: str | None = None
        if words == ["it"]:  # `“...,” it added`: the paper, report or body quoted last
            return next((w for at, w in sorted(self.tags.items(), reverse=True) if at < start and w[0].lower()
                         not in _PRONOUNS and w[0].lower() != "it" and self._gender_of(w) is None), who)
        named = _NAME_AT_END.search(name) if words and words[0] in _DETERMINERS else None
        if named is not None and named.start() > 0:  # `the scandalised Margaret`, `the voice of old Mr. Emerson`
            inner = named.group(), start + named.start(), start + named.end()
            if self._person(inner) is not None:
                return inner
        if len(words) == 2 and words[0] in ("his", "her") and words[1] in _KIN_TITLES:
            # `his wife`, `her mother`: Mrs. Morel, named with the title and the surname of whom `his` stands for
            kin = self._antecedent(start, "m" if words[0] == "his" else "f")
            pid = self._person(kin) if kin is not None else None
            if pid is not None:
                if not self.titled:
                    for s, named, e, _ in self.people:
                        key = " ".join(named.lower().replace(".", "").split())
                        self.titled.setdefault(key, []).append((named, s, e))
                surname = kin[0].split()[-1].lower().rstrip(".")
                for word in sorted(self.names[pid], key=lambda w: (w != surname, w)):
                    mentions = self.titled.get(f"{_KIN_TITLES[words[1]]} {word}", [])
                    if mentions:  # the nearest before, else the first after
                        return next((w for w in reversed(mentions) if w[1] < start), mentions[0])
        if len(words) == 2 and words[0] == "the" and words[1] in _TITLES:  # `the Colonel`: the last one named
            k = bisect_left(self.starts, start) - 1
            while k >= 0 and start - self.people[k][0] < 20000:
                s, named, e, _ = self.people[k]
                before = self.text[max(0, s - 30):s].split()[-1:]
                body = bool(before) and _CAP.match(before[0]) is not None and before[0][-1].isalnum()
                if named.lower().startswith(words[1]) and not body:  # not `World Bank President Jim Yong Kim`
                    return named, s, e
                k -= 1
            return who
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
        if head is not None:  # `Natalia Sedova, the widow of Leon Trotsky`, `Mayor Bill de Blasio` ... `the widow`
            apposed = _APPOSED.match(self.text, who[2])
            if apposed is not None and self._name(apposed.group(1)) is not None:  # `his wife, Gabriela Lazar,`
                return apposed.group(1), apposed.start(1), apposed.end(1)
            named = self._named_by_role(head, start, words[words.index(head) - 1] in _DEPUTIES)
            if named is not None:
                return named
            if not self.dialogue and any(w in _ANONYMOUS for w in words[1:4]):
                return who  # news: `a Republican committee aide ... the aide said`, someone the story does not name
        at = start
        if not self.dialogue and len(words) == 1 and self.text[:start].rstrip().endswith(","):
            # `Also, Trump is no conservative, he said`: whoever `he` is, not someone of the words he reports
            comma = self.text.rindex(",", 0, start)
            at = max([max(0, comma - 600), self.text.rfind(",", max(0, comma - 600), comma),
                      *(m.end() for m in _BREAK_RE.finditer(self.text, max(0, comma - 600), comma))])
        found = self._antecedent(at, want)
        if not self.dialogue and len(words) == 1:  # news: `he said` goes on with the last one quoted
            k = bisect_left(self.sources, (start,)) - 1
            while k >= 0 and self._mention_gender(self.sources[k][1]) not in (want, None):
                k -= 1
            if k >= 0 and (found is None or found[1] < self.sources[k][0]):
                return self.sources[k][1]
        return found or who

    def _named_by_role(self, head: str, pos: int, deputy: bool) -> Who | None:
        """The last person named with the role noun `head` in the 20,000 characters before `pos`:
        `Jo Smith, the mayor` or `Mayor Jo Smith` for `the mayor` (not `Oh, my dear mother`, nor
        `in Chelsea, the mayor`, nor `Deputy Mayor Al Day`, unless `deputy`: `the deputy mayor`). The search
        starts from each `head`, which is rarer than capitals, and goes backwards from the last."""
        text = self.text
        for h in reversed(list(re.compile(rf"\b(?i:{head})\b").finditer(text, max(0, pos - 20000), pos))):
            prev = text[max(0, h.start() - 12):h.start()].split()
            if (bool(prev) and prev[-1].lower() in _DEPUTIES) != deputy:
                continue
            before = max(0, h.start() - 300)
            names = [(m, m.start(1)) for m in [_AFTER_ROLE.match(text, h.end(), pos)] if m is not None]
            if h.group() == head:
                names += [(m, before + m.start(1)) for m in [_BEFORE_ROLE.search(text[before:h.start()])]
                          if m is not None]
            for m, at in names:
                if self._person((m.group(1), -1, -1)) is not None and not text.endswith(_PLACE_BEFORE, 0, at):
                    return m.group(1), at, at + len(m.group(1))
        return None

    def _antecedent(self, pos: int, want: str | None, depth: int = 0) -> Who | None:
        """The person a pronoun at `pos` stands for: sentence by sentence backwards, the first person of the
        right gender in each (the subject, usually), passing over possessives (`Trump's statement`). An
        earlier `he` or `she` counts as the person it stands for (`he said ... he added`)."""
        text = self.text
        people, pronouns = self.people, self.pronouns
        k = bisect_left(self.starts, pos) - 1
        j = bisect_left(self.pronoun_starts, pos) - 1
        right = pos
        group: list[tuple[int, int, int, Who | str]] = []  # start, end, person (-1: a pronoun), who or gender
        sentences = 0
        while (k >= 0 or j >= 0) and sentences < 12:
            if j >= 0 and (k < 0 or pronouns[j][0] > people[k][0]):
                s, e, gender = pronouns[j]
                candidate: tuple[int, int, int, Who | str] = (s, e, -1, gender)
                j -= 1
            else:
                s, name, e, pid = people[k]
                candidate = (s, e, pid, (name, s, e))
                k -= 1
            if pos - s > 6000:
                break
            if _BREAK_RE.search(text, e, right) is not None:
                pick = self._pick(group, want, depth)
                if pick is not None:
                    return pick
                group = []
                sentences += 1
            group.append(candidate)
            right = s
        return self._pick(group, want, depth)

    def _pick(self, group: list[tuple[int, int, int, Who | str]], want: str | None, depth: int) -> Who | None:
        """The leftmost person of one sentence with the wanted gender; possessives (`Trump's`) last and, in a
        novel, people no speech tag names next to last, and not at all when their gender is unknown too: `he said`
        stands for someone who speaks."""
        ranked = []
        for s, e, pid, who in group:
            g = self.genders[pid] if pid >= 0 else who
            if pid >= 0 and who[0].lower() in self.shared:
                g = None  # `Clinton`, in a story about Bill and Hillary Clinton
            if want is not None and g is not None and g != want:
                continue
            possessive = self.text.startswith(("'s", "’s"), e)
            # a novel's people are known well enough to pass over one of unknown gender; news names too many
            mute = self.dialogue and pid >= 0 and pid not in self.talkers
            if mute and g is None:
                continue  # a novel's `Windy Corner` or `Professor Castel`: named, never heard, of no known gender
            ranked.append((possessive, mute, self.dialogue and g is None and want is not None, s, pid, who))
        for _, _, _, s, pid, who in sorted(ranked):
            if pid >= 0:
                return who  # type: ignore[return-value]
            if depth < 25:
                if s not in self.chain:
                    self.chain[s] = self._antecedent(s, want, depth + 1)
                if self.chain[s] is not None:
                    return self.chain[s]
        return None

    # -- attribution -------------------------------------------------------------------------------
    def speaker_for(self, span: _Span, para: tuple[int, int], prev_close: int, next_open: int) -> Who | None:
        """The speaker as written next to a speech verb around the quote, if there is one."""
        text = self.text
        ps, pe = para
        window_end = min(next_open, pe, span.close + 160)
        after = _tokens(text, span.close, window_end)
        cut = next((k for k, t in enumerate(after) if t.text in ".!?;" and k > 0 and not (
            k + 1 < len(after) and after[k + 1].text == ")")), len(after))  # not the `.` of `(D-Wash.)`
        leads_on = cut == len(after) and window_end == next_open  # the words after run into the next quote
        after = after[:cut]
        if span.para == 0:
            found = self._headline_speaker(span, para)
            if found is not None:
                return found
        # `“... for him.” She says it underscores that ...` is the next sentence, not an attribution
        next_sentence = text[span.end - 1:span.end] == "." and bool(after) and after[0].text[0].isupper()
        hit = self.cue.after_quote(after)
        if hit is not None and not (next_sentence and (_clause_after(after, hit[2], 3) or leads_on)):
            # (`“...” Jo replied: “...”`, `“...” Jo called him a “liar.”`: a new sentence that has its own quote)
            return self._speaker(after, hit)
        if not (text[span.end - 1:span.end] in (".", "?", "!") and after and after[0].text[0].isupper()):
            # `“...,” in sharp contrast to previous years, says Dante Scala, a professor.`
            for c in (k for k, t in enumerate(after) if t.text == "," and k > 0):
                tag = after[c:]
                hit = self.cue.after_quote(tag)
                if hit is not None and hit[0] >= 0 and not _clause_after(_before_apposition(tag, hit), hit[2], 12):
                    return self._speaker(tag, hit)
        if span.open == ps and (span.end == pe or text[span.close:pe].strip() == ""):  # `“...”` then `- Clinton.`
            k = bisect_right(self.para_starts, span.close)
            if k < len(self.paras) and text[self.paras[k][0]] in "-—–―" and self.paras[k][1] - self.paras[k][0] < 80:
                toks = _tokens(text, *self.paras[k])
                hit = self.cue.after_quote(toks)
                if hit is not None:
                    return self._speaker(toks, hit)
        start = self._sentence_start(max(ps, span.open - 300), span.open)
        sentence = _tokens(text, start, span.open) if start < span.open else []
        left = max(prev_close, start)  # after the quote before, if it is in the same sentence
        toks = sentence if left == start else [t for t in sentence if t.start >= left]
        agent = self._passive_agent(toks, after)
        if agent is not None:
            return self._mention(after, *agent)
        hit = self.cue.after_quote(toks) if left > start and toks and toks[-1].text in ".!?" else None
        if hit is not None and hit[0] >= 0:  # `“A,” Jo told Al, after Al asked him. “B.”`: Jo, who said A, goes on
            return self._speaker(toks, hit)
        hit = self.cue.last_verb(toks)
        if hit is not None:
            return self._speaker(toks, hit)
        if len(toks) > 1 and toks[-1].text == ":" and _is_cap(toks[-2]):  # `- Philip Bump: “...”`
            j = len(toks) - 2
            while j > 0 and _is_cap(toks[j - 1]):
                j -= 1
            if (j == 0 or toks[j - 1].text in "-—–") and self._name(text[toks[j].start:toks[-2].end]) is not None:
                return self._mention(toks, j, len(toks) - 2)
        if len(after) < 12 and not leads_on:  # `“...” That is what Trump said.` (not `... and Al says he's “...”`)
            hit = self.cue.last_verb(after)
            if hit is not None and after[hit[2]].low in _SAID and not _clause_after(after, hit[2], 4):
                return self._speaker(after, hit)
        if not next_sentence and len(after) > 8:
            found = self._tail_tag(span, para, next_open)
            if found is not None:
                return found
        if len(sentence) > 1:  # `Trump openly admires Putin as a “strong leader”`: the clause's subject
            clause = self._last_clause(sentence)
            np = self.cue.subject(clause, self._proper())
            if np is not None:
                return self._mention(clause, *np)
        if span.open - ps <= 1 and span.open == ps and prev_close <= ps:
            # a quotation introduced at the end of the previous paragraph
            k = bisect_left(self.para_starts, ps) - 1
            if k >= 0:
                qs, qe = self.paras[k]
                while qe > qs and text[qe - 1].isspace():
                    qe -= 1
                if text[qe - 1:qe] in (":", ",", "—", "-", "–"):  # `The Times reports:`, `and said,--`
                    toks = _tokens(text, self._sentence_start(max(qs, qe - 300), qe), qe)
                    hit = self.cue.last_verb(toks, strong_only=False)
                    if hit is not None:
                        return self._speaker(toks, hit)
        return None

    def _last_clause(self, toks: list[_Tok]) -> list[_Tok]:
        """The last clause of a sentence's words that has a subject of its own, else them all: `Jo signed it, while Al
        proposed we “...”` and `Jo signed it, with Al calling it “...”` are Al's (but `Jo said that Al is “...” while
        Ed is “...”` is all Jo's)."""
        for k in range(len(toks) - 3, 0, -1):
            if (toks[k - 1].low in _CLAUSE_LINKS or toks[k - 1].text in ";—–" or _absolute(toks, k)) and (
                    _is_cap(toks[k]) or toks[k].low in _PRONOUNS) and self.cue.subject(toks[k:], self._proper()):
                return toks if any(self.cue.is_verb(t) for t in toks[:k]) else toks[k:]
        return toks

    def _passive_agent(self, before: list[_Tok], after: list[_Tok]) -> tuple[int, int] | None:
        """Who said the words a passive naming verb quotes, `by` whom: `labeled a “witch hunt” by critics`."""
        if not after or after[0].low != "by":
            return None
        k = len(before) - 1
        while k > 0 and before[k].low in _ARTICLES | _AS_WORDS:
            k -= 1
        if k < 1 or before[k].low not in _NAMED or before[k - 1].low not in _VERB_AUX | _AUX:
            return None
        return self.cue.forward_np(after, 1)

    def _tail_tag(self, span: _Span, para: tuple[int, int], next_open: int) -> Who | None:
        """The tag that ends the quote's sentence, past the words after the quote: `“...” appeals to voters who
        ..., said Alan Abramowitz, a demographer.`"""
        if self.text[span.end - 1] in ".?!":
            return None  # the quote ended its sentence
        end = next((b for a, b in _sentences(self.text, *para) if b > span.close), para[1])
        toks = _tokens(self.text, span.close, min(end, next_open))
        last = len(toks)
        while last > 0 and toks[last - 1].text in ".!?":
            last -= 1
        for k in range(last - 1, 0, -1):
            if toks[k].text != ",":
                continue
            tail = toks[k:last]
            if len(tail) > 25:
                return None
            hit = self.cue.after_quote(tail)
            if hit is not None and hit[0] >= 0 and not _clause_after(_before_apposition(tail, hit), hit[2], 8):
                return self._speaker(tail, hit)
        return None

    def _headline_speaker(self, span: _Span, para: tuple[int, int]) -> Who | None:
        """The speaker in a title-case headline: `Chris Christie Calls Hillary Clinton ‘A Disgrace’`,
        `Trump ‘The Dealmaker’ Could Address Clean Energy, Lindsey Graham Says`."""
        ps, pe = para
        if pe - ps > 200:
            return None
        before, after = _tokens(self.text, ps, span.open), _tokens(self.text, span.close, pe)
        words = [t for t in before + after if t.text[0].isalpha()]
        if not words or sum(t.text[0].isupper() for t in words) < 0.6 * len(words):
            return None
        if 1 < len(before) <= 4 and before[-1].text == ":" and not any(t.low in self.cue.verbs for t in before) \
                and self._name(self.text[before[0].start:before[-2].end]):
            return self._mention(before, 0, len(before) - 2)  # `Jo Smith: ‘No Idea’ If I Knew`: a name, then words
        for toks in (after, before):
            for k, t in enumerate(toks):
                if t.text == ":":  # `Obama on Climate Change: The Trends Are ‘Terrifying.’`
                    run = [j for j in range(k) if _is_cap(toks[j]) and toks[j].low not in self.cue.verbs]
                    if run:
                        j = run[0]
                        while j + 1 < k and _is_cap(toks[j + 1]):
                            j += 1
                        return self._mention(toks, run[0], j)
                if k > 0 and (t.low in self.cue.verbs or t.low in _HEADLINE_VERBS):
                    j = k
                    while j > 0 and (_is_cap(toks[j - 1]) or toks[j - 1].low in _TITLES):
                        j -= 1
                    if j < k:
                        return self._mention(toks, j, k - 1)
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
    def run(self, indirect: bool = True) -> list[Quotation]:
        text = self.text
        paras = self.paras
        self.para_starts = [p[0] for p in paras]
        labels = _labels(text, paras)
        spans = [s for s in _scan_marks(text, paras) if s.end > s.start]
        spans = self._add_straight_quotes(spans, paras)
        spans.extend(self._dash_spans(paras, labels))
        quoted = sorted((s.open, s.close) for s in spans)
        quote_paras = {s.para for s in spans}
        self.follows = [pi for pi in quote_paras if pi - 1 in quote_paras]
        fiction = len(text) >= _BOOK_CHARS and len(self.follows) >= 15
        mentions: list[_Span] = []
        kept: list[_Span] = []
        for s in spans:
            (mentions if _is_mention(text, s, paras[s.para][0], fiction) else kept).append(s)
        spans = kept
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
        self._attribute(spans, quoted)
        reported = self._indirect(spans, quoted) if indirect else []
        self._collect_people(quoted, [s.speaker for s in spans] + [q[2] for q in reported])
        interviewee = self._interviewee(labels, [self.resolve(s.speaker) for s in spans if not s.label])
        for s in spans:
            if s.label and s.speaker is not None and s.speaker[0].lower() in _ANSWER_LABELS:
                s.speaker = interviewee
            s.speaker = self.resolve(s.speaker)
        self._conversations(spans)
        if self.dialogue:
            full = self._full_names()
            for s in spans:
                s.speaker = self._full_name(s.speaker, full)
        out = [Quotation(_span_text(text, s), s.start, s.end, "direct", *(s.speaker or (None, None, None)))
               for s in spans]
        out.extend(Quotation(_span_text(text, s), s.start, s.end, "mention") for s in mentions)
        for cs, ce, who in reported:
            out.append(Quotation(text[cs:ce], cs, ce, "indirect", *(self.resolve(who) or (None, None, None))))
        return out

    def _attribute(self, spans: list[_Span], quoted: list[tuple[int, int]]) -> None:
        """Speakers as written, for every quote that has a speech verb near it; a word inside quote marks is no
        speaker as written (`“... We don't know ...”`, where a sentence seemed to start inside a quote)."""
        opens = [q[0] for q in quoted]
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
                if span.speaker is not None and _quoted_at(quoted, opens, span.speaker[1]):
                    span.speaker = None
                if span.speaker is not None:
                    self.tags[span.open] = span.speaker
                found = found or span.speaker
            if found is not None:
                for span in group:  # `"A," she said, "B."`: the second part has the same speaker
                    if span.speaker is None:
                        span.speaker = found

    def _conversations(self, spans: list[_Span]) -> None:
        """Quote paragraphs without a speech tag get their speaker from the conversation around them.

        In news a quote's own sentence may tell (`_sentence_person`), else the person the paragraph before (a
        narration) was about speaks, else the last speaker goes on (unless two speakers were taking turns). In
        dialogue, a text with many quote paragraphs in a row, a new paragraph is a new turn, and `_take_turns`
        tells whose.
        """
        by_para: dict[int, list[_Span]] = {}
        for s in spans:
            by_para.setdefault(s.para, []).append(s)
        dialogue = self.dialogue
        narrator = self._narrator(by_para) if dialogue else None
        if narrator is not None:
            for s in spans:
                if s.speaker is not None and s.speaker[0] in ("I", "je", "Je"):
                    s.speaker = narrator
        tagged: dict[int, Who] = {}
        for s in spans if dialogue else ():
            loose = self._loose_tag(s) if s.speaker is None else None
            if loose is not None:
                self.tags[s.open] = loose
                s.speaker = self.resolve(loose)
        for pi, group in by_para.items():
            who = next((s.speaker for s in group if s.speaker is not None), None)
            if who is not None and " ".join(who[0].lower().split()) != "the other":
                tagged[pi] = who  # `said the other`: the one of the conversation who did not speak last
        if dialogue:
            for pi, who in self._take_turns(by_para, tagged, narrator).items():
                for s in by_para[pi]:
                    if s.speaker is None or who is not tagged.get(pi):
                        s.speaker = who
            return
        turns: dict[int, Who | None] = {}
        for pi in sorted(by_para):
            group = by_para[pi]
            who = tagged.get(pi)
            last, before = turns.get(pi - 1), turns.get(pi - 2)
            if last is None:  # news: the last speaker within two paragraphs goes on
                last = turns.get(pi - 2)
                before = turns.get(pi - 3) if pi - 3 in turns else None
                if last is not None and pi - 1 in turns:
                    before = None
            if who is None:
                about = self._antecedent(self.paras[pi][0], None) if pi - 1 not in turns and pi > 0 else None
                if about is not None and about[1] >= self.paras[pi - 1][0]:
                    who = about  # the paragraph before, a narration, was about them
                elif last is not None:
                    who = before if pi - 1 in turns and before is not None and pi - 2 in turns \
                        and not self._same(before, last) and self._exchange(by_para, pi) else last
            for s in group:  # the quotes its tag left without a speaker; all of them when the turn changed hands
                if s.speaker is None:
                    s.speaker = self._sentence_person(s) or who
                elif who is not tagged.get(pi):
                    s.speaker = who
            turns[pi] = who

    def _exchange(self, by_para: dict[int, list[_Span]], pi: int) -> bool:
        """Whether the two paragraphs before `pi` open with quotes, as the turns of an exchange do: a narration
        that quotes a phrase or two hands no turn over (`Jo called it “absurd.”` then `“...,” said Al.`)."""
        return all(by_para[k][0].open == self.paras[k][0] for k in (pi - 1, pi - 2))

    def _loose_tag(self, span: _Span) -> Who | None:
        """A speech tag all the same, as written, after a quote that ends with `,`, `?` or `!`: a name (or `he`,
        `she`) and a verb the tag lexicon lacks (`"...," Toomey fumed`), or such a verb and a name (`"...?" reacted
        Trump.`)."""
        text = self.text
        if span.end == span.start or text[span.end - 1] not in ",?!":
            return None
        after = span.close + 1 if text.startswith(" ", span.close) else span.close
        k = bisect_left(self.starts, after)
        if k < len(self.people) and self.people[k][0] == after:
            who: Who | None = self.people[k][1], after, self.people[k][2]
        else:
            m = _PRONOUN_AFTER.match(text, after)
            who = (m.group(1), after, m.end(1)) if m is not None else None
        if who is not None and _VERB_AFTER.match(text, who[2]):
            return who
        verb = _INVERTED_AFTER.match(text, after)
        k = bisect_left(self.starts, verb.end()) if verb is not None else len(self.people)
        if verb is not None and k < len(self.people) and self.people[k][0] == verb.end() \
                and text.startswith((".", ","), self.people[k][2]):
            return self.people[k][1], self.people[k][0], self.people[k][2]
        return None

    def _sentence_person(self, span: _Span) -> Who | None:
        """Who speaks a quote no speech tag was found for, by the words around it rather than the conversation
        (which is more often wrong): a name and a verb the tag lexicon lacks right after it (`"...," Toomey
        fumed`, `"...?" reacted Trump.`); inside a sentence (`Trump stood by his claim that "..."`), the
        sentence's subject when it names someone, else its nearest person who is no object (not `to Kerry`),
        else its first, else whatever its subject is (`A report found "..."`)."""
        text = self.text
        who = self._loose_tag(span)
        if who is not None:
            return self.resolve(who)
        ps, pe = self.paras[span.para]
        ss = self._sentence_start(max(ps, span.open - 300), span.open)
        if span.open - ss < 3:
            return None
        toks = _tokens(text, ss, min(pe, span.close + 40))
        np = self.cue.subject(toks, self._proper())
        if np is not None and toks[np[1]].end <= span.open:
            return self.resolve(self._mention(toks, *np))
        mentions = [(a, e, (name, a, e)) for a, name, e, _ in self.people[bisect_left(self.starts, ss):
                                                                            bisect_left(self.starts, span.open)]]
        mentions += [(a, e, (text[a:e], a, e)) for a, e, _ in self.pronouns[
            bisect_left(self.pronoun_starts, ss):bisect_left(self.pronoun_starts, span.open)]]
        for a, e, who in sorted(mentions, reverse=True):
            before = text[max(ss, a - 12):a].split()
            if e <= span.open and not text.startswith(("'s", "’s"), e) and (
                    not before or before[-1][-1] in ",;:—–(" or before[-1].lower() in _CONJUNCTIONS):
                return self.resolve(who)
        who = self._antecedent(span.open, None)
        if who is not None and who[1] >= ss:
            return who
        np = self.cue.subject(toks, self._proper(), anyone=True)
        return self._mention(toks, *np) if np is not None and toks[np[1]].end <= span.open else None

    def _key(self, who: Who) -> int | str:
        """Who a speaker is, to compare turns: their person, else their words (`the stranger`)."""
        if who not in self.keys:
            pid = self._person(who)
            self.keys[who] = pid if pid is not None else " ".join(who[0].lower().split())
        return self.keys[who]

    def _take_turns(self, by_para: dict[int, list[_Span]], tagged: dict[int, Who],
                    narrator: Who | None) -> dict[int, Who | None]:
        """The speakers of a novel's quote paragraphs, chosen together rather than one after the other.

        Each turn has a few candidates, scored by what the text says of that turn alone (`_turn_options`); the
        sequence chosen is the best by those scores plus the rhythm of a conversation between quote paragraphs
        that follow each other: who spoke the turn before rarely speaks again, who spoke two turns before often
        does, and a third voice breaks into a conversation of two less often. So a tag or a name called out settles
        the turns before it as well as those after.
        """
        order = sorted(by_para)
        counts = Counter(self._key(w) for w in tagged.values())
        # the people some tag names, and the descriptions that tag several turns (`the stranger`, not `his lady`)
        known = {k for k, c in counts.items() if isinstance(k, int) or c >= _TURN_DESCRIBED}
        options: list[dict[int | str, list]] = []
        for n, pi in enumerate(order):
            context = [options[m] for m in (n - 1, n - 2) if m >= 0 and pi - order[m] <= 3]
            options.append(self._turn_options(pi, by_para, tagged, narrator, known, context,
                                              n == 0 or pi - order[n - 1] > 1))
        # second-order Viterbi: a state is (key of the turn before, key of this turn)
        back: list[dict[tuple, tuple]] = []
        states: dict[tuple, float] = {(None, None): 0.0}
        for n, pi in enumerate(order):
            follows = n > 0 and pi - order[n - 1] == 1
            sure = follows and (len(options[n]) == 1 or len(options[n - 1]) == 1)  # a turn whose tag names them
            same = _TURN["same_sure" if sure else "same"] if follows else 0.0
            three = follows and n > 1 and order[n - 1] - order[n - 2] == 1
            again, newcomer = (_TURN["again"], _TURN["newcomer"]) if three else (0.0, 0.0)
            new: dict[tuple, float] = {}
            ptr: dict[tuple, tuple] = {}
            scored = [(c, u) for c, (_, u) in options[n].items()]
            for (a, b), score in states.items():
                for c, u in scored:
                    t = score + u
                    if c == b and c != "":
                        t -= same
                    elif c == a and c != "":
                        t += again
                    elif a != b:  # a third voice in a conversation of two
                        t -= newcomer
                    if t > new.get((b, c), -1e9):
                        new[(b, c)] = t
                        ptr[(b, c)] = (a, b)
            states = new
            back.append(ptr)
        state = max(states, key=states.__getitem__)
        out: dict[int, Who | None] = {}
        for n in range(len(order) - 1, -1, -1):
            out[order[n]] = options[n][state[1]][0]
            state = back[n][state]
        return out

    def _turn_options(self, pi: int, by_para: dict[int, list[_Span]], tagged: dict[int, Who], narrator: Who | None,
                      known: set[int | str], context: list[dict[int | str, list]],
                      after_break: bool) -> dict[int | str, list]:
        """Who may speak the turn of paragraph pi, each with a score (key -> [who, score]): the speaker its tag
        names, else, scored by the evidence for them, the subject of its narration, the one the turn before calls
        by name, the one the turn after calls by name, the person a narration just before ends with; then, unscored,
        the candidates of the two turns before, the speakers tagged close by, the narrator, the last people named.
        A `he said` keeps only the men, a `said the old man` too, and a `they said` or a description leaves the choice
        to the conversation; a `sir` or `madam` of the turn before or after counts against the other gender; no one
        the turn itself calls by name is left."""
        group = by_para[pi]
        who = tagged.get(pi)
        raw = next((self.tags[s.open] for s in group if s.open in self.tags), None)
        want = _PRONOUNS.get(raw[0].lower()) if raw is not None else None
        described = _described(raw[0]) if raw is not None else None  # `said the old man`: a man of the conversation
        if want == "p" or (want == "1" and narrator is None):
            described = ""  # `they said`, or `I said` in a story no one tells: someone of the conversation
        if who is not None and want not in ("m", "f") and described is None:
            return {self._key(who): [who, 0.0]}
        want = want or described
        unit: dict[int | str, list] = {}

        def add(w: Who | None, score: float = 0.0, anyone: bool = True) -> None:
            """Score `w` as a candidate; only the people some tag names when not `anyone`."""
            if w is not None and w[0] in ("I", "je", "Je"):
                w = narrator
            if w is None or w[0].lower() in _PRONOUNS:
                return
            k = self._key(w)
            if k in unit:
                unit[k][1] += score
            elif anyone or k in known:
                unit[k] = [w, score - _TURN["recency"] * len(unit)]  # of the unscored ones, the nearest first

        def put(k: int | str, w: Who) -> None:
            """`add(w, anyone=False)` for a speaker whose key is known."""
            if k not in unit and k in known:
                unit[k] = [w, -_TURN["recency"] * len(unit)]

        if who is not None:
            add(who, _TURN["tag_pronoun"])
        else:
            narrated, before = self._narrated(pi, group)
            if narrated is not None and narrated[0].lower() in _PRONOUNS:
                want = _PRONOUNS[narrated[0].lower()]
                add(self.resolve(narrated), _TURN["narration_pronoun"] if before else 0.0)
            else:
                add(self.resolve(narrated), _TURN["narration"], anyone=False)
        called = self._addressed(by_para.get(pi - 1, []))
        add(called[-1] if called else None, _TURN["called"])
        answered = self._addressed(by_para.get(pi + 1, []))
        add(answered[0] if answered else None, _TURN["answered"])
        if after_break and pi > 0:  # `Poirot smiled.`: a narration just before tells who speaks next
            add(self._antecedent(self.paras[pi][0], None), _TURN["about"], anyone=False)
        for options in context:  # best first
            for k, (w, _) in options.items():
                if w is not None:
                    put(k, w)
        for k in range(pi + 1, pi + 4):
            if k not in by_para:
                break
            add(tagged.get(k), anyone=False)
        add(narrator)
        for k in range(pi - 1, pi - 7, -1):
            add(tagged.get(k), anyone=False)
        start = self.paras[pi][0]  # two more people named just before (further back when there are not two yet)
        k = bisect_left(self.starts, start) - 1
        size = max(len(unit) + 2, 2)
        while k >= 0 and start - self.people[k][0] < (300 if len(unit) >= 2 else 3000) and len(unit) < size:
            s, name, e, pid = self.people[k]
            put(pid, (name, s, e))
            k -= 1
        for a in self._addressed(group):
            unit.pop(self._key(a), None)
        called_sir = None if want in ("m", "f") else (self._sir(by_para.get(pi - 1, []))
                                                       or self._sir(by_para.get(pi + 1, [])))
        for k in [k for k in unit if called_sir and isinstance(k, int) and self.genders[k] not in (called_sir, None)]:
            unit[k][1] -= _TURN["sir"]
        if want in ("m", "f"):
            for k in [k for k in unit if isinstance(k, int) and self.genders[k] not in (want, None)]:
                if who is not None:
                    del unit[k]
                else:
                    unit[k][1] -= _TURN["wrong_gender"]
        best = sorted(unit.items(), key=lambda kv: -kv[1][1])[:4]  # the four best are enough, and keep it fast
        return dict(best) if best else {"": [None, 0.0]}  # no one: the turn gets no speaker

    def _sir(self, group: list[_Span]) -> str | None:
        """The gender of whom a paragraph's quotes call `sir` or `madam`: the one who speaks before or after it."""
        for span in group:
            m = _SIR_RE.search(self.text, span.start, span.end)
            if m is not None:
                return "m" if m.group(1).lower() == "sir" else "f"
        return None

    def _narrator(self, by_para: dict[int, list[_Span]]) -> Who | None:
        """Who `I` is in a first-person story: the name the others call the narrator by in the turns that
        answer `I said`."""
        called: Counter[str] = Counter()
        first: dict[str, Who] = {}
        for pi, group in by_para.items():
            if not any(self.tags.get(s.open, ("",))[0] in ("I", "je", "Je") for s in group):
                continue
            for other in (pi - 1, pi + 1):
                if other in by_para and not any(self.tags.get(s.open, ("",))[0] in ("I", "je", "Je")
                                                 for s in by_para[other]):
                    for who in self._addressed(by_para[other], known=False):
                        called[who[0].lower()] += 1
                        first.setdefault(who[0].lower(), who)
        if not called:
            return None
        spans = sorted((s.start, s.end) for group in by_para.values() for s in group)
        starts = [a for a, _ in spans]

        def quoted(name: str) -> float:
            """The share of a name's mentions inside quotes: the narration calls its narrator `I`."""
            at = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", self.text)]
            inside = sum(k >= 0 and spans[k][1] > a for a, k in ((a, bisect_right(starts, a) - 1) for a in at))
            return inside / len(at) if at else 0.0

        # the narrator is named next to `I said` more than anywhere else, and hardly ever outside quotes
        names = [n for n in called if called[n] >= 3 and quoted(first[n][0]) >= 0.75]
        return first[max(names, key=lambda n: called[n] ** 2 / self.text.count(first[n][0]))] if names else None

    def _common(self, word: str) -> bool:
        """A capitalized word that the text also writes in lower case, so no one's name (`Had`, `Though`)."""
        low = word.lower()
        if low in _NOT_NAMES:
            return True
        if low in _TITLES or low in _FIRST_NAMES or low in self._proper():
            return False
        if low not in self.common:
            self.common[low] = f" {low} " in self.text or f" {low}," in self.text
        return self.common[low]

    def _proper(self) -> set[str]:
        """The words the text capitalizes in mid-sentence, in lower case: names, not sentence openers."""
        if self.proper is None:
            self.proper = {w.lower().replace("’", "'") for w in set(_PROPER_RE.findall(self.text))}
        return self.proper

    def _same(self, a: Who | None, b: Who | None) -> bool:
        """Whether two speakers are one person (`Darcy` and `Mr. Darcy`)."""
        if a is None or b is None:
            return False
        pa, pb = self._person(a), self._person(b)
        if pa is not None and pb is not None:
            return pa == pb
        return a[0].lower() == b[0].lower()

    def _person(self, who: Who) -> int | None:
        """The person a name as written stands for, found by where it is written or by its name words."""
        k = bisect_left(self.starts, who[1])
        if k < len(self.people) and self.people[k][0] < who[2]:
            return self.people[k][3]
        found = self._name(who[0])
        if found is None or not found[2]:
            return None
        ids = [pid for pid in self.name_index.get(found[2][0], ()) if set(found[2]) <= self.names[pid]]
        if len(ids) > 1:  # `Morel`, when two people are so named: the one named last before
            return next((p[3] for p in reversed(self.people[max(0, k - 200):k]) if p[3] in ids), ids[-1])
        return ids[-1] if ids else None

    def _full_names(self) -> dict[int, tuple[Who, str]]:
        """Person -> the full name (no title, two words or more) the narration writes most for them, at least three
        times, and its surname; not `Hotel Montoya`, nor `Pooh Bear`, whose words the text also writes in lower
        case."""
        forms: dict[int, Counter[str]] = {}
        first: dict[str, Who] = {}
        for s, named, e, pid in self.people:
            key = " ".join(named.split())
            parts = self._name(key)
            if parts is not None and len(parts[2]) > 1 and not parts[3]:
                forms.setdefault(pid, Counter())[key] += 1
                first.setdefault(key, (named, s, e))
        full: dict[int, tuple[Who, str]] = {}
        for pid, counts in forms.items():
            key, n = counts.most_common(1)[0]
            if n >= 3 and not any(f" {w.lower()} " in self.text for w in key.split()):
                full[pid] = first[key], self._name(key)[2][-1]  # type: ignore[index]
        return full

    def _full_name(self, who: Who | None, full: dict[int, tuple[Who, str]]) -> Who | None:
        """A novel's speaker named by a bare surname, by their full name (`_full_names`): `Josiah Bounderby` for
        `Bounderby`, `Ralph Denham` for `Denham`, as a family shares its surname. Not a first name (`Elizabeth` is
        called so), nor a title's surname (`Lady Bertram` may be someone else than `Maria Bertram`)."""
        if who is None:
            return None
        pid = self._person(who)
        found = self._name(who[0])
        if pid is None or pid not in full or found is None or found[3] or found[2] != (full[pid][1],):
            return who
        return full[pid][0]

    def _gender_of(self, who: Who) -> str | None:
        """The gender of the person a speaker names, when it is known."""
        pid = self._person(who)
        return self.genders[pid] if pid is not None else None

    def _mention_gender(self, who: Who) -> str | None:
        """The gender a mention tells: none for a bare surname that a man and a woman of the story share."""
        if who[0].lower() in self.shared:
            return None
        return self._gender_of(who)

    def _addressed(self, group: list[_Span], known: bool = True) -> list[Who]:
        """The persons a paragraph's quotes call by name: `How, Helen?`, `Mr. Darcy, you are wrong.`"""
        if not group:
            return []
        key = (group[0].open, known)
        if key in self.addressed:
            return self.addressed[key]
        out: list[Who] = []
        self.addressed[key] = out
        for span in group:
            for m in _CALLED_RE.finditer(self.text, span.start, span.end):
                s, e = m.span()
                if (s, e) == (span.start, span.end) and m.group().endswith("."):
                    continue  # `“Bingley.”` answers a question; it calls no one
                if s == span.start or self.text[max(span.start, s - 8):s].rstrip().endswith(
                        (",", "!", "O", "dear", "—", "--")):
                    found = self._name(m.group())
                    if found is not None and (found[2][0] in self.name_index or found[3] or (
                            not known and (s, e) != (span.start, span.end) and found[2][0] in self._proper())):
                        if m.group().endswith(".") and not _ABBREV.search(m.group()):
                            e -= 1  # `You are tired, Lucy.`: the name, not the sentence's period
                        out.append((self.text[s + found[0]:e], s + found[0], e))
        return out

    def _narrated(self, pi: int, group: list[_Span]) -> tuple[Who | None, bool]:
        """The person the narration of a quote paragraph is about (`He held up his hand. “...”`), as written, and
        whether that narration comes before a quote rather than after the last one (`“...” Jo smiled.`), where it
        is more often someone else's answer."""
        ps, pe = self.paras[pi]
        pos = ps
        for span in [*sorted(group, key=lambda s: s.open), None]:
            end = span.open if span is not None else pe
            for a, b in _sentences(self.text, pos, end) if end - pos > 8 else []:
                toks = _tokens(self.text, a, b)
                np = self.cue.subject(toks, self._proper())
                if np is not None:
                    return self._mention(toks, *np), span is not None
            if span is not None:
                pos = span.close
        return None, False

    def _add_straight_quotes(self, spans: list[_Span], paras: list[tuple[int, int]]) -> list[_Span]:
        """Top-level quotations in apostrophes, outside the spans found so far: typewriter doubles
        (''...'', as news agencies' plain text has them), then 'straight single quotes' (headlines)."""
        if "'" not in self.text and "`" not in self.text:
            return spans
        out = list(spans)
        for pattern in (_TWO_APOSTROPHES_RE, _SINGLE_RE):
            taken = sorted((s.open, s.close) for s in out)
            opens = [t[0] for t in taken]
            for pi, (ps, pe) in enumerate(paras):
                for m in pattern.finditer(self.text, ps, pe):
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
        """Reported speech and thought outside quotation marks: (start, end, speaker as written).

        English paragraphs are read by the attribution model, whose source is the speaker when it names
        one; where the speech-verb rules of `_indirect_in` find the same clause, their start (more precise)
        and, failing the model's, their speaker are kept, with the model's end (which stops where PolNeAR's
        contents do more often than the rules' end of sentence), and what only the rules find is kept too.
        A lone word with no source is dropped: the model is right about those once in ten times; so is what
        overlaps the speaker of a quote (`“...,” said Ada Morel.`). French has the rules only.
        """
        from misquote import attribution  # imported here: it builds on this module's tokens and lexicons

        text = self.text
        label_paras = {s.para for s in spans if s.label}
        opens = [q[0] for q in quoted]

        def inside(a: int, b: int) -> list[tuple[int, int]]:
            k = bisect_right(opens, b)
            return [q for q in quoted[max(0, k - 12):k] if q[0] < b and q[1] > a]

        def quoted_share(a: int, b: int, quotes: list[tuple[int, int]]) -> float:
            return sum(min(b, q1) - max(a, q0) for q0, q1 in quotes) / max(1, b - a)

        ruled: list[tuple[int, int, Who | None]] = []
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
            quotes = inside(ss, se)
            if quoted_share(ss, se, quotes) >= 0.5:
                continue  # dialogue: `“Yes,” said he.` holds no clause free of quote marks worth a rule
            found = self._indirect_in(ss, se, quotes)
            if found is not None:
                ruled.append(found)
        if "said" not in self.cue.verbs:
            return ruled
        bilingual = "dit" in self.cue.verbs and attribution.may_be_french(text)
        interview = label_paras | set(_labels(text, self.paras))  # questions too: the interviewer's words
        # a paragraph mostly in quotation marks (dialogue, above all in novels) holds direct quotations only
        english = [(a, b) for pi, (a, b) in enumerate(self.paras)
                   if pi not in interview and quoted_share(a, b, inside(a, b)) < 0.5
                   and (not bilingual or attribution.is_english(text, a, b))]
        out: list[tuple[int, int, Who | None]] = []
        ruled_starts = [r[0] for r in ruled]
        speakers = sorted((s.speaker[1], s.speaker[2]) for s in spans if s.speaker is not None)
        speaker_starts = [a for a, _ in speakers]
        longest = max((b - a for a, b in speakers), default=0)

        def names_a_speaker(a: int, b: int) -> bool:
            k = bisect_left(speaker_starts, b)
            return any(e > a for _, e in speakers[bisect_left(speaker_starts, a - longest, 0, k):k])

        for cs, ce, ss, se in attribution.reported(text, english):
            while ce > cs and text[ce - 1] in " ,;:":
                ce -= 1
            if ce - cs < 2 or inside(cs, ce) or names_a_speaker(cs, ce):
                continue  # `“...,” said Alan Cole.`: the speaker of a quote is no content
            who = None
            if ss is not None and se is not None:
                who = self._mention(_tokens(text, ss, se), 0, -1)
                if who[0].lower() in ("i", "we", "nobody", "no one"):
                    continue  # the article's own voice (`we asked her to ...`), or `nobody said anything`
            k = bisect_left(ruled_starts, ce) - 1
            if k >= 0 and ruled[k][1] > cs:
                cs, _, rule_who = ruled.pop(k)
                ruled_starts.pop(k)
                who = who or rule_who
            elif who is None and " " not in text[cs:ce]:
                continue
            out.append((cs, ce, who))
        return sorted(out + ruled)

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
        # `CLAUSE, X said, CLAUSE` / `CLAUSE, said X, CLAUSE`: one content, around the attribution
        commas = [k for k in range(1, end_tok) if toks[k].text == ","]
        for k in commas[:-1]:  # the attribution ends at a later comma
            if k >= end_tok - 5:
                break
            tail = toks[k + 1:min(end_tok, k + 15)]
            hit = self.cue.after_quote(tail)
            if hit is None or any(t.low in _CONJUNCTIONS for t in tail[:2]):
                continue
            after = max(hit[1], hit[2]) + 1
            if after + 3 < len(tail) and tail[after].text == ",":
                glued = hit[0] == -1
                who = self.cue.inverted_pronoun(tail[hit[1]]) if glued else self._mention(tail, hit[0], hit[1])
                if tail[after + 1].low in ("who", "whose", "which"):  # `, say experts, who ...`: the first part
                    return made(toks[0].start, toks[k].start, who)
                return made(toks[0].start, toks[end_tok - 1].end, who)
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
# What tells who speaks a novel's turn (`_take_turns`), and how much, fitted on half of PDNC.
_TURN = {
    "tag_pronoun": 4.0,  # `he said`, `said the old man`: for the person the pronoun or description stands for
    "narration": 5.0,  # for the subject of the turn's own narration: `Jo smiled. “...”`
    "narration_pronoun": 3.0,  # for whom a `He held up his hand.` before the quote stands for
    "wrong_gender": 4.0,  # against the people whom such a pronoun cannot stand for
    "called": 7.0,  # for the one the turn before calls by name
    "answered": 2.0,  # for the one the turn after calls by name
    "about": 1.0,  # after a narration, for the person it ends with: `Poirot smiled.`
    "same": 0.5,  # against the speaker of the turn just before
    "same_sure": 3.0,  # the same, when one of the two turns has but one candidate
    "again": 2.5,  # for the speaker of the turn two before, when the three follow each other
    "newcomer": 0.5,  # then against anyone else than the two who spoke the turns before
    "recency": 0.05,  # against each unscored candidate before
    "sir": 4.0,  # against the people of the other gender than whom the turn before or after calls `sir` or `madam`
}
# `Thank you, sir.`, `Yes, madam!`: whom a turn is said to.
_SIR_RE = re.compile(r"(?<![\w'’])(sir|madam|ma['’]am)(?=\s*[,.!?;—-])", re.IGNORECASE)
_TURN_DESCRIBED = 6  # tags a description needs to be taken for one of the people who take turns
_SENT_BREAK = re.compile(rf"[.!?][\"”’»]?\s+(?=[\"“«„‘{_UPPER}])")
# Words that may introduce reported speech: the sentences that hold one are read by `_indirect_in`.
_INDIRECT_HINT = _words_re(_lexicon("""
According according accused acknowledged added admitted affirme affirmé agreed ajoute ajouté alleged
announced argued argues asserted assure assuré believe believes charged claimed claims concluded confirmed
contended craint croit denied dit déclare déclaré espère estimated estime estimé expect expects explained
explique expliqué fear fears found hope hopes indicated indique indiqué insisted insists learned maintained
montre noted pense pledged predicted promised précise précisé reconnaît reconnu reported revealed said says
Selon selon show showed shows souhaite souligne souligné stated suggest suggested suggests tells think thinks
told vowed warned worried writes wrote"""))

_LANGS = ("auto", "en", "fr")


def quotations(text: str, lang: str = "auto", *, indirect: bool = True) -> list[Quotation]:
    """Every quotation in an article's plain text, in reading order, with its speaker when found.

    `lang` picks the speech-verb lexicon: "en", "fr", or "auto" for both (mixed-language articles).
    `indirect=False` leaves out reported speech, and is several times faster: for callers that only
    need what stands in quote marks. Offsets are character offsets into `text`; use `article_text`
    first for HTML or Markdown.
    """
    if not isinstance(text, str):
        raise QueryError("quotations() needs the article as text: decode bytes or use article_text() first")
    if lang not in _LANGS:
        raise QueryError(f"unknown language {lang!r}: use one of {', '.join(_LANGS)}")
    if not text.strip():
        return []
    found = _Extractor(text, lang).run(indirect)
    found.sort(key=lambda q: (q.start, q.end))
    return found
