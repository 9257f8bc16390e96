"""Throughput of the plain-text cleaner on one core, against the doing-nothing split.

    python bench/text_speed.py [--devset PATH] [--repeat 5]
    valgrind --tool=callgrind --dump-instr=no --collect-atstart=no \
        --toggle-collect=builtin_eval python bench/text_speed.py --callgrind [--passes 1]

Runs `extract_text` over every `text/` input of the dev set and prints documents
per second, beside the placeholder path (split into paragraphs, keep everything)
timed in the same process (passes interleaved, best of each), and the ratio. The
process is pinned to one CPU and BLAS to one thread, so the figure is what one
worker core does.

`--callgrind` times nothing: it runs one warm-up pass (lazy model load, regex and
import caches), then `--passes` passes inside one `eval`, so callgrind collecting only
under `builtin_eval` counts the cleaner's instructions and none of the start-up's;
divide the total by the printed document count.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copydesk.extract import extract_text  # noqa: E402

TARGET_DOCS_PER_SECOND = 1000
_BLANK_RUN = re.compile(r"\n\s*\n|\n")


def split_only(text: str) -> tuple[str, ...]:
    """The old placeholder: every non-empty line, whitespace-normalised, kept."""
    return tuple(" ".join(p.split()) for p in _BLANK_RUN.split(text) if p.strip())


def _pass_seconds(func: Callable[[str], object], docs: list[str]) -> float:
    started = time.perf_counter()
    for doc in docs:
        func(doc)
    return time.perf_counter() - started


def best_rates(funcs: list[Callable[[str], object]], docs: list[str], repeat: int) -> list[float]:
    """Best documents-per-second of each function over `repeat` passes.

    Passes alternate between the functions, so a burst of load from other processes
    on a shared machine hits them alike and the ratio stays meaningful."""
    for func in funcs:
        func(docs[0])  # warm-up: lazy model load, regex caches
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for k, func in enumerate(funcs):
            best[k] = min(best[k], _pass_seconds(func, docs))
    return [len(docs) / seconds for seconds in best]


def count_passes(devset: Path, passes: int) -> None:
    """A warm-up pass, then `passes` passes under `eval` (what callgrind collects)."""
    docs = [p.read_text(encoding="utf-8") for p in sorted((devset / "text").glob("*.txt"))]
    for doc in docs:
        extract_text(doc)
    run = "[extract_text(doc) for _ in range(passes) for doc in docs]"
    eval(run, {"extract_text": extract_text, "docs": docs, "passes": passes})
    print(f"{len(docs) * passes} documents under builtin_eval")


def main() -> None:
    """Time both paths and print docs/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--callgrind", action="store_true", help="untimed passes for callgrind")
    parser.add_argument("--passes", type=int, default=1)
    args = parser.parse_args()
    if args.callgrind:
        count_passes(args.devset, args.passes)
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    docs = [p.read_text(encoding="utf-8") for p in sorted((args.devset / "text").glob("*.txt"))]
    size = sum(len(d) for d in docs) / len(docs)
    print(f"{len(docs)} documents, mean {size / 1000:.1f} k characters")
    base, ours = best_rates([split_only, extract_text], docs, args.repeat)
    print(f"baseline split-only (placeholder path): {base:8.0f} docs/s")
    print(f"copydesk extract_text:                  {ours:8.0f} docs/s "
          f"({1000 / ours:.2f} ms/doc)")  # fmt: skip
    print(
        f"ratio extract_text / baseline: {ours / base:.3f} (baseline is {base / ours:.1f}x faster)"
    )
    verdict = "meets" if ours >= TARGET_DOCS_PER_SECOND else "MISSES"
    print(f"target {TARGET_DOCS_PER_SECOND} docs/s on one core: {verdict}")


if __name__ == "__main__":
    main()
