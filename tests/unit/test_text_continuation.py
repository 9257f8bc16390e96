"""Selection rules that keep article text the line model scores low at the run's edges: the
rest of a numbered list that the kept run began, a long opening paragraph right above the
run, and the prose under a conclusion heading at its end."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from copydesk.extract.cues import has_conclusion_word, is_conclusion_heading
from copydesk.extract.plaintext import (
    CONCLUSION_LINES,
    _extend_end,
    _item_number,
    clean_text,
)
from copydesk.extract.text_end import END_FEATURE_NAMES, EndModel
from copydesk.extract.text_features import page_features
from copydesk.extract.text_select import EDGE_MIN_TOKENS, Thresholds, select_lines
from tests.unit.test_text_end import _Fixed

CUT = Thresholds(run=0.5, inside=0.2, outside=0.9, extend=0.2)
LONG = (
    "The council approved the plan for a new bridge over the river on Tuesday evening, "
    "ending a debate that has divided residents on both banks for more than ten years."
)


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("8. Boston, MA 64.4", 8),
        ("#3) Supersets", 3),
        ("12: Future work", 12),
        ("5", 5),
        ("10 Tips for the road", 10),
        ("2025 was a year of change", None),
        ("3.5 million people moved", None),
        ("Section 4", None),
    ],
)
def test_item_number(line: str, number: int | None) -> None:
    assert _item_number(line) == number


def _extend(lines: list[str], kept: range, prob: list[float] | None = None) -> list[bool]:
    """Which lines `_extend_end` keeps, given the kept run and the line scores (0.5 each
    when not given)."""
    _, facts = page_features(lines)
    keep = np.zeros(len(lines), dtype=bool)
    keep[list(kept)] = True
    scores = np.full(len(lines), 0.5) if prob is None else np.array(prob)
    _extend_end(lines, facts, scores.astype(np.float32), keep)
    return keep.tolist()


ITEMS = [f"{n}. City number {n}, a short item" for n in range(1, 9)]


def test_numbered_list_continues_after_run() -> None:
    lines = ["Intro of the ranking, in a sentence that reads as prose.", *ITEMS, "Share", "Home"]
    prob = [0.9, 0.7, 0.7, 0.6, 0.6, 0.45, 0.4, 0.35, 0.4, 0.05, 0.02]
    keep = _extend(lines, range(0, 5), prob)  # the run stops after item 4
    assert all(keep[:9])  # items 5-8 follow the numbering
    assert not any(keep[9:])  # the footer scores below ITEM_KEEP


def test_item_bodies_and_last_body_kept() -> None:
    lines = ["1. First", "Body one.", "2. Second", "Body two.", "3. Third", "Body three.", "Menu"]
    prob = [0.8, 0.8, 0.3, 0.3, 0.3, 0.3, 0.05]
    keep = _extend(lines, range(0, 2), prob)
    assert keep == [True] * 6 + [False]


def test_other_numbers_do_not_extend() -> None:
    lines = [*ITEMS[:4], "1. Top story elsewhere", "2. Another story", "Home"]
    prob = [0.8, 0.8, 0.8, 0.8, 0.4, 0.4, 0.3]
    keep = _extend(lines, range(0, 4), prob)
    assert not any(keep[4:])  # a new list restarting at 1 does not continue item 4


def test_numbering_too_far_does_not_extend() -> None:
    filler = ["A teaser line of the footer"] * 40
    lines = [*ITEMS[:3], *filler, ITEMS[3]]
    prob = [0.8] * 3 + [0.4] * 41
    keep = _extend(lines, range(0, 3), prob)
    assert not any(keep[3:])


def test_no_numbered_item_in_run_changes_nothing() -> None:
    lines = ["Plain prose opening line.", "More plain prose here.", "1. A list after", "2. Next"]
    keep = _extend(lines, range(0, 2), [0.9, 0.9, 0.4, 0.4])
    assert keep == [True, True, False, False]


def _select(tokens: list[int], prob: list[float], prose: list[bool]) -> list[bool]:
    out = select_lines(
        np.array(prob, dtype=np.float32),
        np.array(tokens, dtype=np.float32),
        CUT,
        np.array(prose, dtype=bool),
    )
    kept: list[bool] = out.tolist()
    return kept


def test_long_opening_paragraph_joins_run() -> None:
    # A short header line, a long low-scored opening paragraph, then the run.
    tokens = [3, EDGE_MIN_TOKENS, 40, 40, 3]
    prob = [0.05, 0.05, 0.9, 0.9, 0.05]
    keep = _select(tokens, prob, [False, True, True, True, False])
    assert keep == [False, True, True, True, False]


def test_short_or_unpunctuated_line_above_run_stays_out() -> None:
    tokens = [3, EDGE_MIN_TOKENS - 1, 40, 40]
    prob = [0.05, 0.05, 0.9, 0.9]
    assert _select(tokens, prob, [False, True, True, True]) == [False, False, True, True]
    tokens = [3, EDGE_MIN_TOKENS + 5, 40, 40]
    assert _select(tokens, prob, [False, False, True, True]) == [False, False, True, True]


def test_long_line_below_run_stays_out() -> None:
    # A closing call to action below the run reads as prose too: the run does not grow down.
    tokens = [40, 40, EDGE_MIN_TOKENS + 5]
    prob = [0.9, 0.9, 0.05]
    assert _select(tokens, prob, [True, True, True]) == [True, True, False]


@pytest.mark.parametrize(
    "line",
    [
        "Conclusion",
        "**Conclusion**",
        "7. Conclusion",
        "## Final thoughts",
        "Video Production: Final Thoughts",
        "Summary",
        "The bottom line",
        "Fazit",
        "Zusammenfassung:",
        "En résumé",
        "Pour conclure",
        "Conclusiones",
        "Reflexiones finales",
        "Conclusions About Travel Insurance",
        "Final thoughts on choosing a CPA",
        "Fazit zum Test",
        "In conclusion",
        "To sum up",
        "Final words",
        "Closing thoughts",
        "Concluding remarks",
        "Wrapping up",
        "Key takeaways",
        "Schlussfolgerungen",
        "Schlusswort",
        "Abschließende Gedanken",
        "RÉSUMÉ",
        "En conclusion",
        "Le mot de la fin",
        "Conclusión",
        "En resumen",
        "Para terminar",
        "En conclusión",
        "Para concluir",
        "Mein Fazit",
        "Unser Fazit zum Test",
        "Zum Schluss",
        "Pour résumer",
    ],
)
def test_conclusion_headings(line: str) -> None:
    assert is_conclusion_heading(line)
    assert has_conclusion_word(line)  # the pre-check lets every heading through


@pytest.mark.parametrize(
    "line",
    [
        "Conclusion of the contract was delayed again",
        "In conclusion, the plan works.",
        "Summary judgment was granted to the city",
        "Summary of the bill",
        "Conclusions and recommendations of the committee for the coming year in full",
        "Related posts",
    ],
)
def test_not_conclusion_headings(line: str) -> None:
    assert not is_conclusion_heading(line)


CLOSING = "We hope this guide helps you choose the right plan for your team and your budget."
OUTRO = "Book a call with our advisers today, and we will find the best plan for your needs."


def test_conclusion_section_after_run_kept() -> None:
    lines = [LONG, LONG, "Conclusion", CLOSING, OUTRO, "Share this post", "Related posts"]
    assert _extend(lines, range(0, 2)) == [True] * 5 + [False] * 2


def test_conclusion_heading_in_run_keeps_prose_under_it() -> None:
    lines = [LONG, "Final thoughts", LONG, CLOSING, "Subscribe"]
    assert _extend(lines, range(0, 3)) == [True] * 4 + [False]


def test_conclusion_section_after_lead_in_kept() -> None:
    lines = [LONG, LONG, "Conclusion", "Just to recap:", CLOSING, OUTRO, "Share this post"]
    assert _extend(lines, range(0, 2)) == [True] * 6 + [False]


def test_long_prose_under_summary_heading_capped() -> None:
    # A "Summary" over a page-long run of prose is no article's closing section.
    lines = [LONG, LONG, "Summary", *[CLOSING] * (CONCLUSION_LINES + 3), "Home"]
    keep = _extend(lines, range(0, 2))
    assert keep == [True] * (3 + CONCLUSION_LINES) + [False] * 4


def test_other_heading_keeps_nothing() -> None:
    lines = [LONG, LONG, "Related articles", CLOSING, OUTRO]
    assert _extend(lines, range(0, 2)) == [True, True, False, False, False]


def test_conclusion_far_after_run_keeps_nothing() -> None:
    lines = [LONG, LONG, *["Menu item"] * 5, "Conclusion", CLOSING]
    assert _extend(lines, range(0, 2)) == [True, True] + [False] * 7


QUESTION = "How long does the approval take?"
ANSWER = "Most applications are approved within two weeks, though busy months can take longer."


def test_question_answer_pairs_continue() -> None:
    lines = [LONG, QUESTION, ANSWER, "Is it free?", ANSWER, ANSWER, "Can I cancel?", ANSWER, "Home"]
    assert _extend(lines, range(0, 6)) == [True] * 8 + [False]


def test_one_kept_question_answer_pair_does_not_continue() -> None:
    # The model keeps the first pair of a site-wide FAQ below the article; one kept pair
    # does not say the article is an FAQ.
    lines = [LONG, LONG, QUESTION, ANSWER, "Is it free?", ANSWER, "Can I cancel?", ANSWER]
    assert _extend(lines, range(0, 4)) == [True] * 4 + [False] * 4


def test_questions_without_kept_question_stay_out() -> None:
    lines = [LONG, LONG, QUESTION, ANSWER]
    assert _extend(lines, range(0, 2)) == [True, True, False, False]


def test_question_without_answer_stays_out() -> None:
    lines = [LONG, QUESTION, ANSWER, "Want to read more?", "Related posts"]
    assert _extend(lines, range(0, 3)) == [True, True, True, False, False]


def test_end_model_cuts_below_a_conclusion_section() -> None:
    # The block model cuts at the heading (the earliest cut, with the most lines after it);
    # the section under a conclusion heading is the article's end, so the cut moves below
    # its prose, and the teasers after it still go.
    lines = [
        "Council approves river crossing",
        *[LONG] * 6,
        "Conclusion",
        CLOSING,
        "Five things about the bus lanes",
        "Why the market hall reopens",
    ]
    weights = np.zeros(len(END_FEATURE_NAMES), dtype=np.float32)
    weights[END_FEATURE_NAMES.index("log_after_lines")] = 10.0
    out = clean_text("\n".join(lines), _Fixed(EndModel(weights, 0.0, 0.5)))  # type: ignore[arg-type]
    assert CLOSING in out.paragraphs
    assert "Five things about the bus lanes" not in out.text


@dataclass
class _Scores:
    """A line model that returns fixed scores, without block models."""

    prob: list[float]
    thresholds: Thresholds = field(default_factory=lambda: CUT)
    end: None = None
    start: None = None

    def predict(self, features: np.ndarray) -> np.ndarray:
        return np.array(self.prob, dtype=np.float32)


CLOSING_PARAGRAPH = (
    "If you are planning a move this winter, our team can help you with packing, storage and "
    "the paperwork, and we would be glad to give you a free quote for your next move today."
)


def test_long_closing_paragraph_after_article_kept() -> None:
    lines = ["Council approves river crossing", *[LONG] * 4, CLOSING_PARAGRAPH, "Share this"]
    prob = [0.0, 0.9, 0.9, 0.9, 0.9, 0.05, 0.01]
    out = clean_text("\n".join(lines), _Scores(prob))  # type: ignore[arg-type]
    assert CLOSING_PARAGRAPH in out.paragraphs
    assert "Share this" not in out.text


def test_closing_cookie_notice_after_article_stays_out() -> None:
    notice = (
        "We use cookies and similar technologies to improve your experience on our site, to "
        "analyse traffic and to show you personalised content and ads from our partners."
    )
    lines = ["Council approves river crossing", *[LONG] * 4, notice, "Share this"]
    prob = [0.0, 0.9, 0.9, 0.9, 0.9, 0.05, 0.01]
    out = clean_text("\n".join(lines), _Scores(prob))  # type: ignore[arg-type]
    assert notice not in out.text


def test_short_closing_line_after_article_stays_out() -> None:
    promo = "Get our weekly briefing on the city, free in your inbox every Friday."
    lines = ["Council approves river crossing", *[LONG] * 4, promo, "Share this"]
    prob = [0.0, 0.9, 0.9, 0.9, 0.9, 0.05, 0.01]
    out = clean_text("\n".join(lines), _Scores(prob))  # type: ignore[arg-type]
    assert promo not in out.text


def test_related_box_stops_at_the_next_numbered_item() -> None:
    lines = [
        "The best bridges of the region, ranked",
        "1. The old stone bridge",
        LONG,
        LONG,
        "More on the river:",
        "Flood defences to be raised before winter",
        "2. The new suspension bridge",
        "3. The rail bridge",
        LONG,
        LONG,
    ]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert "Flood defences to be raised before winter" not in out.text
    assert "2. The new suspension bridge" in out.paragraphs
    # A numbered teaser that does not continue the article's numbering goes with the box.
    lines[6] = "5 things to know about the ferry"
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert "5 things to know about the ferry" not in out.text


CAPTION = "The new bridge seen from the northern bank at dusk on the day the council voted"
LOST_STOP = (
    "The benefits are substantial: fewer traffic jams in the centre, shorter trips for the "
    "commuters from the south and a second route for the ambulances when the old bridge is shut"
)


def test_caption_between_paragraphs_cut_but_long_sentence_without_stop_kept() -> None:
    lines = ["Council approves river crossing", *[LONG] * 3, CAPTION, LONG, LOST_STOP, LONG]
    out = clean_text("\n".join(lines), _Fixed(None))  # type: ignore[arg-type]
    assert CAPTION not in out.paragraphs
    assert LOST_STOP in out.paragraphs


def test_end_model_does_not_cut_at_the_next_numbered_item() -> None:
    # The block model cuts at the earliest candidate; here that is the article's next
    # numbered section, which continues the kept numbering: the article goes on there.
    lines = [
        "The best bridges of the region, ranked",
        *[LONG] * 3,
        "1. The old stone bridge",
        *[LONG] * 3,
        "2. The new suspension bridge",
        CLOSING,
    ]
    weights = np.zeros(len(END_FEATURE_NAMES), dtype=np.float32)
    weights[END_FEATURE_NAMES.index("log_after_lines")] = 10.0
    model = _Fixed(EndModel(weights, 0.0, 0.5))
    out = clean_text("\n".join(lines), model)  # type: ignore[arg-type]
    assert "2. The new suspension bridge" in out.paragraphs
    assert CLOSING in out.paragraphs
    # Without the earlier item, the same cut stands.
    lines[4] = "The old stone bridge"
    out = clean_text("\n".join(lines), model)  # type: ignore[arg-type]
    assert "2. The new suspension bridge" not in out.text
