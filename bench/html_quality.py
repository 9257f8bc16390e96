"""HTML extraction quality on the dev set: copydesk vs plain trafilatura, same run.

    PYTHONPATH=. python bench/html_quality.py [--limit N] [--settings NAME ...]

Prints article-body P/R/F1 for articles (page_type article or blog) and for all pages,
and title/author/date accuracy on articles, for copydesk's `extract_html` and for plain
`trafilatura.extract` / `trafilatura.extract_metadata` (the baseline).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura

from bench.devset import Page, load_pages, page_ids
from bench.metadata_score import MetaAccuracy, MetaGuess, score_metadata, trafilatura_authors
from bench.metric import PageScore, Summary, score_page, summarise
from copydesk.extract.html import DEFAULT, Settings, extract_html_with

# Named trafilatura settings compared by `--settings` (the first is copydesk's default).
SETTINGS = {
    "default": DEFAULT,
    "precision": Settings(favor_precision=True),
    "recall": Settings(favor_recall=True),
    "fast": Settings(fast=True),
    # The earlier path: trafilatura's default mode first, recall mode only when it is short.
    "default-first": Settings(recall_first=False),
    "fast-first": Settings(fast=True, full_below_chars=1200, recall_first=False),
    "no-tables": Settings(include_tables=False),
}


@dataclass(frozen=True, slots=True)
class HtmlReport:
    """Body scores (articles, all pages) and metadata accuracy for one extractor."""

    articles: Summary
    all_pages: Summary
    metadata: MetaAccuracy


def _report(
    pages: Sequence[Page], scores: Sequence[PageScore], guesses: Sequence[MetaGuess]
) -> HtmlReport:
    articles = [s for p, s in zip(pages, scores, strict=True) if p.is_article]
    meta = [(g, p.truth) for p, g in zip(pages, guesses, strict=True) if p.is_article]
    return HtmlReport(summarise(articles), summarise(scores), score_metadata(meta))


def run_copydesk(pages: Sequence[Page], settings: Settings = DEFAULT) -> HtmlReport:
    """Score copydesk's HTML path over pages."""
    scores, guesses = [], []
    for page in pages:
        result = extract_html_with(page.html, page.truth.get("url"), settings)
        scores.append(score_page(result.text, page.truth.get("articleBody") or ""))
        meta = result.metadata
        guesses.append(MetaGuess(result.title, meta.authors, meta.published_at))
    return _report(pages, scores, guesses)


def run_trafilatura(pages: Sequence[Page]) -> HtmlReport:
    """Score plain `trafilatura.extract` (defaults) and its metadata over pages."""
    scores, guesses = [], []
    for page in pages:
        url = page.truth.get("url")
        text = trafilatura.extract(page.html, url=url) or ""
        scores.append(score_page(text, page.truth.get("articleBody") or ""))
        if page.is_article:
            doc = trafilatura.extract_metadata(page.html, default_url=url)
            guesses.append(MetaGuess(doc.title, trafilatura_authors(doc.author), doc.date))
        else:
            guesses.append(MetaGuess(None, (), None))
    return _report(pages, scores, guesses)


def run_metadata(pages: Sequence[Page]) -> tuple[MetaAccuracy, MetaAccuracy]:
    """Title/author/date accuracy on the article pages: copydesk, then trafilatura."""
    ours, base = [], []
    for page in pages:
        if not page.is_article:
            continue
        url = page.truth.get("url")
        result = extract_html_with(page.html, url, DEFAULT)
        meta = result.metadata
        ours.append((MetaGuess(result.title, meta.authors, meta.published_at), page.truth))
        doc = trafilatura.extract_metadata(page.html, default_url=url)
        guess = MetaGuess(doc.title, trafilatura_authors(doc.author), doc.date)
        base.append((guess, page.truth))
    return score_metadata(ours), score_metadata(base)


def print_metadata_accuracy(root: Path | None = None, limit: int | None = None) -> None:
    """The HTML metadata section of `bench/quality.py`: accuracy beside trafilatura's."""
    logging.disable(logging.WARNING)
    ids = page_ids(root)
    pages = list(load_pages(ids[:limit] if limit else ids, root))
    ours, base = run_metadata(pages)
    print("HTML metadata accuracy on articles (copydesk extract_html vs trafilatura):")
    for field in ("title", "author", "date"):
        n = getattr(ours, f"n_{field}")
        print(
            f"  {field:<7} copydesk {getattr(ours, field):.3f}  "
            f"trafilatura {getattr(base, field):.3f}  ({n} pages with a true {field})"
        )


def _line(name: str, s: Summary) -> str:
    return f"  {name:<24} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (n={s.pages})"


def print_reports(ours: HtmlReport, base: HtmlReport, label: str = "copydesk") -> None:
    """Print body and metadata figures side by side, with the differences."""
    print("HTML articles (article/blog):")
    print(_line(label, ours.articles))
    print(_line("trafilatura.extract", base.articles))
    print(f"  F1 gain {ours.articles.f1 - base.articles.f1:+.3f}")
    print("HTML all pages:")
    print(_line(label, ours.all_pages))
    print(_line("trafilatura.extract", base.all_pages))
    print("HTML metadata accuracy on articles:")
    for field in ("title", "author", "date"):
        ours_v, base_v = getattr(ours.metadata, field), getattr(base.metadata, field)
        n = getattr(ours.metadata, f"n_{field}")
        print(f"  {field:<7} {label} {ours_v:.3f}  trafilatura {base_v:.3f}  (n={n})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--settings", nargs="*", default=["default"], choices=list(SETTINGS))
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # trafilatura warns on every page it discards
    ids = page_ids()
    pages = list(load_pages(ids[: args.limit] if args.limit else ids))
    base = run_trafilatura(pages)
    for name in args.settings:
        print(f"== settings: {name} {SETTINGS[name]}")
        print_reports(run_copydesk(pages, SETTINGS[name]), base)


if __name__ == "__main__":
    main()
