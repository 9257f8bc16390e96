"""Metadata read from pasted text: language by stop words, with the character model as
the fallback; dates only from lines that hold a year."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from copydesk.extract import text_meta
from copydesk.extract.cues import case_sensitive
from copydesk.extract.text_meta import detect_language, parse_date
from tests.unit.test_text_cue_buckets import devset_lines

BODIES = {
    "en": "The government said on Tuesday that it would review the plan after a long debate in "
    "parliament, and officials added that the decision was not final. It is expected to be one "
    "of the most important votes of the year for the party and its leader.",
    "de": "Die Regierung hat am Dienstag angekündigt, dass sie den Plan nach einer langen Debatte "
    "im Parlament überprüfen werde. Die Entscheidung sei noch nicht endgültig, sagte ein "
    "Sprecher, und es werde eine der wichtigsten Abstimmungen des Jahres für die Partei sein.",
    "fr": "Le gouvernement a annoncé mardi qu'il allait réexaminer le projet après un long débat "
    "au Parlement. La décision n'est pas encore définitive, a précisé un porte-parole, et ce "
    "sera l'un des votes les plus importants de l'année pour le parti et son chef.",
    "es": "El gobierno anunció el martes que revisará el plan después de un largo debate en el "
    "parlamento. La decisión aún no es definitiva, dijo un portavoz, y será una de las "
    "votaciones más importantes del año para el partido y su líder.",
    # Malay shares its stop words with Indonesian, which has a list: the character model
    # decides, so the close neighbour is not named by the stop-word vote.
    "ms": "Kerajaan mengumumkan pada hari Selasa bahawa ia akan menyemak semula rancangan itu "
    "selepas perdebatan panjang di parlimen. Keputusan itu belum muktamad, kata seorang "
    "jurucakap, dan ia akan menjadi salah satu undian paling penting tahun ini bagi parti itu.",
}


@pytest.mark.parametrize(("code", "body"), sorted(BODIES.items()))
def test_language_of_body(code: str, body: str) -> None:
    assert detect_language((body,)) == code


def test_heading_before_prose() -> None:
    # A short heading before English prose: the prose decides.
    paragraphs = ("Installing HVAC Circuits & Disconnects", BODIES["en"], BODIES["en"])
    assert detect_language(paragraphs) == "en"


def test_no_paragraphs_no_language() -> None:
    assert detect_language(()) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published June 3, 2024", datetime(2024, 6, 3)),
        ("3. Juni 2024", datetime(2024, 6, 3)),
        ("Updated 2024-06-03 10:00", datetime(2024, 6, 3)),
        ("Published June 3", None),
        ("By Jane Doe", None),
    ],
)
def test_parse_date(line: str, expected: datetime | None) -> None:
    assert parse_date(line) == expected


def _reference_date(line: str) -> datetime | None:
    """`parse_date` with the IGNORECASE patterns on the line as it is."""
    for pattern in text_meta._DATES:
        match = pattern.search(line)
        if match:
            parts = match.groupdict()
            month = int(parts["mn"]) if parts.get("mn") else text_meta._MONTHS[parts["m"].lower()]
            try:
                return datetime(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
    return None


def test_lowered_ascii_lines_give_the_dates_of_the_ignorecase_patterns() -> None:
    # ASCII lines are read lower-cased by case-sensitive copies of the date patterns.
    forms = ("{m} {d}, {y}", "{d} {m} {y}", "{d}. {m} {y}", "{d}th of {m}. {y}", "{y}-0{d}-1{d}")
    lines = [
        f"Posted {form.format(m=cased, d=day, y=year)} by Jane"
        for month in text_meta._MONTHS
        if month.isascii()
        for cased in (month, month.upper(), month.title(), month[:1] + month[1:].upper())
        for form in forms
        for day, year in ((3, 2024), (31, 1999), (9, 2031))
    ]
    lines += [line.strip() for line in devset_lines() if line.isascii() and len(line) < 120]
    dated = [line for line in lines if _reference_date(line) is not None]
    assert len(dated) > 1500
    assert [line for line in lines if parse_date(line) != _reference_date(line)] == []


def test_a_pattern_with_upper_case_is_refused_but_not_for_its_group_syntax() -> None:
    with pytest.raises(ValueError, match="upper-case"):
        case_sensitive(re.compile(r"(?P<m>June)", re.I))
    assert case_sensitive(re.compile(r"(?P<m>june)(?P=m)", re.I)).flags & re.I == 0
