"""Per-line features of a pasted page, computed in bulk with numpy.

Why bulk: a page has about 300 lines and the cleaner must handle a thousand pages a
second on one core, so the features come from one byte array of the whole page
(a class lookup and one `bincount` give every per-line character count), the
stop-word probes compared at once against the bytes after every space, a few C-level
`map` calls over the line list, and numpy arithmetic on short columns written straight into a
preallocated matrix. No Python loop runs over lines or tokens.

`page_features(lines)` returns a `(n_lines, N_FEATURES)` float32 matrix; the column
order is `FEATURE_NAMES` and is part of the shipped model's contract.

Measured and left out (2026-11-30, 5-fold CV by site at the shipped cut-offs, run 0.45 /
0.5 / 0.55): lexical cohesion. That is the share of a line's content words (4+ bytes,
not stop words) found on another line of the page, found 10+ lines away, or found on
another line of the prose run; the share found 3+ more times in the run ("topic words");
windowed means of the page share; whether the line repeats elsewhere on the page; the
capitalised words not found 3+ lines away in the run (the best line-level gain:
token-weighted log-loss 0.332 -> 0.324). None moved the P/R frontier beyond the seed
noise (about 0.001). At run 0.5: no new features P 0.928 R 0.948; topic words 0.928 /
0.949; all cohesion features 0.927 / 0.943; unfound names 0.926 / 0.949. Teasers, reader
comments and on-topic promos share the article's words as much as its paragraphs do, so
among lines the model scores above 0.8 the false positives have as much cohesion as the
true ones. They were also dear: as written (word buckets from a `translate`d copy of the
page's bytes, first/last-line tables per bucket) they added 2.8 M instructions per
document to the cleaner's 7.2 M (callgrind, `bench/text_speed.py --callgrind`); the word
split alone (translate, word bounds, line numbers) was about 0.6 M, over a 5% budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

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
# The class table as a `bytes.translate` table: one C pass over the page's bytes, several
# times cheaper than numpy's `take`.
_CLASS_BYTES = _CLASS.tobytes()
# Bytes left out of the per-line class counts (deleted by the same `translate`): lower-case
# letters, most of a page. A line's letters are its characters but the counted
# non-letters, so their count is not needed, and the counting runs over about a third of
# the bytes.
_UNCOUNTED = bytes(b for b in range(256) if _CLASS[b] == _LOWER)
# One per class that is not a letter (nor a continuation byte or newline): the class
# counts times this are each line's non-letter characters (whole numbers, so exact in
# any summation order).
_NON_LETTERS = np.zeros(_N_CLASSES, dtype=np.float32)
_NON_LETTERS[[_DIGIT, _FINAL, _COMMA, _SEP, _PUNCT, _SPACE]] = 1.0
_NEWLINE_BYTE = ord("\n")
_COLON = ord(":")


_Probes = tuple[tuple[bytes, ...], ...]
_SPACE_BYTE = ord(" ")


# Bits per language in a word's packed vote (see `_stop_tables`).
_VOTE_BITS = 32


def _stop_tables() -> tuple[tuple[str, ...], dict[str, int], _Probes]:
    """Language codes, word -> packed vote, and each language's probe words.

    A word's packed vote is one integer with a `_VOTE_BITS`-bit field per language, 1
    where the word is one of that language's stop words: the sum of a sample's packed
    votes holds every language's hit count (no field can carry into the next), so one
    C-level `sum` over the words counts them all."""
    table = load_stopwords()
    masks: dict[str, int] = {}
    for lang, words in enumerate(table.values()):
        for word in words:
            masks[word] = masks.get(word, 0) | (1 << (_VOTE_BITS * lang))
    # The probes are UTF-8 bytes: they are looked for between two space bytes of the
    # encoded page (a space byte is always a character boundary).
    probes = tuple(
        tuple(dict.fromkeys(word.encode("utf-8") for word in words[:STOP_PROBES]))
        for words in table.values()
    )
    return tuple(table), masks, probes


# How many of a language's commonest words are counted per line.
STOP_PROBES = 3
# Characters of the page sampled to pick its language for the stop-word counts.
LANGUAGE_SAMPLE = 800
# A stop-word vote names a language when it has this many hits and this many times the
# runner-up's.
STOP_MIN_HITS = 15
STOP_MARGIN = 2.0
# Languages with a close neighbour that has no stop-word list (Malay, Serbian and
# Bosnian, Macedonian, Azerbaijani): never named by the vote alone.
STOP_UNSURE = frozenset({"id", "hr", "bg", "tr"})
STOP_LANGUAGES, _STOP_MASKS, _PROBES = _stop_tables()


_WINDOW_BYTES = 8
_Probe = tuple[np.unsignedinteger[Any], np.unsignedinteger[Any]]


def _probe_words(probes: tuple[bytes, ...]) -> tuple[str, int, tuple[_Probe, ...]]:
    """The little-endian window a language's probes fit in (4 bytes when every probe and
    a space do, else 8), its width, and per probe the mask and value of a window that
    starts with the probe and a space."""
    longest = max(map(len, probes)) + 1
    if longest > _WINDOW_BYTES:
        msg = f"a stop-word probe in {probes!r} is longer than {_WINDOW_BYTES - 1} bytes"
        raise ValueError(msg)
    width = 4 if longest <= 4 else _WINDOW_BYTES
    kind = np.dtype(f"<u{width}")
    words = tuple(
        (
            kind.type((1 << 8 * (len(probe) + 1)) - 1),
            kind.type(int.from_bytes(probe + b" ", "little")),
        )
        for probe in probes
    )
    return kind.str, width, words


_PROBE_WORDS = tuple(map(_probe_words, _PROBES))

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
    language: str  # the stop-word list the features used
    clear_language: str | None  # the same language when the page's vote was clear
    first_byte: npt.NDArray[np.uint8]  # each line's first and last UTF-8 byte
    last_byte: npt.NDArray[np.uint8]


def stopword_votes(sample: str) -> npt.NDArray[np.int64]:
    """Per language in `STOP_LANGUAGES`, how many of the sample's words are its stop words."""
    # Misses (most words) are dropped before the sum: adding 0 to the wide packed integer
    # still copies it.
    packed = sum(filter(None, map(_STOP_MASKS.get, sample.lower().split())))
    fields = packed.to_bytes(_VOTE_BITS // 8 * len(STOP_LANGUAGES), "little")
    votes: npt.NDArray[np.int64] = np.frombuffer(fields, dtype="<u4").astype(np.int64)
    return votes


def clear_language(votes: npt.NDArray[np.int64]) -> str | None:
    """The language the stop-word votes name clearly, else None.

    Clearly: enough hits, and well ahead of the runner-up (close languages such as
    Danish and Norwegian share stop words and stay undecided)."""
    best = int(votes.argmax())
    # The runner-up from a sorted list: 26 numbers, where `np.partition`'s Python
    # wrapper costs more than the sort.
    top, second = int(votes[best]), sorted(votes.tolist())[-2]
    code = STOP_LANGUAGES[best]
    if top >= STOP_MIN_HITS and top >= STOP_MARGIN * second and code not in STOP_UNSURE:
        return code
    return None


def page_language(page: str) -> tuple[int, str | None]:
    """Index into `STOP_LANGUAGES` of the language whose stop words the page uses most,
    and its code when the vote is clear."""
    start = max(0, len(page) // 3 - LANGUAGE_SAMPLE // 2)
    votes = stopword_votes(page[start : start + LANGUAGE_SAMPLE])
    return int(votes.argmax()), clear_language(votes)


def _edge_bytes() -> tuple[Bools, Bools]:
    """The first and the last UTF-8 byte of every `_CUE_TRIM` character."""
    first, last = np.zeros(256, dtype=bool), np.zeros(256, dtype=bool)
    encoded = [char.encode("utf-8") for char in _CUE_TRIM]
    first[[code[0] for code in encoded]] = True
    last[[code[-1] for code in encoded]] = True
    return first, last


# A line whose first and last bytes are in neither table neither starts nor ends with a
# `_CUE_TRIM` character, so stripping its lower-cased form changes nothing (no character
# outside `_CUE_TRIM` lower-cases to one that starts or ends with one of them).
_TRIM_FIRST_BYTES, _TRIM_LAST_BYTES = _edge_bytes()


def _cue_groups(
    lines: list[str], short: Bools, first: npt.NDArray[np.uint8], last: npt.NDArray[np.uint8]
) -> npt.NDArray[np.int64]:
    """Per line, the cue group of a short line that is a known boilerplate phrase.

    `first` and `last` are each line's first and last UTF-8 byte: only the lines they say
    may start or end with a `_CUE_TRIM` character (about a quarter) are stripped, since a
    strip with that many characters costs more than the lower-casing and the look-up."""
    out = np.zeros(len(lines), dtype=np.int64)
    edge = (_TRIM_FIRST_BYTES[first] | _TRIM_LAST_BYTES[last]) & short
    plain = short ^ edge
    # Lower-cased line by line: `str.lower` is fast on the (mostly) ASCII lines.
    for rows, keys in (
        (plain, map(str.lower, compress(lines, plain.tolist()))),
        (edge, map(str.strip, map(str.lower, compress(lines, edge.tolist())), repeat(_CUE_TRIM))),
    ):
        found = list(keys)
        # Few short lines are cue phrases: only those are looked up and written.
        hits = list(compress(range(len(found)), map(_CUE_LOOKUP.__contains__, found)))
        if hits:
            out[rows.nonzero()[0][hits]] = [_CUE_LOOKUP[found[i]] for i in hits]
    return out


def page_features(lines: list[str]) -> tuple[Array, PageFacts]:
    """The feature matrix of a page's non-empty, stripped lines."""
    n = len(lines)
    page = "\n".join(lines)
    data = page.encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
    breaks = (raw == _NEWLINE_BYTE).nonzero()[0]
    bounds = np.empty(n + 1, dtype=np.int64)
    bounds[0], bounds[1:n], bounds[n] = -1, breaks, len(raw)
    # The classes of the counted bytes; the newlines stay, so they still part the lines.
    cls = np.frombuffer(data.translate(_CLASS_BYTES, _UNCOUNTED), dtype=np.uint8)
    ends = np.empty(n + 1, dtype=np.int64)
    ends[0], ends[1:n], ends[n] = 0, (cls == _NL).nonzero()[0], len(cls)
    # Line number * classes + class per counted byte (a line's newline counts in the next
    # line), in bincount's own integer type, then one count. `np.repeat` over the line
    # lengths gives the line numbers about twice as fast as a cumulative sum of the
    # newline mask.
    key = np.repeat(np.arange(0, n * _N_CLASSES, _N_CLASSES, dtype=np.intp), ends[1:] - ends[:-1])
    key += cls
    flat = np.bincount(key, minlength=n * _N_CLASSES)
    # Column-major, so each class's counts (a column) are contiguous.
    counts: Array = flat.reshape(n, _N_CLASSES).astype(np.float32, order="F")
    last = raw[bounds[1:] - 1]
    first = raw[bounds[:-1] + 1]
    ntok = counts[:, _SPACE] + 1.0
    lang, clear = page_language(page)
    nstop = _count_probes(data, raw, breaks, lang, n)
    cue = _cue_groups(lines, ntok <= CUE_MAX_TOKENS, first, last)
    final = _FINAL_LAST[last]
    # Characters: every byte of the line but UTF-8 continuation bytes and its newline.
    lengths = bounds[1:] - bounds[:-1]
    lengths[0] -= 1
    nchar = lengths.astype(np.float32) - counts[:, _CONT] - counts[:, _NL]
    matrix = _assemble(counts, nchar, ntok, nstop, final, last, first, cue)
    return matrix, PageFacts(ntok, final, cue, STOP_LANGUAGES[lang], clear, first, last)


def _count_probes(
    data: bytes, raw: npt.NDArray[np.uint8], breaks: npt.NDArray[np.intp], lang: int, n: int
) -> Array:
    """Per line, how many of the language's probe words stand between two single spaces
    (" the the " counts two).

    Vectorised over every byte of the page: the 4 or 8 bytes after each byte are read as
    one little-endian integer, and a probe stands after a space when the integer's low
    bytes are the probe and a space (`_PROBE_WORDS`), so two numpy operations test one
    probe at every byte; a mask of the space bytes keeps the hits after a space. The
    windows of every offset are interleaved from `width` contiguous views of the padded
    page (one per starting byte mod `width`), which costs less than listing the spaces
    (`nonzero` walks every byte, and a gather from a one-byte-stride view first copies
    all of it). A probe holds no newline, so the newlines (`breaks`, byte offsets)
    before a hit give its line; the padding (zeros) is never part of a hit."""
    kind, width, words = _PROBE_WORDS[lang]
    size = len(data)
    rows = size // width + 1
    padded = data + bytes(rows * width + width - size)
    grid = np.empty((rows, width), dtype=kind)
    for offset in range(width):
        grid[:, offset] = np.frombuffer(padded, dtype=kind, count=rows, offset=offset)
    # The window after byte p, for every byte p but the last.
    after = grid.reshape(-1)[1:size]
    mask, value = words[0]
    hit = (after & mask) == value
    for mask, value in words[1:]:
        hit |= (after & mask) == value
    hit &= raw[:-1] == _SPACE_BYTE
    counts = np.bincount(np.searchsorted(breaks, hit.nonzero()[0], side="right"), minlength=n)
    return counts.astype(np.float32)


def _window_means(values: Array, out: Array) -> None:
    """Means of each row of `values` but the last (one row per per-line value) over the
    lines [i - r, i + r] for every radius in WINDOWS, written into `out` (one column per
    radius and value). The last row of `values` is all ones: its window sums are the
    windows' widths, clipped at the page's edges.

    The cumulative sums are padded with their first and last value, so each window
    is two slices of the padded sums rather than a gather; rows of values keep every
    operation on contiguous memory, and the quotients are written (cast to float32)
    straight into `out`'s columns, which are rows of its transpose."""
    k, n = values.shape
    reach = WINDOWS[-1]
    csum = np.empty((k, n + 1 + 2 * reach))
    csum[:, : reach + 1] = 0.0
    csum[:, reach + 1 : reach + 1 + n] = values.cumsum(axis=1)
    csum[:, reach + 1 + n :] = csum[:, reach + n : reach + n + 1]
    sums = np.empty((len(WINDOWS), k, n))
    for j, radius in enumerate(WINDOWS):
        hi = csum[:, reach + radius + 1 : reach + radius + 1 + n]
        lo = csum[:, reach - radius : reach - radius + n]
        np.subtract(hi, lo, out=sums[j])
    target = np.reshape(out.T, (len(WINDOWS), k - 1, n), copy=False)
    np.divide(sums[:, :-1], sums[:, -1:], out=target)


def _shifted(values: Array, out: Array) -> None:
    """Each row of `values` (one per per-line value) as seen from the lines 2 and 1
    before, then 1 and 2 after, written into the columns of `out`.

    Written through `out`'s transpose, whose rows are its (contiguous) columns, so every
    copy runs along the lines, not four values at a time."""
    k = values.shape[0]
    cols = out.T
    cols[:] = 0.0
    cols[0:k, 2:] = values[:, :-2]
    cols[k : 2 * k, 1:] = values[:, :-1]
    cols[2 * k : 3 * k, :-1] = values[:, 1:]
    cols[3 * k : 4 * k, :-2] = values[:, 2:]


# log1p of whole numbers below this, computed once: every column `_assemble` takes the
# logarithm of is a count (tokens, characters, prose tokens, lines), so one table look-up
# (the same float32 values `np.log1p` gives) replaces a libm call per value.
_LOG1P_SIZE = 1 << 16
_LOG1P: Array = np.log1p(np.arange(_LOG1P_SIZE, dtype=np.float32))


def _log1p_whole(values: Array) -> None:
    """`np.log1p(values, out=values)` for whole, non-negative `values` (float32 holds
    them exactly), by table look-up when all are below `_LOG1P_SIZE`."""
    whole = values.astype(np.intp)
    if whole.size and int(whole.max()) < _LOG1P_SIZE:
        _LOG1P.take(whole, out=values)
    else:
        np.log1p(values, out=values)


def _assemble(
    counts: Array,
    nchar: Array,
    ntok: Array,
    nstop: Array,
    final: Bools,
    last: npt.NDArray[np.uint8],
    first: npt.NDArray[np.uint8],
    cue: npt.NDArray[np.int64],
) -> Array:
    """Fill the feature matrix: base, positional and context columns in `FEATURE_NAMES` order.

    Columns that share an operation are computed as one block (six count ratios, six
    logarithms), since on a few hundred lines numpy's per-call cost dominates."""
    n = len(ntok)
    # Column-major: every feature is written as a column, so each write is contiguous;
    # the columns are the rows of `cols`, which float arithmetic writes into directly
    # (`out=`, no temporary). Comparisons are assigned instead: a bool loop cast on output
    # costs numpy more than the copy.
    out: Array = np.empty((n, N_FEATURES), dtype=np.float32, order="F")
    cols = out.T
    # Per line: log_tokens, final_punct, stop_share, prose (the context values), a one
    # (for the window widths) and cue_line.
    rows = np.empty((6, n), dtype=np.float32)
    prose = rows[3]
    prose[:] = (ntok >= PROSE_TOKENS) & final
    total = float(ntok.sum())
    mass = ntok * prose
    before = mass.cumsum() - mass
    after = mass.sum() - before - mass
    idx = np.arange(n, dtype=np.float32)
    # Where the page's main prose block lies: the best run of prose-weighted lines.
    start, end = best_run(ntok * (prose - RUN_PROSE_SHARE))
    run_gap = np.maximum(np.maximum(start - idx, idx - (end - 1)), 0.0)
    comment_head = cue == _COMMENTS
    # log_tokens, log_chars, log_prose_before, log_prose_after, log_edge_distance,
    # log_prose_run_gap in one call.
    logs = np.empty((6, n), dtype=np.float32)
    logs[0], logs[1], logs[2], logs[3], logs[5] = ntok, nchar, before, after, run_gap
    np.minimum(idx, n - 1 - idx, out=logs[4])
    _log1p_whole(logs)
    cols[0:2] = logs[:2]
    cols[2] = final
    rows[0], rows[1], rows[4] = logs[0], final, 1.0
    rows[5] = cue > 0
    np.divide(nstop, ntok, out=rows[2])
    cols[3] = rows[2]
    # upper, digit, punct shares; commas, finals, separators per token.
    shares = np.empty((n, 6), dtype=np.float32, order="F")
    np.subtract(nchar, counts @ _NON_LETTERS, out=shares[:, 0])
    np.maximum(shares[:, 0], 1.0, out=shares[:, 0])
    shares[:, 1:3] = nchar[:, None]
    shares[:, 3:6] = ntok[:, None]
    np.divide(counts[:, _RATIO_COLUMNS], shares, out=out[:, 4:10])
    cols[10] = last == _COLON
    cols[11] = _BULLET_FIRST[first]
    cols[12] = (counts[:, _DIGIT] > 0) & (ntok <= SHORT_DIGIT_TOKENS)
    np.divide(nchar, ntok, out=cols[13])
    cols[14] = ntok >= LONG_LINE_TOKENS
    cols[15] = rows[5]
    np.divide(ntok.cumsum() - ntok / 2, total, out=cols[16])
    np.divide(idx, max(n - 1, 1), out=cols[17])
    cols[18] = np.log1p(total)
    np.divide(ntok, ntok.max(), out=cols[19])
    np.divide(before, total, out=cols[20])
    np.divide(after, total, out=cols[21])
    cols[22:24] = logs[2:4]
    # After the first comment heading, not on it: a running "seen" flag above the line's own.
    cols[24] = np.maximum.accumulate(comment_head) > comment_head
    cols[25] = logs[4]
    cols[26] = run_gap == 0
    cols[27] = logs[5]
    col = len(_BASE_NAMES)
    cols[col : col + len(_GROUP_IDS)] = cue == _GROUP_IDS
    col += len(_GROUP_IDS)
    _window_means(rows[:5], out[:, col : col + _N_CTX])
    _shifted(rows[_SHIFTED_ROWS], out[:, col + _N_CTX :])
    return out


# One row per cue group (compared against each line's group, as columns).
_GROUP_IDS = np.arange(1, len(CUE_GROUP_NAMES) + 1)[:, None]
# Index arrays rather than lists: numpy converts a list index on every use.
_RATIO_COLUMNS = np.array([_UPPER, _DIGIT, _PUNCT, _COMMA, _FINAL, _SEP], dtype=np.intp)
_SHIFTED_ROWS = np.array([0, 1, 2, 5], dtype=np.intp)
_N_CTX = 4 * len(WINDOWS)
_BASE_NAMES = (
    "log_tokens", "log_chars", "final_punct", "stop_share", "upper_share", "digit_share",
    "punct_share", "commas_per_tok", "finals_per_tok", "separators_per_tok", "ends_colon",
    "bullet", "short_with_digits", "chars_per_tok", "long_line", "cue_line",
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
    if "\r" in text:
        text = text.replace("\r", "\n")
    return list(filter(None, map(str.strip, text.split("\n"))))
