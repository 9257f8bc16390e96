"""Reading schema.org JSON-LD blocks into the handful of fields copydesk keeps.

Pages embed one or several `<script type="application/ld+json">` blocks, often as an
`@graph` whose article points at its author and publisher by `@id`. We flatten every
block, resolve those references, and pick the object that describes the article.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# schema.org types that describe the page's main written work, best first.
ARTICLE_TYPES = (
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "socialmediaposting",
    "liveblogposting",
    "article",
    "techarticle",
    "scholarlyarticle",
    "report",
    "medicalwebpage",
    "howto",
    "recipe",
    "review",
    "creativework",
)
# Fallback types: a page description still carries dates and a headline on many CMSs.
PAGE_TYPES = ("webpage", "itempage", "aboutpage", "collectionpage", "qapage", "faqpage")
# Some CMSs wrap the JSON in HTML comments or CDATA markers, or leave trailing commas.
_WRAPPER = re.compile(
    r"^\s*(?:<!--|/\*<!\[CDATA\[\*/|//<!\[CDATA\[)|(?:-->|/\*\]\]>\*/|//\]\]>)\s*$"
)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass(frozen=True, slots=True)
class LdArticle:
    """The article fields found in JSON-LD, as raw strings."""

    headline: str | None = None
    authors: tuple[str, ...] = ()
    # The subset typed `Person`: a blogger's name may equal the site's and still be right.
    people: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    publisher: str | None = None
    description: str | None = None
    image: str | None = None
    section: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    language: str | None = None
    license: str | None = None
    url: str | None = None
    site_name: str | None = None


def parse_blocks(blocks: list[str]) -> list[dict[str, Any]]:
    """Every JSON object in the blocks, with `@graph` and list wrappers flattened."""
    objects: list[dict[str, Any]] = []
    for block in blocks:
        data = _loads(block)
        if data is not None:
            objects.extend(_flatten(data))
    return objects


def _loads(block: str) -> Any:
    text = _WRAPPER.sub("", block.strip())
    try:
        return json.loads(text, strict=False)
    except ValueError:
        try:
            return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
        except ValueError:
            return None


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _flatten(graph)
        if "@type" in data:
            yield data


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _rank(obj: dict[str, Any]) -> int | None:
    types = _types(obj)
    for rank, name in enumerate(ARTICLE_TYPES + PAGE_TYPES):
        if name in types:
            return rank
    return None


def read_article(objects: list[dict[str, Any]]) -> LdArticle:
    """The fields of the best article-like object, with `@id` references resolved."""
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    ranked = sorted(
        ((rank, i, o) for i, o in enumerate(objects) if (rank := _rank(o)) is not None),
        key=lambda t: (t[0], t[1]),
    )
    site = next((_text(o.get("name")) for o in objects if "website" in _types(o)), None)
    if not ranked:
        return LdArticle(site_name=site)
    main = ranked[0][2]
    # A WebPage object often holds dates the Article lacks; let it fill the gaps.
    pages = [o for r, _, o in ranked[1:] if r >= len(ARTICLE_TYPES)]
    authors, people = _people(main.get("author") or main.get("creator"), by_id)
    publisher = _resolve(main.get("publisher"), by_id)
    return LdArticle(
        headline=_text(main.get("headline")) or _text(main.get("name")),
        authors=authors,
        people=people,
        published=_first_field(main, pages, "datePublished") or _text(main.get("dateCreated")),
        modified=_first_field(main, pages, "dateModified"),
        publisher=_text(publisher.get("name")) if isinstance(publisher, dict) else None,
        description=_text(main.get("description")),
        image=_image(main.get("image") or main.get("thumbnailUrl"), by_id),
        section=_strings(main.get("articleSection")),
        keywords=_keywords(main.get("keywords")),
        language=_text(main.get("inLanguage")),
        license=_text(main.get("license")),
        url=_url(main.get("mainEntityOfPage")) or _text(main.get("url")),
        site_name=site,
    )


def _first_field(main: dict[str, Any], pages: list[dict[str, Any]], key: str) -> str | None:
    for obj in (main, *pages):
        value = _text(obj.get(key))
        if value:
            return value
    return None


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _people(
    value: Any, by_id: dict[str, dict[str, Any]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """All author names, and those explicitly typed as a Person."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    people: list[str] = []
    for item in items:
        item = _resolve(item, by_id)
        if isinstance(item, str) and item.strip():
            names.append(" ".join(item.split()))
        elif isinstance(item, dict) and (name := _text(item.get("name"))):
            names.append(name)
            if "person" in _types(item):
                people.append(name)
    return tuple(names), tuple(people)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | dict)), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        # CMSs often HTML-escape JSON strings ("Full &#038; Part").
        return (html.unescape(text) if "&" in text else text) or None
    return None


def _strings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(t for item in items if (t := _text(item)))


def _keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(k.strip() for k in value.split(",") if k.strip())
    return _strings(value)


def _image(value: Any, by_id: dict[str, dict[str, Any]]) -> str | None:
    value = _resolve(value, by_id)
    if isinstance(value, list):
        value = value[0] if value else None
        value = _resolve(value, by_id)
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _url(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return value.strip() if isinstance(value, str) and value.startswith("http") else None
