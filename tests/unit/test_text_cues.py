"""Cue phrases and glued-boilerplate splitting, table-driven, in EN/DE/FR/ES."""

from __future__ import annotations

import pytest

from copydesk.extract.cues import (
    classify_boilerplate,
    is_comment_author,
    is_comment_heading,
    split_glued,
)
from copydesk.extract.result import RemovedKind as K

CUE_LINES = [
    ("Advertisement", K.ADVERTISEMENT),
    ("Anzeige", K.ADVERTISEMENT),
    ("Publicité", K.ADVERTISEMENT),
    ("Publicidad", K.ADVERTISEMENT),
    ("Sign up for our newsletter", K.NEWSLETTER_PROMO),
    ("Abonnieren Sie unseren Newsletter", K.NEWSLETTER_PROMO),
    ("Inscrivez-vous à notre newsletter", K.NEWSLETTER_PROMO),
    ("Suscríbete a nuestro boletín", K.NEWSLETTER_PROMO),
    ("Share this article", K.SHARE),
    ("Artikel teilen", K.SHARE),
    ("Partager", K.SHARE),
    ("Compartir en Facebook", K.SHARE),
    ("Read more", K.RELATED_LINKS),
    ("Lesen Sie auch", K.RELATED_LINKS),
    ("À lire aussi", K.RELATED_LINKS),
    ("Noticias relacionadas", K.RELATED_LINKS),
    ("We use cookies to improve your experience", K.COOKIE_NOTICE),
    ("Wir verwenden Cookies", K.COOKIE_NOTICE),
    ("Nous utilisons des cookies pour améliorer le site", K.COOKIE_NOTICE),
    ("Utilizamos cookies propias y de terceros", K.COOKIE_NOTICE),
    ("Subscribe to continue reading", K.PAYWALL),
    ("Réservé aux abonnés", K.PAYWALL),
    ("© 2024 Example Media. All rights reserved.", K.FOOTER),
    ("Alle Rechte vorbehalten", K.FOOTER),
    ("Tous droits réservés", K.FOOTER),
    ("Todos los derechos reservados", K.FOOTER),
    ("Photo: Jane Doe/Agency", K.CAPTION),
    ("Foto: dpa", K.CAPTION),
    ("12 Comments", K.COMMENTS),
    ("Kommentare", K.COMMENTS),
    ("By Jane Doe and John Roe", K.BYLINE),
    ("Skip to content", K.NAVIGATION),
    ("Startseite", K.NAVIGATION),
]

PROSE = [
    "The minister said the talks would resume on Monday after a short break.",
    "Der Minister sagte, die Gespräche würden am Montag fortgesetzt.",
    "Le ministre a déclaré que les discussions reprendraient lundi.",
    "El ministro dijo que las conversaciones se reanudarían el lunes.",
    "Researchers found that readers skim a page before they read it closely, which shapes how "
    "long articles are written and edited today.",
]


@pytest.mark.parametrize(("line", "kind"), CUE_LINES)
def test_cue_line_kind(line: str, kind: K) -> None:
    found = classify_boilerplate(line)
    assert found is not None
    assert found[0] is kind
    assert found[1]


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_not_boilerplate(line: str) -> None:
    assert classify_boilerplate(line) is None


GLUED_HEADS = [
    (
        "AdvertisementThe new model arrives in May.",
        "Advertisement",
        "The new model arrives in May.",
    ),
    ("AnzeigeDas neue Modell kommt im Mai.", "Anzeige", "Das neue Modell kommt im Mai."),
    ("Publicité Le nouveau modèle arrive en mai.", "Publicité", "Le nouveau modèle arrive en mai."),
    ("PublicidadEl nuevo modelo llega en mayo.", "Publicidad", "El nuevo modelo llega en mayo."),
]


@pytest.mark.parametrize(("line", "marker", "body"), GLUED_HEADS)
def test_glued_head_is_split(line: str, marker: str, body: str) -> None:
    split = split_glued(line)
    assert [r.text for r in split.before] == [marker]
    assert split.before[0].kind is K.ADVERTISEMENT
    assert split.body == body
    assert split.after == ()


GLUED_TAILS = [
    ("The council approved the plan on Tuesday. Sign up for our newsletter",
     "The council approved the plan on Tuesday.", "Sign up for our newsletter", K.NEWSLETTER_PROMO),
    ("The council approved the plan on Tuesday.Sign up for our newsletter.",
     "The council approved the plan on Tuesday.", "Sign up for our newsletter.",
     K.NEWSLETTER_PROMO),
    ("Der Rat stimmte am Dienstag zu. Abonnieren Sie unseren Newsletter",
     "Der Rat stimmte am Dienstag zu.", "Abonnieren Sie unseren Newsletter", K.NEWSLETTER_PROMO),
    ("Le conseil a approuvé le plan mardi. Inscrivez-vous à notre newsletter",
     "Le conseil a approuvé le plan mardi.", "Inscrivez-vous à notre newsletter",
     K.NEWSLETTER_PROMO),
    ("El consejo aprobó el plan el martes. Suscríbete a nuestro boletín",
     "El consejo aprobó el plan el martes.", "Suscríbete a nuestro boletín", K.NEWSLETTER_PROMO),
]  # fmt: skip


@pytest.mark.parametrize(("line", "body", "tail", "kind"), GLUED_TAILS)
def test_glued_tail_is_cut(line: str, body: str, tail: str, kind: K) -> None:
    split = split_glued(line)
    assert split.before == ()
    assert split.body == body
    assert [(r.text, r.kind) for r in split.after] == [(tail, kind)]


@pytest.mark.parametrize(
    "line",
    [
        "He said it was fine. He checked his inbox.",
        "The newsletter industry grew last year. Analysts expect more growth.",
        "Advertisement spending rose by 4% in 2023, the report said.",
    ],
)
def test_prose_is_not_split(line: str) -> None:
    split = split_glued(line)
    assert split.before == () and split.after == ()
    assert split.body == line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("59 Comments on “A review”", True),
        ("Leave a Reply", True),
        ("Kommentare", True),
        ("Laisser un commentaire", True),
        ("Deja un comentario", True),
        ("124 Reader Comments", True),
        ("244 thoughts on “9 Best Online Course Platforms”", True),
        ("The minister declined to comment on the report.", False),
        ("response = client.generate(", False),
    ],
)
def test_comment_heading(line: str, expected: bool) -> None:
    assert is_comment_heading(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jane Doe says:", True),
        ("sfcgeorge says:", True),
        ("Max Muster sagt:", True),
        ("Jean Dupont a dit :", True),
        ("He says:", False),
        ("She said:", False),
        ("The minister said: we will review the plan.", False),
        ("As the report says, prices rose.", False),
    ],
)
def test_comment_author(line: str, expected: bool) -> None:
    assert is_comment_author(line) is expected


@pytest.mark.parametrize(
    "line",
    [
        "Jane Doe says:",
        "Jean Dupont a dit :",
        "Jane Doe says: ",
        "Jane Doe says:\n",
        "Jane Doe says",
        "Jane Doe says:)",
        "x says :",
    ],
)
def test_comment_author_lines_end_with_a_colon(line: str) -> None:
    # `plaintext._cut_comments` tests only stripped lines ending with ":" (a pre-check).
    stripped = line.strip()
    assert is_comment_author(stripped) is (stripped.endswith(":") and is_comment_author(stripped))
