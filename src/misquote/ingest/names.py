"""Canonical "First Last" names for the archive's authors, as MIA pages spell them in many ways.

Pages say "V.I. Lenin", "Vladimir Lenin", "Engels", "frederick engels"; the archive path says
`marx/`, `lenin/`, `connolly/`. The canonical form is MIA's author index ("Lenin, Vladimir Ilyich")
turned round. Names not in this table are kept as written.
"""

from __future__ import annotations

import re

CANONICAL = {
    "marx": "Karl Marx", "karl marx": "Karl Marx", "k. marx": "Karl Marx",
    "engels": "Frederick Engels", "frederick engels": "Frederick Engels", "friedrich engels": "Frederick Engels",
    "f. engels": "Frederick Engels",
    "lenin": "Vladimir Ilyich Lenin", "v.i. lenin": "Vladimir Ilyich Lenin", "v. i. lenin": "Vladimir Ilyich Lenin",
    "vladimir lenin": "Vladimir Ilyich Lenin", "vladimir ilyich lenin": "Vladimir Ilyich Lenin",
    "n. lenin": "Vladimir Ilyich Lenin", "v. ilyin": "Vladimir Ilyich Lenin",
    "trotsky": "Leon Trotsky", "leon trotsky": "Leon Trotsky",
    "natalia sedova": "Natalia Sedova Trotsky", "natalia sedova trotsky": "Natalia Sedova Trotsky",
    "connolly": "James Connolly", "james connolly": "James Connolly",
    "plekhanov": "Georgi Plekhanov", "georgi plekhanov": "Georgi Plekhanov", "g. plekhanov": "Georgi Plekhanov",
    "g.v. plekhanov": "Georgi Plekhanov", "g. v. plekhanov": "Georgi Plekhanov",
    "deleon": "Daniel De Leon", "de leon": "Daniel De Leon", "daniel de leon": "Daniel De Leon",
    "daniel deleon": "Daniel De Leon",
    "lafargue": "Paul Lafargue", "paul lafargue": "Paul Lafargue",
    "luxemburg": "Rosa Luxemburg", "rosa luxemburg": "Rosa Luxemburg",
    "bukharin": "Nikolai Bukharin", "nikolai bukharin": "Nikolai Bukharin",
    "kautsky": "Karl Kautsky", "karl kautsky": "Karl Kautsky",
    "lukacs": "Georg Lukács", "georg lukacs": "Georg Lukács", "georg lukács": "Georg Lukács",
    "korsch": "Karl Korsch", "karl korsch": "Karl Korsch",
    "gramsci": "Antonio Gramsci", "antonio gramsci": "Antonio Gramsci",
    "zetkin": "Clara Zetkin", "clara zetkin": "Clara Zetkin",
    "kollonta": "Alexandra Kollontai", "kollontai": "Alexandra Kollontai", "alexandra kollontai": "Alexandra Kollontai",
    "james-clr": "C. L. R. James", "c.l.r. james": "C. L. R. James", "c. l. r. james": "C. L. R. James",
    "mariateg": "José Carlos Mariátegui", "mariategui": "José Carlos Mariátegui",
    "josé carlos mariátegui": "José Carlos Mariátegui", "jose carlos mariategui": "José Carlos Mariátegui",
    "dunayevskaya": "Raya Dunayevskaya", "raya dunayevskaya": "Raya Dunayevskaya",
    "draper": "Hal Draper", "hal draper": "Hal Draper",
    "mattick-paul": "Paul Mattick", "paul mattick": "Paul Mattick",
    "padmore": "George Padmore", "george padmore": "George Padmore",
    "roy": "M. N. Roy", "m.n. roy": "M. N. Roy", "m. n. roy": "M. N. Roy",
    "labriola": "Antonio Labriola", "antonio labriola": "Antonio Labriola",
}  # fmt: skip


def canonical(name: str | None) -> str | None:
    """The canonical form of a known author name, or None when the name is not in the table.

    Besides the table's spellings, a known surname after a first name or initials with the same first
    letter is that author ("G V Plekhanov", "George Plekhanov", "Daniel DeLeon"), while "Eleanor Marx"
    or "Jenny Marx" stay themselves.
    """
    if not name:
        return None
    key = re.sub(r"\s+", " ", name.strip().strip(".,;:").lower())
    if key in CANONICAL:
        return CANONICAL[key]
    words = re.findall(r"[^\W\d_]+", key)
    if len(words) < 2 or len(words) > 4 or words[-1] not in CANONICAL:
        return None
    full = CANONICAL[words[-1]]
    return full if words[0][0] == full[0].lower() else None


def from_path(source_key: str) -> str | None:
    """The author an MIA archive path belongs to: `.../archive/connolly/1899/...` -> James Connolly.

    `marx/` holds Engels's works too, so readers use this only when the page names nobody.
    """
    parts = re.split(r"[\\/]", source_key.lower())
    for i, part in enumerate(parts):
        if part in CANONICAL and (i == 0 or parts[i - 1] in ("archive", "html", "markdown", "mia", "")):
            return CANONICAL[part]
    return None


def split_joint(name: str) -> list[str]:
    """The names of a joint credit: "Karl Marx and Frederick Engels" -> both, canonical where known."""
    parts = [p for p in re.split(r"\s*(?:,|&|\band\b)\s*", name) if p.strip()]
    return [canonical(p) or p.strip() for p in parts]


def find_known(text: str) -> str | None:
    """The known author named first in a short text (a page's title line); longer names win ties."""
    low = text.lower()
    best: tuple[int, int, str] | None = None
    for key, value in CANONICAL.items():
        m = re.search(rf"(?<![\w.]){re.escape(key)}(?!\w)", low)
        if m and (best is None or (m.start(), -len(key)) < best[:2]):
            best = (m.start(), -len(key), value)
    return best[2] if best else None


_ANY_KNOWN = re.compile(
    "|".join(rf"(?<![\w.]){re.escape(key)}(?!\w)" for key in sorted(CANONICAL, key=len, reverse=True))
)


def only_names(text: str) -> bool:
    """True for a line made of known authors' names alone ("James Connolly Daniel DeLeon", "Marx & Engels"),
    False for a title that merely names one ("With Marx for Text")."""
    low = text.lower()
    if _ANY_KNOWN.search(low) is None:
        return False
    rest = re.sub(r"\b(?:and|by)\b", " ", _ANY_KNOWN.sub(" ", low))
    return re.search(r"[^\W\d_]{2,}", rest) is None
