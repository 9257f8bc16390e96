"""Where the plain-text cleaner loses article text: every lost shingle put down to a cause.

    python bench/text_losses.py [--devset PATH] [--types article,blog] [--examples K]
                                [--dump FILE]

Re-runs `clean_text`'s steps one by one (checked against `extract_text`: the same output
on every page) and notes, per line, the step that dropped it: the selection (outside the
best run and below the outside cut-off, or inside it and below the inside cut-off), the
comment/related heading cut, the end model, the start model, a closing section, a named
rule after the models (its reason), the title, a glued advertisement. Then, with the dev
set's metric (4-token shingles of `\\w+` tokens), each reference shingle missing from the
output is put down to the first dropped line it covers; one covering only kept lines is
a split/glue loss, one found nowhere in the input is "not in the text input".

Prints the pages' P/R/F1 (five decimals: the targets sit in the fourth), then per cause
the lost shingles, the recall points they cost (sum over pages of the
page's lost share, over the page count: the causes add up to 1 - R), the pages and sites
(registrable domain) losing at least 1% of their recall to it, and the worst sites; with
`--examples`, the worst pages' dropped lines per cause. A cause spread over many sites is
worth a general fix; one on a single site is noise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metric import PageScore, score_page, shingles, summarise  # noqa: E402
from copydesk.extract import extract_text  # noqa: E402
from copydesk.extract import plaintext as pt  # noqa: E402
from copydesk.extract.cues import is_conclusion_heading  # noqa: E402
from copydesk.extract.text_features import page_features, split_lines  # noqa: E402
from copydesk.extract.text_model import LineModel, shipped_model  # noqa: E402
from copydesk.extract.text_select import best_run, select_lines  # noqa: E402
from copydesk.extract.text_start import find_bounds  # noqa: E402

_TOKEN = re.compile(r"\w+")
SHINGLE = 4
# A page counts for a cause when the cause costs it at least this share of its recall.
PAGE_SHARE = 0.01
NOT_IN_INPUT = "not in the text input"
SPLIT = "split/glue (all covering lines kept)"


def site_of(url: str) -> str:
    """The registrable domain, roughly: the last two host labels (three under a two-letter
    second level such as co.uk)."""
    host = (urlparse(url).hostname or url).split(".")
    keep = 3 if len(host) >= 3 and len(host[-1]) == 2 and len(host[-2]) <= 3 else 2
    return ".".join(host[-keep:])


@dataclass
class Trace:
    """Per line of one page: the cause that dropped it ("" when kept), the output text."""

    lines: list[str]
    cause: list[str]
    prob: list[float]
    text: str


def trace(text: str, model: LineModel) -> Trace:
    """`clean_text`, step by step, naming the step that dropped each line."""
    lines = split_lines(text)
    n = len(lines)
    cause = [""] * n
    if not lines:
        return Trace(lines, cause, [], "")
    features, facts = page_features(lines)
    prob = model.predict(features)
    page, candidates, comments = pt._article(lines, features, facts, prob, model)
    cut = model.thresholds
    start, end = best_run(facts.n_tokens * (prob - cut.run))
    for i in np.flatnonzero(~page.keep).tolist():
        inside = start <= i < end
        cause[i] = (
            "select: inside run, below inside cut"
            if inside
            else (
                "select: outside run (before), below outside cut"
                if i < start
                else "select: outside run (after), below outside cut"
            )
        )

    def mark(before: np.ndarray, label: str) -> None:
        for i in np.flatnonzero(before & ~page.keep).tolist():
            cause[i] = label

    if comments is not None:
        label = "comment heading cut" if comments[1] == pt._COMMENTS else "related heading cut"
        # The comment cut already ran inside _article: lines after it that selection kept.
        sel = select_lines(
            prob, facts.n_tokens, cut, facts.final & (facts.n_tokens >= pt.EXTEND_MIN_TOKENS)
        )
        pt._extend_end(lines, facts, prob, sel)
        for i in range(comments[0], n):
            if sel[i]:
                cause[i] = label
    tails = [comments] if comments is not None else []
    endl, startl = find_bounds(model.end, model.start, features, prob, facts, page.keep)
    if endl is not None and is_conclusion_heading(lines[endl]):
        endl = None
    snap = page.keep.copy()
    if endl is not None:
        page.keep[endl:] = False
        tails.insert(0, (endl, pt._END))
    mark(snap, "end model")
    snap = page.keep.copy()
    if startl is not None and (endl is None or startl < endl):
        page.keep[: startl + 1] = False
    mark(snap, "start model")
    pt._keep_closing(page)
    snap = page.keep.copy()
    closing = pt._cut_closing(page)
    if closing is not None:
        tails.insert(0, closing)
        mark(snap, f"closing section: {pt._ZONE_KINDS[closing[1]][1]}")
    snap = page.keep.copy()
    pt._cut_repeats(page, features)
    pt._cut_related_blocks(page, candidates)
    pt._review(page)
    for i in np.flatnonzero(snap & ~page.keep).tolist():
        cause[i] = f"rule: {page.cut[i][1]}" if i in page.cut else "rule: ?"
    title = pt._title(page)
    snap = page.keep.copy()
    texts, _ = pt._split_glued(page)
    # A glued advertisement, a disclosure or a credited caption (named in page.cut).
    for i in np.flatnonzero(snap & ~page.keep).tolist():
        cause[i] = f"rule: {page.cut[i][1]}"
    if title is not None:
        if page.keep[title]:
            cause[title] = "title line"
        page.keep[title] = False
    kept = page.keep.nonzero()[0].tolist()
    for i in kept:
        cause[i] = ""
    out = "\n\n".join(texts.get(i, lines[i]) for i in kept)
    return Trace(lines, cause, prob.tolist(), out)


@dataclass
class Loss:
    """One cause's losses over the pages."""

    shingles: int = 0
    points: float = 0.0
    pages: dict[str, float] = field(default_factory=dict)  # page id -> recall share lost
    sites: dict[str, float] = field(
        default_factory=lambda: defaultdict(float)
    )  # site -> recall points lost
    lines: dict[str, list[tuple[int, str, float]]] = field(default_factory=dict)


def attribute(t: Trace, body: str) -> tuple[Counter[str], dict[str, set[int]], int]:
    """Lost reference shingles per cause, the dropped lines behind each cause, and the
    reference's shingle count."""
    want, got = shingles(body), shingles(t.text)
    total = sum(want.values())
    missing = want - got
    toks: list[str] = []
    owner: list[int] = []
    for i, line in enumerate(t.lines):
        words = _TOKEN.findall(line)
        toks.extend(words)
        owner.extend([i] * len(words))
    where: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for p in range(len(toks) - SHINGLE + 1):
        where[tuple(toks[p : p + SHINGLE])].append(p)
    per: Counter[str] = Counter()
    behind: dict[str, set[int]] = defaultdict(set)
    for sh, count in missing.items():
        spots = where.get(sh) if len(sh) == SHINGLE else None
        if not spots:
            per[NOT_IN_INPUT] += count
            continue
        found = None
        for p in spots:
            for i in sorted(set(owner[p : p + SHINGLE])):
                if t.cause[i]:
                    found = i
                    break
            if found is not None:
                break
        if found is None:
            per[SPLIT] += count
        else:
            per[t.cause[found]] += count
            behind[t.cause[found]].add(found)
    return per, behind, total


def main() -> None:
    """Trace every page, attribute its losses and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--types", default="article,blog")
    parser.add_argument("--examples", type=int, default=0, help="worst pages shown per cause")
    parser.add_argument("--dump", type=Path, help="write per page and cause losses as JSON")
    args = parser.parse_args()
    types = set(args.types.split(","))
    model = shipped_model()
    losses: dict[str, Loss] = defaultdict(Loss)
    n_pages = 0
    dump: dict[str, dict[str, float]] = {}
    scores: list[PageScore] = []
    for path in sorted((args.devset / "truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if truth["page_type"] not in types:
            continue
        text = (args.devset / "text" / f"{path.stem}.txt").read_text(encoding="utf-8")
        t = trace(text, model)
        assert t.text == extract_text(text).text, f"trace differs from extract_text on {path.stem}"
        n_pages += 1
        scores.append(score_page(t.text, truth["articleBody"]))
        per, behind, total = attribute(t, truth["articleBody"])
        site = site_of(truth.get("url") or path.stem)
        dump[path.stem] = {c: v / max(total, 1) for c, v in per.items()}
        for c, v in per.items():
            share = v / max(total, 1)
            loss = losses[c]
            loss.shingles += v
            loss.points += share
            loss.sites[site] += share
            if share >= PAGE_SHARE:
                loss.pages[path.stem] = share
            loss.lines[path.stem] = [(i, t.lines[i], t.prob[i]) for i in sorted(behind[c])]
    summary = summarise(scores)
    print(
        f"{n_pages} pages: P {summary.precision:.5f}  R {summary.recall:.5f}  F1 {summary.f1:.5f}"
    )
    print("recall points lost per cause (sum = 100 * (1 - R)):")
    head = f"{'shingles':>8s} {'R pts':>6s} {'pages':>5s} {'sites':>5s}"
    print(f"  {'cause':52s} {head}  worst sites")
    total_pts = 0.0
    for c, loss in sorted(losses.items(), key=lambda kv: -kv[1].points):
        pts = 100 * loss.points / n_pages
        total_pts += pts
        sites = {site_of_page for site_of_page, v in loss.sites.items() if v >= PAGE_SHARE}
        worst = ", ".join(
            f"{s} {100 * v / n_pages:.2f}"
            for s, v in sorted(loss.sites.items(), key=lambda kv: -kv[1])[:3]
            if v > 0
        )
        print(
            f"  {c:52s} {loss.shingles:8d} {pts:6.3f} {len(loss.pages):5d} {len(sites):5d}  {worst}"
        )
    print(f"  {'total':52s} {'':8s} {total_pts:6.3f}  (R = {1 - total_pts / 100:.4f})")
    if args.examples:
        for c, loss in sorted(losses.items(), key=lambda kv: -kv[1].points):
            print(f"\n== {c}")
            for pid, share in sorted(loss.pages.items(), key=lambda kv: -kv[1])[: args.examples]:
                print(f"  page {pid}: {100 * share:.1f}% of its recall")
                for i, line, p in loss.lines.get(pid, [])[:8]:
                    print(f"    [{i}] p={p:.2f} {line[:110]!r}")
    if args.dump:
        args.dump.write_text(json.dumps(dump, indent=1, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
