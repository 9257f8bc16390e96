"""The speed-ups inside `text_features` give the values of the plain formulations."""

from __future__ import annotations

import random

import numpy as np
import pytest

from copydesk.extract import text_features as tf


def test_log1p_table_matches_numpy_inside_and_beyond_the_table() -> None:
    values = np.array(
        [[0, 1, 2, 7, 1000, tf._LOG1P_SIZE - 1], [3, 5, 8, 13, 21, 34]], dtype=np.float32
    )
    expected = np.log1p(values)
    got = values.copy()
    tf._log1p_whole(got)
    assert got.tobytes() == expected.tobytes()
    beyond = np.array([[1.0, float(tf._LOG1P_SIZE + 5)]], dtype=np.float32)
    expected = np.log1p(beyond)
    tf._log1p_whole(beyond)
    assert beyond.tobytes() == expected.tobytes()


def _naive_probe_counts(lines: list[str], lang: int) -> list[int]:
    """Per line, probe words with a single space on both sides (" the the " counts two)."""
    probes = {p.decode("utf-8") for p in tf._PROBES[lang]}
    return [sum(word in probes for word in line.split(" ")[1:-1]) for line in lines]


@pytest.mark.parametrize("code", ["en", "de", "ru", "el", "vi", "hu"])
def test_probe_counts_match_a_per_line_count(code: str) -> None:
    lang = tf.STOP_LANGUAGES.index(code)
    rng = random.Random(code)
    vocab = [p.decode("utf-8") for p in tf._PROBES[lang]] + ["x", "word", "é", "a b", "  "]
    lines = [
        " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 12))).strip() or "x"
        for _ in range(200)
    ]
    data = "\n".join(lines).encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
    breaks = (raw == ord("\n")).nonzero()[0]
    got = tf._count_probes(data, raw, breaks, lang, len(lines))
    assert got.tolist() == _naive_probe_counts(lines, lang)


def test_a_probe_longer_than_the_window_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than"):
        tf._probe_words((b"abcdefgh",))


def test_cue_groups_of_short_lines() -> None:
    lines = ["Share", "12 Comments", "The council met on Tuesday and the vote was close."]
    _, facts = tf.page_features(lines)
    names = [tf.CUE_GROUP_NAMES[g - 1] if g else None for g in facts.cue_group.tolist()]
    assert names == ["share", "comments", None]


def test_upper_share_counts_letters_of_every_script_once() -> None:
    # Letters are derived (characters minus counted non-letters), not counted: check them
    # against a per-character count on lines mixing cases, digits, punctuation and
    # multi-byte letters.
    lines = [
        "Élan, ÜBER 12 déjà-vu!",
        "Ωmega straße | x/y",
        "ABC",
        "12 34",
        "naïve Café \u2019quoted\u2019",
    ]
    matrix, _ = tf.page_features(lines)
    col = tf.FEATURE_NAMES.index("upper_share")

    def share(line: str) -> float:
        # Every non-ASCII character counts as a (lower-case) letter, whatever its script.
        upper = sum(ch.isascii() and ch.isupper() for ch in line)
        letters = sum(not ch.isascii() or ch.isalpha() for ch in line)
        return float(np.float32(upper) / np.float32(max(letters, 1)))

    assert matrix[:, col].tolist() == [share(line) for line in lines]


def test_no_character_outside_the_cue_trim_lowers_to_one_at_an_edge() -> None:
    # What lets `_cue_groups` strip only lines whose first or last byte may belong to a
    # `_CUE_TRIM` character: lower-casing never puts one at either end of a line.
    trim = set(tf._CUE_TRIM)
    for code in range(0x110000):
        char = chr(code)
        if char in trim or 0xD800 <= code <= 0xDFFF:
            continue
        lowered = char.lower()
        assert lowered[0] not in trim and lowered[-1] not in trim, hex(code)


def test_cue_groups_strip_only_where_needed_match_a_full_strip() -> None:
    rng = random.Random(4)
    cues = [phrase for _, phrases in tf.CUE_LINES for phrase in phrases]
    edges = ["", " ", "12 ", "»", "\u2014 ", "(", "“", "·", "é", "©", "x"]
    lines = [
        rng.choice(edges) + rng.choice([*cues, "Weather", "Über uns", "ÉDITO"]).upper()
        if rng.random() < 0.3
        else rng.choice(edges) + rng.choice(cues) + rng.choice(edges)
        for _ in range(400)
    ]
    lines = [line.strip() or "x" for line in lines]
    data = "\n".join(lines).encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
    starts = [0, *((raw == ord("\n")).nonzero()[0] + 1).tolist()]
    stops = [*(raw == ord("\n")).nonzero()[0].tolist(), len(raw)]
    first, last = raw[starts], raw[[stop - 1 for stop in stops]]
    short = np.ones(len(lines), dtype=bool)
    short[::7] = False
    got = tf._cue_groups(lines, short, first, last).tolist()
    expected = [
        tf._CUE_LOOKUP.get(line.lower().strip(tf._CUE_TRIM), 0) if keep else 0
        for line, keep in zip(lines, short.tolist(), strict=True)
    ]
    assert got == expected
    assert sum(map(bool, got)) > 100
