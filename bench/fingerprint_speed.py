"""Cost and accuracy of `minhash` + `band_keys`, against the implementation of issue 7.

    python bench/fingerprint_speed.py [--rounds 5] [--seed 7]

Runs the baseline (a copy of the first implementation: blake2b per 3-word shingle, 64-bit
multiply-shift over 128 permutations, blake2b per band) and the current one in the same
process over the dev set's article bodies (`truth/*.json` `articleBody`), alternating
rounds; prints the median ms per document of each and the ratio (the machine is shared, so
only the ratio is meaningful). Then checks what the module docstring promises, for both:
near-copies (two paragraphs dropped, three words edited) against their page, and unrelated
pairs (each page against a random page of another site), with the exact Jaccard of the
shingle sets beside the estimates.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.devset import devset_dir  # noqa: E402
from copydesk.extract.fingerprint import (  # noqa: E402
    NEAR_DUPLICATE_JACCARD,
    band_keys,
    jaccard,
    minhash,
)

Fingerprint = tuple[npt.NDArray[np.uint32], list[int]]
EDITED_WORDS = 3
DROPPED_PARAGRAPHS = 2
UNRELATED_BELOW = 0.05

# --- Baseline: fingerprint.py as merged with issue 7, unchanged. ---
_WORD = re.compile(r"\w+")
_PERMUTATIONS, _BANDS, _ROWS = 128, 32, 4


def _baseline_family() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    rng = np.random.default_rng(20261123)
    salts = rng.integers(0, 2**63, size=_PERMUTATIONS, dtype=np.uint64)
    odd = rng.integers(0, 2**63, size=_PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    return salts, odd


_SALTS, _MULTIPLIERS = _baseline_family()
_EMPTY = np.full(_PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)


def _baseline_shingle_ids(text: str) -> npt.NDArray[np.uint64]:
    words = [w.lower() for w in _WORD.findall(text)]
    n = max(len(words) - 3 + 1, 1 if words else 0)
    grams = {" ".join(words[i : i + 3]) for i in range(n)}
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest()) for g in grams),
        dtype=np.uint64,
        count=len(grams),
    )


def baseline_minhash(text: str) -> npt.NDArray[np.uint32]:
    ids = _baseline_shingle_ids(text)
    if not ids.size:
        return _EMPTY.copy()
    with np.errstate(over="ignore"):
        hashed = ((ids[:, None] ^ _SALTS[None, :]) * _MULTIPLIERS[None, :]) >> np.uint64(32)
    return hashed.min(axis=0).astype(np.uint32)


def baseline_band_keys(signature: npt.NDArray[np.uint32]) -> list[int]:
    rows = signature.reshape(_BANDS, _ROWS)
    keys = []
    for band, row in enumerate(rows):
        digest = hashlib.blake2b(row.tobytes(), digest_size=8, salt=band.to_bytes(2)).digest()
        keys.append(int.from_bytes(digest, signed=True))
    return keys


# --- End of the baseline. ---


def baseline(text: str) -> Fingerprint:
    signature = baseline_minhash(text)
    return signature, baseline_band_keys(signature)


def current(text: str) -> Fingerprint:
    signature = minhash(text)
    return signature, band_keys(signature)


def load_bodies() -> list[tuple[str, str]]:
    """(host, articleBody) of every dev-set page that has a body."""
    bodies = []
    for path in sorted((devset_dir() / "truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if truth.get("articleBody"):
            bodies.append((urlsplit(truth.get("url") or "").netloc, truth["articleBody"]))
    return bodies


def ms_per_doc(fingerprint: Callable[[str], Fingerprint], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fingerprint(text)
    return (time.perf_counter() - start) / len(texts) * 1000


def near_copy(text: str, rng: np.random.Generator) -> str | None:
    """The text with two random paragraphs dropped and three random words replaced."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if len(paragraphs) < 2 * DROPPED_PARAGRAPHS:
        return None
    dropped = set(rng.choice(len(paragraphs), DROPPED_PARAGRAPHS, replace=False).tolist())
    words = "\n".join(p for i, p in enumerate(paragraphs) if i not in dropped).split(" ")
    for n, i in enumerate(rng.choice(len(words), EDITED_WORDS, replace=False).tolist()):
        words[i] = f"edited{n}"
    return " ".join(words)


def exact_jaccard(a: str, b: str) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = [w.lower() for w in _WORD.findall(text)]
        return {tuple(words[i : i + 3]) for i in range(max(len(words) - 2, 1 if words else 0))}

    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def describe(name: str, estimates: list[float], exact: list[float]) -> str:
    est, ref = np.array(estimates), np.array(exact)
    rmse = float(np.sqrt(np.mean((est - ref) ** 2)))
    return (
        f"  {name:9s} mean {est.mean():.3f}  p5 {np.percentile(est, 5):.3f}  "
        f"min {est.min():.3f}  max {est.max():.3f}  rmse vs exact {rmse:.3f}"
    )


def check_near_copies(bodies: list[str], rng: np.random.Generator) -> None:
    exact: list[float] = []
    est: dict[str, list[float]] = {"baseline": [], "current": []}
    shared_band = {"baseline": 0, "current": 0}
    for text in bodies:
        copy = near_copy(text, rng)
        if copy is None:
            continue
        exact.append(exact_jaccard(text, copy))
        for name, fingerprint in (("baseline", baseline), ("current", current)):
            (sig_a, bands_a), (sig_b, bands_b) = fingerprint(text), fingerprint(copy)
            est[name].append(jaccard(sig_a, sig_b))
            shared_band[name] += bool(set(bands_a) & set(bands_b))
    print(f"near-copies ({len(exact)} pages with >= {2 * DROPPED_PARAGRAPHS} paragraphs):")
    print(describe("exact", exact, exact))
    for name, values in est.items():
        near = np.mean(np.array(values) >= NEAR_DUPLICATE_JACCARD)
        print(describe(name, values, exact))
        print(
            f"            >= {NEAR_DUPLICATE_JACCARD}: {near:.1%}  share a band: "
            f"{shared_band[name] / len(exact):.1%}"
        )


def check_unrelated(bodies: list[tuple[str, str]], rng: np.random.Generator) -> None:
    exact: list[float] = []
    est: dict[str, list[float]] = {"baseline": [], "current": []}
    for host, text in bodies:
        others = [t for h, t in bodies if h != host]
        other = others[int(rng.integers(len(others)))]
        exact.append(exact_jaccard(text, other))
        for name, fingerprint in (("baseline", baseline), ("current", current)):
            est[name].append(jaccard(fingerprint(text)[0], fingerprint(other)[0]))
    print(f"unrelated pairs ({len(exact)}, each page against a page of another site):")
    print(describe("exact", exact, exact))
    for name, values in est.items():
        below = np.mean(np.array(values) < UNRELATED_BELOW)
        print(describe(name, values, exact) + f"  < {UNRELATED_BELOW}: {below:.1%}")


def check_speed(texts: list[str], rounds: int) -> None:
    times: dict[str, list[float]] = {"baseline": [], "current": []}
    for _ in range(rounds):
        times["baseline"].append(ms_per_doc(baseline, texts))
        times["current"].append(ms_per_doc(current, texts))
    old, new = statistics.median(times["baseline"]), statistics.median(times["current"])
    words = statistics.mean(len(t.split()) for t in texts)
    print(f"speed ({len(texts)} bodies, {words:.0f} words on average, median of {rounds} rounds):")
    print(f"  baseline minhash + band_keys: {old:6.3f} ms/doc")
    print(f"  current  minhash + band_keys: {new:6.3f} ms/doc")
    print(f"  ratio baseline/current: {old / new:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    bodies = load_bodies()
    texts = [text for _, text in bodies]
    current(texts[0])  # build the lazy word-character table outside the timing
    check_speed(texts, args.rounds)
    rng = np.random.default_rng(args.seed)
    check_near_copies(texts, rng)
    check_unrelated(bodies, rng)


if __name__ == "__main__":
    main()
