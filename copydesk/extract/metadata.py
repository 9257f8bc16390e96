"""Turning a page's declared metadata into validated `Metadata` and a headline.

Sources, best first: JSON-LD, OpenGraph and other `<meta>` tags, then visible markup
(`<h1>`, bylines, `<time>`), then htmldate's quick search for a date the page does not
declare. The publication date is the exception: the date printed beside the headline,
which is what a reader takes for it, comes before the declared ones. Every value is
validated (see `authors.py`, `dates.py`, `titles.py`) and the raw values found are kept
beside the cleaned ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import py3langid
from courlan import normalize_url
from htmldate import find_date
from lxml.html import HtmlElement

from copydesk.extract.authors import (
    as_printed,
    clean_authors,
    copyright_holder,
    headline_bylines,
    headline_name,
    is_brand,
    looks_like_person,
)
from copydesk.extract.dates import build_date, valid_date, within_web_era
from copydesk.extract.page_facts import (
    PageFacts,
    collect_facts,
    copyright_lines,
    visible_bylines,
)
from copydesk.extract.result import Metadata
from copydesk.extract.titles import choose_title

# Meta keys that carry the publication date, in order of trust.
PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "published_time",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
    "citation_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
)
MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)
AUTHOR_KEYS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
)
SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "publisher")
DESCRIPTION_KEYS = ("description", "og:description", "twitter:description", "dc.description")
IMAGE_KEYS = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "image")
TAG_KEYS = ("article:tag", "news_keywords", "keywords")
SECTION_KEYS = ("article:section", "category", "parsely-section")
LICENSE_KEYS = ("license", "dcterms.license", "dc.rights.license")
LANGUAGE_KEYS = ("content-language", "language", "dc.language", "og:locale")
# Enough text for a confident language guess; more only costs time.
LANGUAGE_SAMPLE_CHARS = 2000
MAX_TAGS = 30
# A body line that states the date: within the first lines, and short.
DATE_LINES = 12
DATE_LINE_WORDS = 10
_WORDY_DATE = re.compile(r"\d{4}")
# The date a reader sees by the headline is the labelled one far more often than the
# declared `datePublished`, which a site may keep at the first version after updating
# the page (measured on the dev set: date accuracy 0.885 -> 0.962).
# "/2025/12/18/" or "/2025-12-18-" in a URL path.
_URL_DAY = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=[/_+.-]|$)")
_LANG_CODE = re.compile(r"^([a-z]{2,3})(?:[-_].*)?$", re.I)
_PUBLISHED_TIME_HINT = re.compile(r"publish|pubdate|datepublished|created|posted", re.I)
_MODIFIED_TIME_HINT = re.compile(r"modif|updat", re.I)


def page_metadata(
    tree: HtmlElement, url: str | None, text: str, now: datetime | None = None
) -> tuple[str | None, Metadata]:
    """The headline and metadata of a parsed page; `text` is its extracted body."""
    now = now or datetime.now(UTC)
    facts = collect_facts(tree)
    canonical = _canonical(facts, url)
    sites = _site_names(facts, canonical or url)
    sitename = next((s for s in (facts.first(*SITE_KEYS), facts.ld.site_name) if s), None)
    sitename = sitename or facts.ld.publisher
    declared, modified = _published(facts, now), _modified(facts, now)
    published = (
        _as_declared(_date_beside_headline(facts, now), (declared, modified))
        or declared
        or _text_date(text, now)
        or _any_time(facts, now)
        or _url_date(url, now)
        or _url_date(canonical, now)
        or (_searched_date(tree, canonical or url, now) if _article_like(tree, facts) else None)
    )
    authors, bylines = _authors(facts, tree)
    authors = as_printed(authors, facts.beside_headline)
    meta = Metadata(
        authors=authors,
        published_at=published,
        modified_at=modified,
        sitename=sitename,
        language=_language(facts, text),
        description=facts.ld.description or facts.first(*DESCRIPTION_KEYS),
        canonical_url=canonical,
        categories=_unique(facts.ld.section or _meta_values(facts, SECTION_KEYS)),
        tags=_tags(facts),
        image=_absolute(facts.first(*IMAGE_KEYS) or facts.ld.image, canonical or url),
        license=facts.ld.license or facts.first(*LICENSE_KEYS) or _first(facts.license_links),
        raw=_raw(facts, bylines),
    )
    headlines = [
        t
        for t in (facts.ld.headline, facts.first("og:title", "twitter:title"), facts.title_tag)
        if t
    ]
    return choose_title(facts.h1, headlines, sites), meta


def _first(values: Iterable[str]) -> str | None:
    return next(iter(values), None)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def _meta_values(facts: PageFacts, keys: Iterable[str]) -> list[str]:
    return [v for key in keys for v in facts.meta.get(key, ())]


def _site_names(facts: PageFacts, url: str | None) -> list[str]:
    """Every name the site goes by, including its host name, to keep it out of bylines."""
    names = [*_meta_values(facts, SITE_KEYS), facts.ld.site_name, facts.ld.publisher]
    names.append((facts.first("twitter:site") or "").lstrip("@"))
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.removeprefix("www.")
    if host:
        names.extend([host, host.split(".")[0], ".".join(host.split(".")[-2:])])
        names.append(host.split(".")[-2] if host.count(".") >= 1 else host)
    return [n for n in dict.fromkeys(names) if n]


def _authors(facts: PageFacts, tree: HtmlElement) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The authors, and the visible bylines read to find them (often none need reading)."""
    # Only the names the site declares for itself: a blogger's host name is often their own.
    sites = [*_meta_values(facts, SITE_KEYS), facts.ld.site_name or "", facts.ld.publisher or ""]
    sites.append((facts.first("twitter:site") or "").lstrip("@"))
    ld = clean_authors(facts.ld.authors, sites, people=facts.ld.people)
    if ld and facts.ld.people:
        return ld, ()
    declared = [v for v in _meta_values(facts, AUTHOR_KEYS) if not v.startswith("http")]
    found = ld or clean_authors(declared, sites)
    if found and not ld:
        return found, ()  # a `<meta>` author is kept whatever the bylines say
    # Visible bylines: the first one that holds a name; later ones are often comments.
    # An untyped or organisation author in JSON-LD yields to a person named in a byline.
    bylines = visible_bylines(tree)
    for byline in bylines:
        visible = clean_authors([byline], sites, visible=True)
        if visible:
            return visible, bylines
    if any(not is_brand(name) for name in found):
        return found, bylines
    # "By Jane Doe" printed by the headline, without markup naming it a byline; an
    # organisation declared as author yields to it.
    for byline in headline_bylines(facts.beside_headline):
        named = [n for n in clean_authors([byline], sites, visible=True) if looks_like_person(n)]
        if named:
            return tuple(named), (*bylines, byline)
    bare = headline_name(facts.beside_headline)
    if bare and clean_authors([bare], sites, visible=True):
        return (bare,), (*bylines, bare)
    # On a shop or a company's page the copyright holder is the company: only an article's
    # notice can name its writer.
    blog = not found and _article_like(tree, facts)
    holder = copyright_holder(copyright_lines(tree), sites) if blog else None
    return ((holder,), (*bylines, holder)) if holder else (found, bylines)


def _published(facts: PageFacts, now: datetime) -> datetime | None:
    values = [facts.ld.published, *_meta_values(facts, PUBLISHED_KEYS)]
    values += [v for hint, v in facts.times if _PUBLISHED_TIME_HINT.search(hint)]
    return next((d for v in values if (d := valid_date(v, now))), None)


def _text_date(text: str, now: datetime) -> datetime | None:
    """A date printed on its own short line near the top of the body ("May 2, 2025")."""
    for line in text.split("\n")[:DATE_LINES]:
        if len(line.split()) <= DATE_LINE_WORDS and _WORDY_DATE.search(line):
            found = valid_date(line, now)
            if found:
                return found
    return None


def _date_beside_headline(facts: PageFacts, now: datetime) -> datetime | None:
    """The date shown to the reader by the first `<h1>`: just after it, else just before."""
    for line in facts.beside_headline:
        if len(line.split()) <= DATE_LINE_WORDS and _WORDY_DATE.search(line):
            found = valid_date(line, now)
            if found:
                return found
    return None


def _as_declared(shown: datetime | None, declared: tuple[datetime | None, ...]) -> datetime | None:
    """The shown day, as the declared timestamp of that day when there is one (keeps time)."""
    if shown is None:
        return None
    return next((d for d in declared if d and d.date() == shown.date()), shown)


def _modified(facts: PageFacts, now: datetime) -> datetime | None:
    values = [facts.ld.modified, *_meta_values(facts, MODIFIED_KEYS)]
    values += [v for hint, v in facts.times if _MODIFIED_TIME_HINT.search(hint)]
    return next((d for v in values if (d := valid_date(v, now))), None)


def _any_time(facts: PageFacts, now: datetime) -> datetime | None:
    """The first `<time datetime>` of the page, unmarked: cheaper than htmldate's search."""
    return next((d for _, v in facts.times if (d := valid_date(v, now))), None)


def _url_date(url: str | None, now: datetime) -> datetime | None:
    """A day in the URL's path ("/2025/12/18/slug"), as blogs and newspapers print it."""
    match = _URL_DAY.search(urlsplit(url).path) if url else None
    found = build_date(*match.groups()) if match else None
    return found if found and within_web_era(found, now) else None


def _article_like(tree: HtmlElement, facts: PageFacts) -> bool:
    """Whether the page presents itself as an article: `<article>`, og:type, a headline.

    htmldate's guess is kept for such pages only. On the dev set's product, service and
    listing pages, which have no publication date, it mostly returned a wrong one (98
    wrong dates instead of 132 over all pages, for 2 fewer right article dates), and it
    costs more than the rest of the metadata on the pages that declare no date.
    """
    if (facts.first("og:type") or "").lower() == "article" or facts.ld.headline:
        return True
    return tree.find(".//article") is not None


def _searched_date(tree: HtmlElement, url: str | None, now: datetime) -> datetime | None:
    """htmldate's quick search, for pages that declare no date.

    Its extensive mode finds a few more dates but costs more than the body extraction.
    """
    found = find_date(
        tree,
        url=url,
        extensive_search=False,
        original_date=True,
        outputformat="%Y-%m-%d",
        max_date=now.strftime("%Y-%m-%d"),
    )
    return valid_date(found, now) if found else None


def _language(facts: PageFacts, text: str) -> str | None:
    declared = facts.ld.language or facts.html_lang or facts.first(*LANGUAGE_KEYS)
    match = _LANG_CODE.match(declared or "")
    if match:
        return match.group(1).lower()
    if not text.strip():
        return None
    code, _score = py3langid.classify(text[:LANGUAGE_SAMPLE_CHARS])
    return str(code)


def _canonical(facts: PageFacts, url: str | None) -> str | None:
    for candidate in (facts.canonical, facts.first("og:url"), facts.ld.url, url):
        absolute = _absolute(candidate, url)
        if absolute:
            try:
                return normalize_url(absolute)
            except ValueError:
                continue
    return None


def _absolute(value: str | None, base: str | None) -> str | None:
    if not value:
        return None
    absolute = urljoin(base, value) if base else value
    return absolute if absolute.startswith(("http://", "https://")) else None


def _tags(facts: PageFacts) -> tuple[str, ...]:
    values = list(facts.meta.get("article:tag", ())) or list(facts.ld.keywords)
    if not values:
        values = [k for v in _meta_values(facts, TAG_KEYS[1:]) for k in v.split(",")]
    return _unique(values)[:MAX_TAGS]


def _raw(facts: PageFacts, bylines: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The values as found, before validation, under their source names."""
    ld = facts.ld
    pairs = [
        ("title", facts.title_tag),
        ("h1", " || ".join(facts.h1)),
        ("ld:headline", ld.headline),
        ("ld:author", "; ".join(ld.authors)),
        ("ld:datePublished", ld.published),
        ("ld:dateModified", ld.modified),
        ("ld:publisher", ld.publisher),
        ("byline", " || ".join(bylines)),
        ("canonical", facts.canonical),
        ("html:lang", facts.html_lang),
    ]
    keys = (*AUTHOR_KEYS, *PUBLISHED_KEYS, *MODIFIED_KEYS, *SITE_KEYS, "og:title", "og:url")
    pairs += [(key, " || ".join(facts.meta[key])) for key in keys if key in facts.meta]
    return tuple((k, v) for k, v in pairs if v)
