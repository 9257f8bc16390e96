"""Content fingerprints: an exact hash for "same content", MinHash for "nearly the same".

The exact hash decides whether re-ingesting creates a new document; it is taken over the
whitespace-folded body so that re-wrapped copies of one text are one document.

Near-duplicates (one wire story on two sites with different trimming, a changed
headline, a few edited words) are found with MinHash over word 3-shingles of the body
only, so a new headline does not move it. Measured on dev-set article bodies
(`bench/fingerprint_speed.py`): copies with two paragraphs dropped and three words edited
keep an estimated Jaccard similarity of 0.91 on average (5th percentile 0.71), while
unrelated articles stay below 0.05 (at most 0.016); SimHash separated them worse
(variants up to 17 bits apart, unrelated pages from 22). The signature is cut into
`BANDS` bands of `ROWS` values and each band hashed to one bigint, so a database finds
candidates by equality on any band (locality-sensitive hashing): pairs with Jaccard 0.5
share a band with probability 0.87, pairs at 0.2 with 0.05. Candidates are then
confirmed with the signature's Jaccard estimate against `NEAR_DUPLICATE_JACCARD`.

Words are the lower-cased matches of the regex `\\w+`, hashed all at once in numpy
rather than as one Python object per word or shingle, so a page of 2,000 words costs
well under a millisecond. Signatures depend only on fixed seeds and constants, the
text's code points and Python's Unicode tables (as `\\w` and `lower()` do), never on
`hash()`, so they stay comparable across processes and machines; a test pins one.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from functools import cache

import numpy as np
import numpy.typing as npt

SHINGLE_WORDS = 3
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
NEAR_DUPLICATE_JACCARD = 0.5
_SEED = 20261123

_U64 = np.uint64
# Odd multiplier of the per-word polynomial hash, and its inverse mod 2^64 (to cancel a
# word's position in the text out of a prefix sum).
_POLY = _U64(0x100000001B3)
_POLY_INVERSE = _U64(pow(0x100000001B3, -1, 2**64))
# Odd weights of a shingle's first two words (the third has weight 1): order matters.
_FIRST, _SECOND = _U64(0xD6E8FEB86659FD93), _U64(0xA0761D6478BD642F)
_BMP = 0x10000


# Permutation family on 32-bit shingle hashes: p_i(x) = (x ^ salt_i) * odd_i mod 2^32, a
# bijection per i. Fixed seed, so signatures stored today stay comparable with those
# computed by any later process. 32-bit lanes halve the cost of the 128 x shingles matrix;
# on dev-set near-copies the estimate's error matched 64-bit multiply-shift (RMSE 0.022 vs
# 0.021), and two 2,000-shingle texts share a spurious 32-bit shingle hash with p ~ 0.002.
def _hash_family() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    rng = np.random.default_rng(_SEED)
    salts = rng.integers(0, 2**32, size=(PERMUTATIONS, 1), dtype=np.uint32)
    odd = rng.integers(0, 2**31, size=(PERMUTATIONS, 1), dtype=np.uint32) * np.uint32(2) + 1
    salts.flags.writeable = odd.flags.writeable = False
    return salts, odd


_SALTS, _MULTIPLIERS = _hash_family()
_BAND_SALTS = np.random.default_rng(_SEED + 1).integers(0, 2**63, size=BANDS, dtype=np.uint64)
_BAND_SALTS.flags.writeable = False
_EMPTY = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)

Signature = npt.NDArray[np.uint32]


def normalise_body(paragraphs: Iterable[str]) -> str:
    """The body as one NFC string, whitespace folded, paragraphs joined by blank lines."""
    parts = (" ".join(unicodedata.normalize("NFC", p).split()) for p in paragraphs)
    return "\n\n".join(p for p in parts if p)


def content_sha256(paragraphs: Iterable[str]) -> str:
    """Hex SHA-256 of the normalised body: equal for texts that differ only in whitespace."""
    return hashlib.sha256(normalise_body(paragraphs).encode("utf-8")).hexdigest()


@cache
def _bmp_word_chars() -> npt.NDArray[np.bool_]:
    """Which code points below U+10000 the regex `\\w` matches (built once, ~10 ms)."""
    table = np.fromiter(map(str.isalnum, map(chr, range(_BMP))), dtype=np.bool_, count=_BMP)
    table[ord("_")] = True
    table.flags.writeable = False
    return table


def _word_chars(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """Mask of the code points that `\\w` matches: alphanumeric or underscore."""
    mask = _bmp_word_chars()[np.minimum(codes, _BMP - 1)]
    if codes.size and codes.max() >= _BMP:  # emoji, rare scripts: looked up one by one
        astral = codes >= _BMP
        mask[astral] = [chr(c).isalnum() for c in codes[astral].tolist()]
    return mask


def _word_hashes(text: str) -> npt.NDArray[np.uint64]:
    """A 64-bit hash per lower-cased `\\w+` word of the text, in order.

    The word characters are packed into one array, and each word's polynomial hash is a
    segment sum of character * _POLY**position, divided by _POLY**(its first position) so
    that it does not depend on where the word stands.
    """
    # U+0130 (İ) is the one character that lower() turns into two; fold it to "i" first so
    # that the lowered text has the same length and word characters as the text.
    lowered = text.replace("\u0130", "i").lower()
    codes = np.frombuffer(lowered.encode("utf-32-le"), dtype=np.uint32)
    mask = _word_chars(codes)
    starts = mask.copy()
    starts[1:] &= ~mask[:-1]
    chars = codes[mask].astype(np.uint64)
    if not chars.size:
        return chars
    first = np.flatnonzero(starts[mask])
    powers = np.cumprod(np.full(chars.size, _POLY), dtype=np.uint64)
    inverse_powers = np.cumprod(np.full(chars.size, _POLY_INVERSE), dtype=np.uint64)
    sums = np.add.reduceat(chars * powers, first).astype(np.uint64, copy=False)
    return sums * inverse_powers[first]


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser: every output bit depends on every input bit."""
    x = x ^ (x >> _U64(30))
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


def _shingle_hashes(text: str) -> npt.NDArray[np.uint32]:
    """A 32-bit hash per word 3-shingle (one shingle of all words if fewer than three)."""
    words = _word_hashes(text)
    if 0 < words.size < SHINGLE_WORDS:
        words = np.concatenate((words, np.zeros(SHINGLE_WORDS - words.size, np.uint64)))
    shingles = words[:-2] * _FIRST + words[1:-1] * _SECOND + words[2:]
    return (_mix(shingles) >> _U64(32)).astype(np.uint32)


def minhash(text: str) -> Signature:
    """The MinHash signature (`PERMUTATIONS` uint32 values) of a text's word 3-shingles."""
    shingles = _shingle_hashes(text)
    if not shingles.size:
        return _EMPTY.copy()
    permuted = shingles[None, :] ^ _SALTS
    permuted *= _MULTIPLIERS
    signature: Signature = permuted.min(axis=1)
    return signature


def has_shingles(signature: Signature) -> bool:
    """False for the signature of a text without words (emoji, punctuation): such texts
    all share it, so it says nothing about which story they tell."""
    return not np.array_equal(signature, _EMPTY)


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def band_keys(signature: Signature) -> list[int]:
    """One signed 64-bit key per band (band number mixed in), for equality lookups."""
    rows = signature.astype(np.uint64).reshape(BANDS, ROWS)
    low = rows[:, 0] | rows[:, 1] << _U64(32)
    high = rows[:, 2] | rows[:, 3] << _U64(32)
    keys: list[int] = _mix(_mix(low ^ _BAND_SALTS) ^ high).view(np.int64).tolist()
    return keys


def is_near_duplicate(a: Signature, b: Signature) -> bool:
    """Whether two signatures are close enough to call the texts one story."""
    return jaccard(a, b) >= NEAR_DUPLICATE_JACCARD


def signature_bytes(signature: Signature) -> bytes:
    """The signature as stored (documents.minhash): little-endian uint32 values."""
    return signature.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> Signature:
    """The inverse of `signature_bytes`."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
