"""Content fingerprints: an exact hash for "same content", MinHash for "nearly the same".

The exact hash decides whether re-ingesting creates a new document; it is taken over the
whitespace-folded body so that re-wrapped copies of one text are one document.

Near-duplicates (one wire story on two sites with different trimming, a changed
headline, a few edited words) are found with MinHash over word 3-shingles of the body
only, so a new headline does not move it. Measured on dev-set article bodies: copies
with two paragraphs dropped and three words edited keep a Jaccard similarity near 0.8,
while unrelated articles stay below 0.05; SimHash separated them worse (variants up to
17 bits apart, unrelated pages from 22). The signature is cut into `BANDS` bands of
`ROWS` values and each band hashed to one bigint, so a database finds candidates by
equality on any band (locality-sensitive hashing): pairs with Jaccard 0.5 share a band
with probability 0.87, pairs at 0.2 with 0.05. Candidates are then confirmed with the
signature's Jaccard estimate against `NEAR_DUPLICATE_JACCARD`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

_WORD = re.compile(r"\w+")
SHINGLE_WORDS = 3
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
NEAR_DUPLICATE_JACCARD = 0.5
_SEED = 20261123


# Multiply-shift hash family: h_i(x) = ((x ^ salt_i) * odd_i mod 2^64) >> 32. Fixed seed, so
# signatures stored today stay comparable with those computed by any later process.
def _hash_family() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    rng = np.random.default_rng(_SEED)
    salts = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
    odd = rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    salts.flags.writeable = odd.flags.writeable = False
    return salts, odd


_SALTS, _MULTIPLIERS = _hash_family()
_EMPTY = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)

Signature = npt.NDArray[np.uint32]


def normalise_body(paragraphs: Iterable[str]) -> str:
    """The body as one NFC string, whitespace folded, paragraphs joined by blank lines."""
    parts = (" ".join(unicodedata.normalize("NFC", p).split()) for p in paragraphs)
    return "\n\n".join(p for p in parts if p)


def content_sha256(paragraphs: Iterable[str]) -> str:
    """Hex SHA-256 of the normalised body: equal for texts that differ only in whitespace."""
    return hashlib.sha256(normalise_body(paragraphs).encode("utf-8")).hexdigest()


def _shingle_ids(text: str) -> npt.NDArray[np.uint64]:
    words = [w.lower() for w in _WORD.findall(text)]
    n = max(len(words) - SHINGLE_WORDS + 1, 1 if words else 0)
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(n)}
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest()) for g in grams),
        dtype=np.uint64,
        count=len(grams),
    )


def minhash(text: str) -> Signature:
    """The MinHash signature (`PERMUTATIONS` uint32 values) of a text's word 3-shingles."""
    ids = _shingle_ids(text)
    if not ids.size:
        return _EMPTY.copy()
    with np.errstate(over="ignore"):
        hashed = ((ids[:, None] ^ _SALTS[None, :]) * _MULTIPLIERS[None, :]) >> np.uint64(32)
    return hashed.min(axis=0).astype(np.uint32)


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def band_keys(signature: Signature) -> list[int]:
    """One signed 64-bit key per band (band number mixed in), for equality lookups."""
    rows = signature.reshape(BANDS, ROWS)
    keys = []
    for band, row in enumerate(rows):
        digest = hashlib.blake2b(row.tobytes(), digest_size=8, salt=band.to_bytes(2)).digest()
        keys.append(int.from_bytes(digest, signed=True))
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
