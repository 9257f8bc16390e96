"""Per-line features of a pasted page, computed in bulk with numpy.

Why bulk: a page has about 300 lines and the cleaner must handle a thousand pages a
second on one core, so the features come from one byte array of the whole page
(a class lookup and one `bincount` give every per-line character count), one
compiled scan of the page per stop-word probe, a few C-level `map` calls over the
line list, and numpy arithmetic on short columns written straight into a
preallocated matrix. No Python loop runs over lines or tokens.

`page_features(lines)` returns a `(n_lines, N_FEATURES)` float32 matrix; the column
order is `FEATURE_NAMES` and is part of the shipped model's contract.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import compress, repeat

import numpy as np
import numpy.typing as npt

from copydesk.extract.text_select import best_run
from copydesk.extract.text_words import CUE_LINES, load_stopwords

Array = npt.NDArray[np.float32]
Bools = npt.NDArray[np.bool_]

# Byte classes of the UTF-8 page. Non-ASCII lead bytes count as (lower-case) letters,
# continuation bytes are ignored, so a letter is one unit whatever its script.
_SPACE, _UPPER, _LOWER, _DIGIT, _FINAL, _COMMA, _SEP, _PUNCT, _CONT, _NL = range(10)
_N_CLASSES = 10


def _byte_tables() -> tuple[npt.NDArray[np.uint8], Bools, Bools]:
    """Byte -> class; last byte -> ends a sentence; first byte -> list bullet."""
    classes = np.full(256, _PUNCT, dtype=np.uint8)
    for byte in range(256):
        ch = chr(byte)
        if byte >= 0xC0:
            classes[byte] = _LOWER
        elif byte >= 0x80:
            classes[byte] = _CONT
        elif ch.isupper():
            classes[byte] = _UPPER
        elif ch.islower():
            classes[byte] = _LOWER
        elif ch.isdigit():
            classes[byte] = _DIGIT
        elif ch in ".!?":
            classes[byte] = _FINAL
        elif ch in ",;":
            classes[byte] = _COMMA
        elif ch in "|/>":
            classes[byte] = _SEP
        elif ch in " \t\r\f\v":
            classes[byte] = _SPACE
        elif ch == "\n":
            classes[byte] = _NL
    final = np.zeros(256, dtype=bool)
    # ASCII closers, plus the last UTF-8 byte of the ellipsis, right quotes and » (U+2026,
    # U+201D, U+2019, U+00BB: E2 80 A6, E2 80 9D, E2 80 99, C2 BB).
    final[[ord(c) for c in ".!?\"')]"] + [0xA6, 0x9D, 0x99, 0xBB]] = True
    bullet = np.zeros(256, dtype=bool)
    # "-", "*", and the lead byte of •, en dash and em dash (E2).
    bullet[[ord("-"), ord("*"), 0xE2]] = True
    return classes, final, bullet


_CLASS, _FINAL_LAST, _BULLET_FIRST = _byte_tables()
_COLON = ord(":")


_Probes = tuple[tuple[re.Pattern[str], ...], ...]


def _stop_tables() -> tuple[tuple[str, ...], dict[str, int], _Probes]:
    """Language codes, word -> language bitmask, and each language's probe words."""
    table = load_stopwords()
    masks: dict[str, int] = {}
    for bit, words in enumerate(table.values()):
        for word in words:
            masks[word] = masks.get(word, 0) | (1 << bit)
    probes = tuple(
        tuple(re.compile(re.escape(f" {w} ")) for w in words[:STOP_PROBES])
        for words in table.values()
    )
    return tuple(table), masks, probes


# How many of a language's commonest words are counted per line (each costs one pass).
STOP_PROBES = 3
# Characters of the page sampled to pick its language for the stop-word counts.
LANGUAGE_SAMPLE = 1500
STOP_LANGUAGES, _STOP_MASKS, _PROBES = _stop_tables()
_LANG_BITS = np.array([1 << i for i in range(len(STOP_LANGUAGES))], dtype=np.int64)

CUE_GROUP_NAMES = tuple(name for name, _ in CUE_LINES)
_CUE_LOOKUP = {phrase: i + 1 for i, (_, phrases) in enumerate(CUE_LINES) for phrase in phrases}
# Lines up to this many tokens are looked up as whole cue lines ("Share", "12 Comments").
CUE_MAX_TOKENS = 6
_CUE_TRIM = (
    " \t0123456789.,:;!?|·•-\u2013\u2014»«\u203a\u2039>()[]{}\"'\u201c\u201d\u2018\u2019*#/\\+=_~"
)
_COMMENTS = CUE_GROUP_NAMES.index("comments") + 1

# Context windows (in lines) for running means, and the "prose line" definition used
# for the before/after prose mass: a line of at least this many tokens ending a sentence.
WINDOWS = (1, 3, 10, 25)
_RADII = np.array(WINDOWS)[:, None]
PROSE_TOKENS = 12
LONG_LINE_TOKENS = 25
SHORT_DIGIT_TOKENS = 8
# Share of prose a stretch of lines needs to count as the page's main prose block.
RUN_PROSE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Per-line facts the cleaner reuses after the model has scored the lines."""

    n_tokens: Array
    final: Bools
    cue_group: npt.NDArray[np.int64]  # 0 = none, else 1 + index into CUE_GROUP_NAMES
    language: str


def stopword_votes(sample: str) -> npt.NDArray[np.int64]:
    """Per language in `STOP_LANGUAGES`, how many of the sample's words are its stop words."""
    words = sample.lower().split()
    masks = np.fromiter(map(_STOP_MASKS.get, words, repeat(0)), dtype=np.int64, count=len(words))
    votes: npt.NDArray[np.int64] = ((masks[:, None] & _LANG_BITS) > 0).sum(axis=0)
    return votes


def page_language(page: str) -> int:
    """Index into `STOP_LANGUAGES` of the language whose stop words the page uses most."""
    start = max(0, len(page) // 3 - LANGUAGE_SAMPLE // 2)
    return int(np.argmax(stopword_votes(page[start : start + LANGUAGE_SAMPLE])))


def _cue_groups(lines: list[str], short: list[bool]) -> npt.NDArray[np.int64]:
    """Per line, the cue group of a short line that is a known boilerplate phrase."""
    out = np.zeros(len(lines), dtype=np.int64)
    keys = list(map(str.strip, map(str.lower, compress(lines, short)), repeat(_CUE_TRIM)))
    out[np.flatnonzero(short)] = np.fromiter(
        map(_CUE_LOOKUP.get, keys, repeat(0)), dtype=np.int64, count=len(keys)
    )
    return out


def page_features(lines: list[str]) -> tuple[Array, PageFacts]:
    """The feature matrix of a page's non-empty, stripped lines."""
    n = len(lines)
    page = "\n".join(lines)
    raw = np.frombuffer(page.encode("utf-8"), dtype=np.uint8)
    size = len(raw)
    cls = np.take(_CLASS, raw)
    is_nl = cls == _NL
    flat = np.bincount(np.cumsum(is_nl) * _N_CLASSES + cls, minlength=n * _N_CLASSES)
    counts: Array = flat.reshape(n, _N_CLASSES).astype(np.float32)
    breaks = np.flatnonzero(is_nl)
    bounds = np.empty(n + 1, dtype=np.int64)
    bounds[0], bounds[1:n], bounds[n] = -1, breaks, size
    last = raw[bounds[1:] - 1]
    first = raw[bounds[:-1] + 1]
    ntok = counts[:, _SPACE] + 1.0
    lang = page_language(page)
    # Character offset just past each line's newline.
    ends = np.cumsum(np.fromiter(map(len, lines), dtype=np.int64, count=n) + 1)
    nstop = _count_probes(page, ends, lang, n)
    cue = _cue_groups(lines, (ntok <= CUE_MAX_TOKENS).tolist())
    seen = Counter(lines)
    dup = np.fromiter(map(seen.__getitem__, lines), dtype=np.float32, count=n) > 1
    final = _FINAL_LAST[last]
    matrix = _assemble(counts, ntok, nstop, final, last, first, cue, dup)
    return matrix, PageFacts(ntok, final, cue, STOP_LANGUAGES[lang])


def _count_probes(page: str, ends: list[int] | npt.NDArray[np.int64], lang: int, n: int) -> Array:
    """Per line, how many times the language's probe words occur, as `str.count` counts.

    One compiled scan of the whole page per probe (a literal, so matches do not
    overlap and never span a newline) instead of one Python call per line and probe."""
    out = np.zeros(n, dtype=np.float32)
    for probe in _PROBES[lang]:
        at = [m.start() for m in probe.finditer(page)]
        if at:
            out += np.bincount(np.searchsorted(ends, at, side="right"), minlength=n)
    return out


def _window_means(values: Array, out: Array) -> None:
    """Means of each column of `values` over [i - r, i + r] for every radius in WINDOWS,
    written radius by radius into `out`.

    The cumulative sums are padded with their first and last value, so each window
    is two slices of the padded sums rather than a gather."""
    n, k = values.shape
    reach = WINDOWS[-1]
    csum = np.empty((n + 1 + 2 * reach, k))
    csum[: reach + 1] = 0.0
    csum[reach + 1 : reach + 1 + n] = np.cumsum(values, axis=0)
    csum[reach + 1 + n :] = csum[reach + n]
    idx = np.arange(n)
    width = np.minimum(idx + _RADII + 1, n) - np.maximum(idx - _RADII, 0)
    for j, radius in enumerate(WINDOWS):
        hi = csum[reach + radius + 1 : reach + radius + 1 + n]
        lo = csum[reach - radius : reach - radius + n]
        out[:, j * k : (j + 1) * k] = (hi - lo) / width[j][:, None]


def _shifted(values: Array, out: Array) -> None:
    """Each column of `values` as seen from the lines 2 and 1 before, then 1 and 2 after."""
    k = values.shape[1]
    out[:] = 0.0
    out[2:, 0:k] = values[:-2]
    out[1:, k : 2 * k] = values[:-1]
    out[:-1, 2 * k : 3 * k] = values[1:]
    out[:-2, 3 * k : 4 * k] = values[2:]


def _assemble(
    counts: Array,
    ntok: Array,
    nstop: Array,
    final: Bools,
    last: npt.NDArray[np.uint8],
    first: npt.NDArray[np.uint8],
    cue: npt.NDArray[np.int64],
    dup: Bools,
) -> Array:
    """Fill the feature matrix: base, positional and context columns in `FEATURE_NAMES` order."""
    n = len(ntok)
    out: Array = np.empty((n, N_FEATURES), dtype=np.float32)
    nchar = counts[:, :_CONT].sum(axis=1)
    letters = np.maximum(counts[:, _UPPER] + counts[:, _LOWER], 1.0)
    log_tok = np.log1p(ntok)
    finalf = final.astype(np.float32)
    stop_share = nstop / ntok
    prose = ((ntok >= PROSE_TOKENS) & final).astype(np.float32)
    total = float(ntok.sum())
    mass = ntok * prose
    before = np.cumsum(mass) - mass
    after = mass.sum() - np.cumsum(mass)
    idx = np.arange(n, dtype=np.float32)
    # Where the page's main prose block lies: the best run of prose-weighted lines.
    start, end = best_run(ntok * (prose - RUN_PROSE_SHARE))
    run_gap = np.maximum(np.maximum(start - idx, idx - (end - 1)), 0.0)
    comment_head = cue == _COMMENTS
    after_comments = np.maximum.accumulate(comment_head) & ~comment_head
    base = (
        log_tok, np.log1p(nchar), finalf, stop_share, counts[:, _UPPER] / letters,
        counts[:, _DIGIT] / nchar, counts[:, _PUNCT] / nchar, counts[:, _COMMA] / ntok,
        counts[:, _FINAL] / ntok, counts[:, _SEP] / ntok, dup, last == _COLON,
        _BULLET_FIRST[first], (counts[:, _DIGIT] > 0) & (ntok <= SHORT_DIGIT_TOKENS),
        nchar / ntok, ntok >= LONG_LINE_TOKENS, cue > 0,
        (np.cumsum(ntok) - ntok / 2) / total, idx / max(n - 1, 1),
        np.log1p(total), ntok / ntok.max(), before / total, after / total,
        np.log1p(before), np.log1p(after), after_comments,
        np.log1p(np.minimum(idx, n - 1 - idx)), run_gap == 0, np.log1p(run_gap),
    )  # fmt: skip
    for j, column in enumerate(base):
        out[:, j] = column
    col = len(base)
    groups = len(CUE_GROUP_NAMES)
    out[:, col : col + groups] = cue[:, None] == np.arange(1, groups + 1)
    col += groups
    ctx = np.stack([log_tok, finalf, stop_share, prose], axis=1)
    _window_means(ctx, out[:, col : col + _N_CTX])
    col += _N_CTX
    neigh = np.stack([log_tok, finalf, stop_share, cue > 0], axis=1)
    _shifted(neigh, out[:, col:])
    return out


_N_CTX = 4 * len(WINDOWS)
_BASE_NAMES = (
    "log_tokens", "log_chars", "final_punct", "stop_share", "upper_share", "digit_share",
    "punct_share", "commas_per_tok", "finals_per_tok", "separators_per_tok", "duplicate",
    "ends_colon", "bullet", "short_with_digits", "chars_per_tok", "long_line", "cue_line",
    "tok_pos", "line_pos", "page_log_tokens", "rel_len", "prose_before", "prose_after",
    "log_prose_before", "log_prose_after", "after_comments", "log_edge_distance",
    "in_prose_run", "log_prose_run_gap",
)  # fmt: skip
FEATURE_NAMES: tuple[str, ...] = (
    *_BASE_NAMES,
    *(f"cue_{g}" for g in CUE_GROUP_NAMES),
    *(f"{w}_w{r}" for r in WINDOWS for w in ("log_tok", "final", "stop", "prose")),
    *(f"{w}_{t}" for t in ("p2", "p1", "n1", "n2") for w in ("log_tok", "final", "stop", "cue")),
)
N_FEATURES = len(FEATURE_NAMES)


def split_lines(text: str) -> list[str]:
    """The page's non-empty lines, stripped (the units every later step works on)."""
    return [line for line in map(str.strip, text.replace("\r", "\n").split("\n")) if line]
