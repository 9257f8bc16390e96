"""HTML extraction speed and memory: copydesk's `extract_html` vs plain trafilatura.

    PYTHONPATH=. python bench/html_speed.py [--pages 1000]

Runs on one core over the dev set's HTML in one process: docs/s of `trafilatura.extract`
(defaults) and of `extract_html` on the same pages (CPU time, alternating page by page so
machine load hits both alike, after a short warm-up), their ratio (target >= 0.9), and
the peak resident memory after extracting `--pages` pages with `extract_html`, cycling
through the dev set.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from itertools import cycle, islice
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura

from bench.devset import load_pages
from copydesk.extract import extract_html

TARGET_RATIO = 0.9


Extractor = Callable[[str, str | None], object]
# Pages extracted by both before timing: loading the language model and the regex caches
# is a one-time cost of the process, not of each page.
WARM_UP_PAGES = 5


def _cpu_seconds(
    extractors: Sequence[Extractor], pages: Sequence[tuple[str, str | None]]
) -> list[float]:
    """CPU seconds of each extractor over the pages, alternating page by page.

    Alternating per page, rather than per pass, lets other processes on a shared machine
    slow both extractors alike.
    """
    totals = [0.0] * len(extractors)
    for html, url in pages:
        for index, extract in enumerate(extractors):
            start = time.process_time()
            extract(html, url)
            totals[index] += time.process_time() - start
    return totals


def _plain(html: str, url: str | None) -> object:
    return trafilatura.extract(html, url=url)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000, help="pages for the memory run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved timing rounds")
    parser.add_argument("--sample", type=int, default=0, help="time only every Nth page")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = [(p.html, p.truth.get("url")) for p in load_pages()]
    loaded_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"RSS after imports {start_mb:.0f} MB, with the dev set's HTML loaded {loaded_mb:.0f} MB")
    timed = pages[:: args.sample] if args.sample else pages
    _cpu_seconds([_plain, extract_html], pages[:WARM_UP_PAGES])
    base = ours = 0.0
    for _ in range(args.rounds):
        plain_s, ours_s = _cpu_seconds([_plain, extract_html], timed)
        base, ours = base + plain_s, ours + ours_s
    n = len(timed) * args.rounds
    base_rate, our_rate = n / base, n / ours
    ratio = our_rate / base_rate
    print(f"pages timed: {len(timed)} x {args.rounds} rounds, one core, CPU time")
    print(f"  trafilatura.extract  {base_rate:7.2f} docs/s")
    print(f"  copydesk extract_html {our_rate:6.2f} docs/s")
    verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
    print(f"  ratio {ratio:.3f} (target >= {TARGET_RATIO}) {verdict}")
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS before the memory run (dev set loaded, timings done): {before_mb:.0f} MB")
    for html, url in islice(cycle(pages), args.pages):
        extract_html(html, url)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS after {args.pages} pages in one process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
