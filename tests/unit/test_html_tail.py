"""The closing-run cut of the HTML path (`html_tail`)."""

from __future__ import annotations

from copydesk.extract import RemovedKind
from copydesk.extract.html_tail import (
    MAX_TAIL_PROB,
    MAX_TAIL_WORDS,
    closing_run_start,
    cut_low_tail,
)

PROSE = [
    f"Paragraph {i} explains how the tide rises and falls along the long northern coast, "
    "and why the harbour master watches the moon before the boats go out."
    for i in range(8)
]
LOW, HIGH = MAX_TAIL_PROB / 2, 0.9


def test_closing_run_of_short_low_lines_is_cut() -> None:
    paragraphs = [*PROSE, "Get a demo", "Contact sales"]
    prob = [HIGH] * len(PROSE) + [LOW, LOW]
    assert closing_run_start(paragraphs, prob) == len(PROSE)


def test_run_stops_at_a_high_or_long_line() -> None:
    long_line = " ".join(["word"] * (MAX_TAIL_WORDS + 1))
    paragraphs = [*PROSE, "Thanks for reading!", long_line, "Contact sales"]
    prob = [HIGH] * len(PROSE) + [HIGH, LOW, LOW]
    assert closing_run_start(paragraphs, prob) == len(paragraphs) - 1
    prob[-2] = HIGH
    paragraphs[-2] = "Happy coding!"
    assert closing_run_start(paragraphs, prob) == len(paragraphs) - 1


def test_low_lines_in_the_middle_and_the_first_line_stay() -> None:
    paragraphs = [PROSE[0], "Get a demo", PROSE[1]]
    assert closing_run_start(paragraphs, [HIGH, LOW, HIGH]) == len(paragraphs)
    assert closing_run_start(["Get a demo", "Go"], [LOW, LOW]) == 1


def test_run_stays_within_its_share_of_the_body() -> None:
    teasers = [f"Teaser {i} title here" for i in range(40)]
    paragraphs = [PROSE[0], *teasers]
    start = closing_run_start(paragraphs, [HIGH] + [LOW] * len(teasers))
    assert 1 < start < len(paragraphs)


def test_real_model_cuts_closing_share_buttons_with_a_reason() -> None:
    kept, gone = cut_low_tail([*PROSE, "Facebook", "Twitter"])
    assert kept[: len(PROSE)] == tuple(PROSE)
    assert [g.text for g in gone] == ["Facebook", "Twitter"][2 - len(gone) :]
    assert {g.kind for g in gone} <= {RemovedKind.OTHER}
    assert cut_low_tail(["Get a demo"]) == (("Get a demo",), ())
