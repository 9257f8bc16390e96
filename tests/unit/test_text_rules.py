"""Rules after the line model: credit lines inside the article, closing sections (recent
posts, author bio, sources), a closing bio line, call-to-action buttons, form messages,
tables of contents, related-links headings that are sentences."""

from __future__ import annotations

import pytest

from copydesk.extract import plaintext
from copydesk.extract.cues import (
    CLOSING_PREFIXES,
    GLUED_HEAD_PREFIXES,
    INLINE_PREFIXES,
    closing_heading,
    is_bio_opening,
    is_consent_line,
    is_credit_line,
    is_credit_tail,
    is_cta_line,
    is_disclosure,
    is_form_line,
    is_related_heading,
    is_toc_heading,
)
from copydesk.extract.plaintext import clean_text
from copydesk.extract.result import RemovedKind
from tests.unit.test_text_end import _Fixed

PROSE = (
    "The council approved the plan for a new bridge over the river on Tuesday evening, "
    "ending a debate that has divided residents on both banks for more than ten years."
)
LATER = (
    "Work on the foundations starts in March, and the contractor expects the first "
    "lanes to open to traffic before the end of the following year."
)


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Jane Doe / Agency",
        "Image credit: City archive",
        "Photo courtesy of the museum",
        "Images: Reader submission, used with permission",
        "(Photo: Jane Doe)",
        "Foto: dpa",
        "Bildquelle: Stadtarchiv",
        "Bild: Getty Images",
        "Crédit photo : AFP",
        "Crédits : Jean Dupont",
        "Imagen: EFE",
        "Fotografía de Ana Ruiz",
    ],
)
def test_credit_lines(line: str) -> None:
    assert is_credit_line(line)


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "Photographers gathered at the square before the vote.",
        "Picture this: a city where nobody needs a car to reach the centre.",
        "Image quality: the new sensor gathers twice the light.",
        "Fotos und Videos der Veranstaltung zeigen eine volle Halle.",
        "Photo: " + " ".join(["word"] * 30),
    ],
)
def test_not_credit_lines(line: str) -> None:
    assert not is_credit_line(line)


@pytest.mark.parametrize(
    "credit",
    [
        "Photo: Jane Doe / Agency",
        "Foto: Stadtarchiv",
        "Crédit photo : AFP",
        # In parentheses, whatever the label: the pipeline's pre-check reads the same
        # labels as the pattern.
        "(Bild: dpa)",
        "(Video: Reuters)",
        "(Crédits : AFP)",
    ],
)
def test_a_credit_line_inside_the_article_is_cut_as_a_caption(credit: str) -> None:
    lines = ["Council approves river crossing", *[PROSE] * 4, credit, *[LATER] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert credit not in out.paragraphs
    assert list(out.paragraphs) == [*[PROSE] * 4, *[LATER] * 4]
    [removed] = [r for r in out.removed if r.text == credit]
    assert removed.kind is RemovedKind.CAPTION


def test_a_normal_paragraph_stays() -> None:
    lines = ["Council approves river crossing", *[PROSE] * 4, LATER, *[PROSE] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == lines[1:]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("More on that in a follow-up post about the budget.", False),
        ("Mehr zum Thema.", False),
        ("Read more!", False),
        ("More on the bridge:", True),
        ("Related articles", True),
        ("Mehr zum Thema", True),
        ("À lire aussi", True),
        ("Noticias relacionadas", True),
    ],
)
def test_related_heading_is_not_a_sentence(line: str, expected: bool) -> None:
    assert is_related_heading(line) is expected


def test_a_sentence_opening_like_a_related_heading_keeps_the_article() -> None:
    sentence = "More on that in a later post about the contractor's schedule."
    lines = ["Council approves river crossing", *[PROSE] * 6, sentence, *[LATER] * 2]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == lines[1:]


def test_a_related_heading_late_in_the_article_still_cuts_the_box() -> None:
    lines = ["Council approves river crossing", *[PROSE] * 6, "More on the bridge:", LATER]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 6]
    assert any(r.kind is RemovedKind.RELATED_LINKS for r in out.removed)


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("Recent Posts", "recent"),
        ("Recent posts on blogs I like:", "recent"),
        ("Recently by Jane Doe", "recent"),
        ("You might also enjoy some of my other posts", "recent"),
        ("Neueste Beiträge", "recent"),
        ("Articles récents", "recent"),
        ("Entradas recientes", "recent"),
        ("About the Author", "bio"),
        ("About the AuthorJane Doe", "bio"),
        ("Über den Autor", "bio"),
        ("À propos de l'auteur", "bio"),
        ("Sobre el autor", "bio"),
        ("Article Sources", "sources"),
        ("References", "sources"),
        ("Quellen:", "sources"),
        ("Références", "sources"),
        ("Referencias", "sources"),
        ("Previous Post The bridge vote, explained", "postnav"),
        ("« Previous post", "postnav"),
        ("Next: Why the market hall reopens", "postnav"),
        ("Nächster Beitrag", "postnav"),
        ("Article précédent", "postnav"),
        ("Entrada anterior", "postnav"),
        ("About Acme Media", "about"),
        ("About the Acme Institute", "about"),
        ("About us", "about"),
        ("Über uns", "about"),
        ("À propos d'Acme", "about"),
        ("Acerca de nosotros", "about"),
    ],
)
def test_closing_headings(line: str, section: str) -> None:
    assert closing_heading(line) == section


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "Recent posts suggest the council will vote again.",
        "You may like the new bridge more than the old one.",
        "Sources close to the council said the vote was delayed.",
        "Über den Autor wissen wir wenig.",
        "References related issues",
        "About the authority",
        "About filing your tax return",
        "About the bridge: what the vote means.",
        "Next steps",
        "Next, the council will vote on the budget.",
    ],
)
def test_not_closing_headings(line: str) -> None:
    assert closing_heading(line) is None


BIO = (
    "Jane Doe has covered city politics for the paper since 2015 and writes about "
    "transport, housing and the budget."
)


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("About the Author", RemovedKind.BYLINE),
        ("Über die Autorin", RemovedKind.BYLINE),
        ("Sources", RemovedKind.OTHER),
        ("Fuentes", RemovedKind.OTHER),
        ("Articles récents", RemovedKind.RELATED_LINKS),
        ("Acerca de nosotros", RemovedKind.FOOTER),
    ],
)
def test_a_closing_section_is_cut_from_its_heading(heading: str, kind: RemovedKind) -> None:
    lines = ["Council approves river crossing", *[PROSE] * 6, heading, BIO, BIO]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 6]
    [removed] = [r for r in out.removed if r.text.startswith(heading)]
    assert removed.kind is kind
    assert removed.text == "\n".join([heading, BIO, BIO])


def test_a_closing_heading_early_in_the_article_cuts_nothing() -> None:
    lines = ["Council approves river crossing", PROSE, "Sources", *[LATER] * 6]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == lines[1:]


@pytest.mark.parametrize(
    "line",
    [
        "Jane Doe is a freelance writer who covers transport and housing for the paper.",
        "(Jane Doe is an associate attorney at the firm.)",
        "Max Muster ist ein freier Autor und schreibt über Verkehr.",
        "Marie Dupont est une journaliste indépendante basée à Lyon.",
        "Ana Ruiz es una periodista que cubre política municipal.",
        # A surname that is a stop word of a language the pattern does not read (Turkish).
        "Mirel Zaman is the health director at the magazine.",
    ],
)
def test_bio_openings(line: str) -> None:
    assert is_bio_opening(line)


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "The city is a hub for freight and will stay one.",
        "Das Projekt ist ein wichtiger Schritt für die Stadt.",
        "La ciudad es un nudo de transporte.",
        "This is a test the council cannot fail.",
    ],
)
def test_not_bio_openings(line: str) -> None:
    assert not is_bio_opening(line)


def test_a_closing_bio_line_is_cut() -> None:
    bio = "Jane Doe is a freelance writer who covers transport and housing for the paper."
    lines = ["Council approves river crossing", *[PROSE] * 6, bio]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 6]
    [removed] = [r for r in out.removed if r.text == bio]
    assert removed.kind is RemovedKind.BYLINE


def test_a_bio_like_line_inside_the_article_stays() -> None:
    quote = "Jane Doe is a resident of the east bank and has fought the plan for years."
    lines = ["Council approves river crossing", *[PROSE] * 3, quote, *[LATER] * 3]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == lines[1:]


@pytest.mark.parametrize(
    "line",
    [
        "Learn more",
        "Learn More \u2192",
        "Get a Quote",
        "Buy on Amazon",
        "Read Full Review",
        "Mehr erfahren",
        "Jetzt kaufen \u203a",
        "En savoir plus",
        "Más información",
        "Prueba gratis",
    ],
)
def test_cta_lines(line: str) -> None:
    assert is_cta_line(line)


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "Learn more about the bridge at the council meeting on Tuesday.",
        "Getting started",
        "Buy local",
        "Saber más es poder.",
    ],
)
def test_not_cta_lines(line: str) -> None:
    assert not is_cta_line(line)


@pytest.mark.parametrize("button", ["Learn more", "Mehr erfahren", "En savoir plus", "Saber más"])
def test_a_button_line_inside_the_article_is_cut(button: str) -> None:
    lines = ["Council approves river crossing", *[PROSE] * 4, button, *[LATER] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 4, *[LATER] * 4]
    [removed] = [r for r in out.removed if r.text == button]
    assert removed.kind is RemovedKind.NAVIGATION


@pytest.mark.parametrize(
    "line",
    ["Table of Contents", "In this article:", "Jump to:", "Inhaltsverzeichnis", "Sommaire",
     "Table des matières", "Índice", "Tabla de contenidos"],
)  # fmt: skip
def test_toc_headings(line: str) -> None:
    assert is_toc_heading(line)


@pytest.mark.parametrize(
    "line", ["Contents of the report were leaked.", "In this article we explain the vote"]
)
def test_not_toc_headings(line: str) -> None:
    assert not is_toc_heading(line)


@pytest.mark.parametrize(
    "heading", ["Table of contents", "Inhaltsverzeichnis", "Sommaire", "Inhalt", "Contenidos"]
)
def test_a_table_of_contents_is_cut_with_the_entries_that_come_back(heading: str) -> None:
    parts = ["Why the bridge", "What it costs", "When work starts"]
    lines = [
        "Council approves river crossing",
        PROSE,
        heading,
        *parts,
        parts[0],
        *[PROSE] * 2,
        parts[1],
        *[LATER] * 2,
        parts[2],
        LATER,
    ]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == lines[1:2] + lines[6:]
    toc = [r for r in out.removed if r.reason == "table of contents"]
    assert [r.text for r in toc] == [heading, *parts]
    assert {r.kind for r in toc} == {RemovedKind.NAVIGATION}


@pytest.mark.parametrize("heading", ["Inhalt", "Contenido:"])
def test_a_section_named_like_a_table_of_contents_stays(heading: str) -> None:
    """A German review's "Inhalt" (the plot) heads a section, not a table of contents."""
    lines = ["Council approves river crossing", *[PROSE] * 2, heading, *[LATER] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == lines[1:]


def test_lines_after_a_contents_heading_that_do_not_come_back_stay() -> None:
    lines = ["Council approves river crossing", *[PROSE] * 2, "Contents", *[LATER] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 2, *[LATER] * 4]


@pytest.mark.parametrize(
    "line",
    [
        "This field is for validation purposes and should be left unchanged.",
        "Thank you! Your submission has been received!",
        "Oops! Something went wrong while submitting the form.",
        "Required fields are marked *",
        "Pflichtfelder sind mit * markiert.",
        "Les champs obligatoires sont indiqués avec *",
        "Los campos obligatorios están marcados con *",
    ],
)
def test_form_lines(line: str) -> None:
    assert is_form_line(line)


@pytest.mark.parametrize(
    "line", [PROSE, "Thank you for reading the council's report on the bridge."]
)
def test_not_form_lines(line: str) -> None:
    assert not is_form_line(line)


def test_a_form_message_inside_the_article_is_cut() -> None:
    form = "This field is for validation purposes and should be left unchanged."
    lines = ["Council approves river crossing", *[PROSE] * 4, form, *[LATER] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 4, *[LATER] * 4]
    assert [r.reason for r in out.removed if r.text == form] == ["form message"]


@pytest.mark.parametrize(
    ("table", "prefixes"),
    [
        ("_GLUED_FIRST_BYTES", GLUED_HEAD_PREFIXES),
        ("_CLOSING_FIRST_BYTES", CLOSING_PREFIXES),
        ("_INLINE_FIRST_BYTES", INLINE_PREFIXES),
    ],
)
def test_first_byte_pre_checks_pass_every_prefix(table: str, prefixes: tuple[str, ...]) -> None:
    # A first-byte table is a pre-check before `str.startswith`: a line opening with any
    # of the prefixes must pass it, or the rule would never see that line.
    first_bytes = getattr(plaintext, table)
    assert all(first_bytes[prefix.encode("utf-8")[0]] for prefix in prefixes)
    assert first_bytes.sum() < 128  # and it does leave lines out


@pytest.mark.parametrize(
    "line",
    [
        "We may earn commission from links on this page, but we only recommend products.",
        "This post contains affiliate links. Click here to read my full disclosure.",
        "When you buy through links on our site, we may earn an affiliate commission.",
        "We may be compensated when you click on a link or an application is approved.",
        "Dieser Artikel enthält Affiliate-Links: Kaufst du darüber, erhalten wir eine Provision.",
        "Cet article contient des liens d'affiliation : nous pouvons toucher une commission.",
        "Este artículo contiene enlaces de afiliados; recibimos una comisión por cada compra.",
    ],
)
def test_disclosures(line: str) -> None:
    assert is_disclosure(line)


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        # Third person: an article about affiliate programmes.
        "Streamers earn a commission when viewers buy games or gear via affiliate links.",
        "We should be a society of free people, not one of well-compensated managers.",
        "We asked the European Commission for a comment on the plan.",
    ],
)
def test_not_disclosures(line: str) -> None:
    assert not is_disclosure(line)


@pytest.mark.parametrize(
    "disclosure",
    [
        "We may earn a commission from links on this page, but we only recommend products.",
        "Wenn du über diese Links kaufst, erhalten wir eine kleine Provision vom Händler.",
    ],
)
def test_a_disclosure_above_the_article_is_cut(disclosure: str) -> None:
    lines = ["Council approves river crossing", disclosure, *[PROSE] * 4, *[LATER] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 4, *[LATER] * 4]
    [removed] = [r for r in out.removed if r.text == disclosure]
    assert removed.kind is RemovedKind.ADVERTISEMENT


@pytest.mark.parametrize(
    "line",
    [
        "Using your phone as a distraction isn't always bad. Jane Doe/E+ via Getty Images",
        "The crowd at the square before the vote on Tuesday. AP Photo/John Roe, Reuters",
        "The lodge sits at the edge of the reserve. Courtesy of the hotel.",
        "Die neue Brücke soll 2027 fertig werden (Foto: dpa)",
        "Le pont devrait ouvrir en 2027. Avec l'aimable autorisation de la mairie",
        "El puente abrirá en 2027, según el ayuntamiento. Cortesía de la alcaldía",
    ],
)
def test_credit_tails(line: str) -> None:
    assert is_credit_tail(line)


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "The agency's photographers sold the picture to Getty Images and to a local paper.",
        "Thinkific offers a free trial of any paid plan, no credit card required.",
        "The court heard the case as a matter of courtesy to the other side.",
    ],
)
def test_not_credit_tails(line: str) -> None:
    assert not is_credit_tail(line)


def test_a_caption_ending_in_its_credit_inside_the_article_is_cut() -> None:
    caption = "Residents gathered on the east bank to watch the vote. Jane Doe via Getty Images"
    lines = ["Council approves river crossing", *[PROSE] * 4, caption, *[LATER] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 4, *[LATER] * 4]
    [removed] = [r for r in out.removed if r.text == caption]
    assert removed.kind is RemovedKind.CAPTION


@pytest.mark.parametrize(
    "line",
    [
        "By submitting this form, you agree to our Privacy Policy.",
        "By signing up, I agree to the Terms and Privacy Policy.",
        "Mit dem Absenden des Formulars stimmen Sie unserer Datenschutzerklärung zu.",
        "En soumettant ce formulaire, vous acceptez notre politique de confidentialité.",
        "Al enviar este formulario, aceptas nuestra política de privacidad.",
    ],
)
def test_consent_lines(line: str) -> None:
    assert is_consent_line(line)


@pytest.mark.parametrize(
    "line",
    [
        PROSE,
        "By completing the course, you become certified in a specific skill.",
        "By clicking through the archive, readers can follow the bridge debate since 2015.",
        "En cliquant sur la carte, on voit le tracé du pont.",
    ],
)
def test_not_consent_lines(line: str) -> None:
    assert not is_consent_line(line)


def test_a_consent_note_after_the_article_is_cut() -> None:
    note = "By submitting this form, you authorize the city to contact you about the bridge."
    lines = ["Council approves river crossing", *[PROSE] * 6, note]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 6]
    [removed] = [r for r in out.removed if r.text == note]
    assert removed.kind is RemovedKind.OTHER


COMPANY = (
    "Acme Media is an independent publisher of local news, founded in 1998 and owned by "
    "its readers."
)


@pytest.mark.parametrize(
    "below",
    [[COMPANY], ["Careers", "Advertise", "Privacy Policy"]],
    ids=["blurb opening with the name", "footer menu"],
)
def test_an_about_name_heading_is_cut_when_the_line_below_confirms_it(below: list[str]) -> None:
    lines = ["Council approves river crossing", *[PROSE] * 6, "About Acme Media", *below]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 6]


@pytest.mark.parametrize("heading", ["About Filing Your Return", "About the Vaccine"])
def test_an_about_heading_over_the_articles_own_prose_stays(heading: str) -> None:
    section = (
        "Most households can file online for free, and the deadline this year falls on "
        "the fifteenth of April, as it usually does."
    )
    lines = ["Council approves river crossing", *[PROSE] * 6, heading, section, section]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert list(out.paragraphs) == [*[PROSE] * 6, heading, section, section]


@pytest.mark.parametrize(
    "line",
    [
        '"We will not raise output again this year," the energy minister told Reuters.',
        "Farmers were told they will be compensated for the losses, but we have seen nothing "
        "yet, one grower said.",
        "The photographs were provided courtesy of local restaurants and the tourist board.",
    ],
)
def test_reported_speech_inside_the_article_is_not_a_notice(line: str) -> None:
    lines = ["Council approves river crossing", *[PROSE] * 4, line, *[PROSE] * 4]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert line in out.paragraphs


def test_a_reported_agreement_is_not_a_forms_consent_note() -> None:
    assert not is_consent_line("By continuing to pump oil, the company agreed to pay fines.")
    assert is_consent_line("By submitting this form, you agree to our Privacy Policy.")
    assert is_consent_line("Mit dem Absenden stimmen Sie der Datenschutzerklärung zu.")
