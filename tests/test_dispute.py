"""Finding published denials: the France-Soir letter, and the lines that only look like denials."""

from misquote.dispute import detect
from misquote.model import Document, Paragraph
from tests.conftest import SEED


def _doc(*texts: str) -> Document:
    return Document(
        title="T", author="A. Writer", paragraphs=[Paragraph("", t) for t in texts], source_key="t", written="1900"
    ).finalize()


def test_the_seed_letter_denies_the_france_soir_words():
    from misquote.ingest import read

    [proposal] = detect(read(str(SEED)))
    assert (proposal.author, proposal.published_in, proposal.paragraph) == (
        "Natalia Sedova Trotsky",
        "France-Soir",
        "p2",
    )
    assert proposal.quote.endswith("the spiritual father of Mao Tse-Tung, the Chinese communist leader.")


def test_a_denial_in_french_names_the_paper():
    doc = _doc(
        "L'article paru dans Le Monde me fait dire « je quitte la politique pour toujours ». Je n'ai jamais dit cela."
    )
    [proposal] = detect([doc])
    assert (proposal.published_in, proposal.quote) == ("Le Monde", "je quitte la politique pour toujours")


def test_dialogue_in_a_novel_is_not_a_denial():
    doc = _doc('"You promised to marry her," said Harry. "I never said that," he replied, "I never did."')
    assert detect([doc]) == []


def test_no_publication_named_no_proposal():
    doc = _doc("People repeat “a lie travels faster than the truth”. These were certainly not my words.")
    assert detect([doc]) == []


def test_a_dash_is_not_a_hyphenated_paper_name():
    doc = _doc("a dog in England--I forget where, “they stopped and looked at the dog” I never said so.")
    assert detect([doc]) == []
