"""Extraction quality on a labelled folder, beside baselines run in the same command.

    python bench/quality.py [--devset PATH] [--limit N] [--worst K] [--jobs J] [--no-html]

For every page (and separately for articles: page_type article or blog) prints
precision, recall and F1 with `bench.metric` for:

- text input: copydesk `extract_text`; the text unchanged; trafilatura and jusText on
  the lines wrapped as `<p>`;
- HTML input: copydesk `extract_html`; plain `trafilatura.extract`; then title, author
  and date accuracy on articles beside trafilatura's metadata (`bench/html_quality.py`).

then the worst pages of copydesk's text path (id, P, R) so errors can be read.
The HTML part lives in `html_systems()` / `score_html()` so it can be extended
(metadata accuracy, more baselines) without touching the text part.
"""

from __future__ import annotations

import argparse
import gzip
import html as html_lib
import json
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metric import PageScore, Summary, score_page, summarise  # noqa: E402

ARTICLE_TYPES = frozenset({"article", "blog"})
DEFAULT_DEVSET = ROOT.parent / "shared" / "devset"

System = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Page:
    """One labelled page: id, type, true body, and where its inputs are."""

    page_id: str
    page_type: str
    body: str
    text_path: Path
    html_path: Path
    url: str | None


def load_pages(devset: Path, limit: int | None = None) -> list[Page]:
    """The labelled pages of a dev-set folder, in id order."""
    pages = []
    for truth_path in sorted((devset / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        stem = truth_path.stem
        pages.append(
            Page(
                stem,
                truth["page_type"],
                truth["articleBody"],
                devset / "text" / f"{stem}.txt",
                devset / "html" / f"{stem}.html.gz",
                truth.get("url"),
            )
        )
    return pages[:limit] if limit else pages


def _wrap_lines(text: str) -> str:
    """The text's lines as `<p>` elements of a minimal HTML page."""
    paras = "".join(
        f"<p>{html_lib.escape(line.strip())}</p>" for line in text.splitlines() if line.strip()
    )
    return f"<html><body>{paras}</body></html>"


def _copydesk_text(text: str) -> str:
    from copydesk.extract import extract_text

    return extract_text(text).text


def _unchanged(text: str) -> str:
    return text


def _trafilatura_wrapped(text: str) -> str:
    import trafilatura

    return trafilatura.extract(_wrap_lines(text)) or ""


def _justext_wrapped(text: str) -> str:
    import justext

    paragraphs = justext.justext(_wrap_lines(text), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def text_systems() -> dict[str, System]:
    """Systems that read the copied text of a page."""
    return {
        "copydesk extract_text": _copydesk_text,
        "text unchanged": _unchanged,
        "trafilatura on <p> lines": _trafilatura_wrapped,
        "jusText on <p> lines": _justext_wrapped,
    }


def _copydesk_html(html: str) -> str:
    from copydesk.extract import extract_html

    return extract_html(html).text


def _trafilatura_html(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def html_systems() -> dict[str, System]:
    """Systems that read the page's HTML (extend here: more baselines, metadata)."""
    return {"copydesk extract_html": _copydesk_html, "trafilatura.extract": _trafilatura_html}


def score_text(page: Page, names: Iterable[str]) -> dict[str, PageScore]:
    """Scores of the named text systems on one page."""
    systems = text_systems()
    text = page.text_path.read_text(encoding="utf-8")
    return {name: score_page(systems[name](text), page.body) for name in names}


def score_html(page: Page, names: Iterable[str]) -> dict[str, PageScore]:
    """Scores of the named HTML systems on one page."""
    systems = html_systems()
    html = gzip.decompress(page.html_path.read_bytes()).decode("utf-8", errors="replace")
    return {name: score_page(systems[name](html), page.body) for name in names}


def _score_one(args: tuple[Page, bool]) -> dict[str, PageScore]:
    page, with_html = args
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = score_text(page, text_systems())
        if with_html:
            scores |= score_html(page, html_systems())
    return scores


def _row(name: str, s: Summary) -> str:
    return f"  {name:28s} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  ({s.pages} pages)"


def report(pages: list[Page], scores: list[dict[str, PageScore]], worst: int) -> None:
    """Print the tables (articles, all pages) and the worst pages of copydesk's text path."""
    names = list(scores[0]) if scores else []
    for label, keep in (
        ("articles (article, blog)", [p.page_type in ARTICLE_TYPES for p in pages]),
        ("all pages", [True] * len(pages)),
    ):
        print(f"{label}:")
        for name in names:
            picked = [s[name] for s, k in zip(scores, keep, strict=True) if k]
            print(_row(name, summarise(picked)))
    main = "copydesk extract_text"
    ranked = sorted(
        ((p, s[main]) for p, s in zip(pages, scores, strict=True) if p.page_type in ARTICLE_TYPES),
        key=lambda ps: min(ps[1].precision or 0.0, ps[1].recall),
    )
    print(f"worst {worst} article pages of {main} (id, P, R):")
    for page, s in ranked[:worst]:
        precision = "-" if s.precision is None else f"{s.precision:.2f}"
        print(f"  {page.page_id}  P {precision}  R {s.recall:.2f}")


def main() -> None:
    """Score every system on the dev set and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--worst", type=int, default=15)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--no-html", action="store_true", help="skip the HTML systems")
    args = parser.parse_args()
    pages = load_pages(args.devset, args.limit)
    started = time.perf_counter()
    work = [(p, not args.no_html) for p in pages]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            scores = list(pool.map(_score_one, work, chunksize=8))
    else:
        scores = [_score_one(w) for w in work]
    report(pages, scores, args.worst)
    if not args.no_html:
        from bench.html_quality import print_metadata_accuracy

        print_metadata_accuracy(args.devset, args.limit)
    print(f"{len(pages)} pages in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
