"""The whole-line cue pattern's first-letter buckets give the same match as the full
pattern: on every cue phrase (sample wordings, any case, with counters and arrows) and
on every line of the dev set's text inputs. A bucket that dropped a phrase which can
match would change what the cleaner removes."""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Iterator
from typing import Any

from copydesk.extract import cues
from tests.unit.test_text_quality import devset_dir

MAX_SAMPLES = 40
# The regex parser `re` itself uses (private, but stable within a Python version).
_parser: Any = importlib.import_module("re._parser")


def _samples(items: list[tuple[Any, Any]]) -> list[str]:
    """A few strings the parsed regex `items` matches (every branch, optional parts taken
    and left out)."""
    parts = [_item_samples(op, arg) for op, arg in items]
    out = ["".join(combo) for combo in itertools.product(*parts)]
    return out[:MAX_SAMPLES]


def _item_samples(op: Any, arg: Any) -> list[str]:
    c = _parser
    if op is c.LITERAL:
        return [chr(arg)]
    if op is c.ANY:
        return ["x"]
    if op is c.IN:
        first_op, first_arg = arg[0]
        if first_op is c.LITERAL:
            return [chr(first_arg)]
        if first_op is c.RANGE:
            return [chr(first_arg[0])]
        return [_category(first_arg)]
    if op is c.CATEGORY:
        return [_category(arg)]
    if op is c.SUBPATTERN:
        return _samples(list(arg[-1]))
    if op is c.BRANCH:
        return [s for branch in arg[1] for s in _samples(list(branch))]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, _, sub = arg
        inner = _samples(list(sub))
        counts = sorted({low, max(low, 1)})
        return [s * n for n in counts for s in inner]
    if op is c.AT:
        return [""]
    raise AssertionError(f"unexpected regex item {op}")


def _category(category: Any) -> str:
    names = {"CATEGORY_DIGIT": "7", "CATEGORY_SPACE": " ", "CATEGORY_WORD": "w"}
    return names.get(str(category), "x")


def _cue_lines() -> Iterator[str]:
    for _, _, phrases in cues._LINE_CUES:
        for phrase in phrases:
            pattern = phrase.replace(" ?", r"\s*").replace(" ", r"\s+")
            for sample in _samples(list(_parser.parse(pattern))):
                for cased in (sample, sample.upper(), sample.title(), sample.capitalize()):
                    yield cased
                    yield f"» {cased} \u203a"
                    yield f"12 {cased} (3)"
                    yield f"  — {cased}:"


def devset_lines() -> list[str]:
    """Every line of the dev set's text inputs."""
    return [
        line
        for path in sorted((devset_dir() / "text").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def _same(line: str) -> bool:
    full = cues._LINE_PATTERN.fullmatch(line)
    bucket = cues.line_pattern(line).fullmatch(line)
    if full is None or bucket is None:
        return full is bucket
    return (full.lastgroup, full.span()) == (bucket.lastgroup, bucket.span())


def test_every_cue_phrase_matches_the_same_in_its_bucket() -> None:
    lines = list(_cue_lines())
    assert len(lines) > 2000
    # The samples are real cue lines: the full pattern accepts all but most "12 ..." ones.
    accepted = sum(cues._LINE_PATTERN.fullmatch(line) is not None for line in lines)
    assert accepted > 0.7 * len(lines)
    assert [line for line in lines if not _same(line)] == []


def test_every_dev_line_matches_the_same_in_its_bucket() -> None:
    lines = {line.strip() for line in devset_lines()}
    assert len(lines) > 10_000
    assert [line for line in lines if line and not _same(line)] == []


def test_only_ascii_letters_and_digits_get_a_bucket() -> None:
    assert cues.line_pattern("Ökologie") is cues._LINE_PATTERN
    assert cues.line_pattern("\u212a") is cues._LINE_PATTERN  # Kelvin sign folds to "k"
    assert cues.line_pattern("...") is cues._LINE_PATTERN
    assert cues.line_pattern("» Share") is cues.line_pattern("share")
    assert re.fullmatch(r"\w", "7") and cues.line_pattern("7 comments") is not cues._LINE_PATTERN


def _mention_lines() -> Iterator[str]:
    """ASCII lines holding a sample of every mention phrase, in several cases and
    surroundings (glued to a word, so the word-boundary checks are met and missed)."""
    for _, _, phrases in cues._MENTION_CUES:
        for phrase in phrases:
            pattern = phrase.replace(" ?", r"\s*").replace(" ", r"\s+")
            for sample in _samples(list(_parser.parse(pattern))):
                for cased in (sample, sample.upper(), sample.title()):
                    if cased.isascii():
                        yield f"Read this: {cased} now."
                        yield f"x{cased}"
                        yield f"{cased}y (2024)"


def _same_mention(line: str) -> bool:
    lowered = line.lower()
    return all(
        (full.search(line) is None) == (fast.search(lowered) is None)
        for (_, _, full), fast in zip(cues._MENTION_PATTERNS, cues._MENTION_LOWER, strict=True)
    )


def test_every_mention_phrase_is_found_alike_in_the_lowered_ascii_line() -> None:
    lines = list(_mention_lines())
    assert len(lines) > 1000
    found = sum(any(p.search(line) for _, _, p in cues._MENTION_PATTERNS) for line in lines)
    assert found > 0.3 * len(lines)  # the glued samples miss the word boundaries
    assert [line for line in lines if not _same_mention(line)] == []


def test_every_ascii_dev_line_is_found_alike_in_its_lowered_form() -> None:
    lines = {line.strip() for line in devset_lines() if line.isascii()}
    assert len(lines) > 10_000
    assert [line for line in lines if not _same_mention(line)] == []


def test_comment_headings_are_found_alike_in_the_lowered_ascii_line() -> None:
    samples = _samples(list(_parser.parse(cues._COMMENT_HEAD.pattern)))
    lines = [
        form.format(cased)
        for sample in samples
        for cased in (sample, sample.upper(), sample.title())
        for form in ("{}", "Please {} below", "x{}")
    ]
    lines += [line.strip() for line in devset_lines()]
    lines = [line for line in lines if line.isascii()]
    found = [line for line in lines if cues._COMMENT_HEAD.search(line)]
    assert len(found) > 100
    fast = cues._COMMENT_HEAD_LOWER
    assert [
        line
        for line in lines
        if (cues._COMMENT_HEAD.search(line) is None) != (fast.search(line.lower()) is None)
    ] == []
