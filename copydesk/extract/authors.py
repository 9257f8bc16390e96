"""Cleaning and validating author names.

Bylines arrive as "By Jane Doe", "Jane Doe, Senior Editor", "Jane Doe and John Roe",
"5 Minute Read", a date, a Twitter handle, the site's own name or "Staff". Users of other
extractors keep reporting those as authors; here a name must look like a person's or a
named organisation's, and never be the site itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from copydesk.extract.dates import parse_date

# Lead-ins before a name: "By", "Written by", "Author:", "Posted by".
_LEAD_IN = re.compile(
    r"^(?:(?:written|posted|published|words|story|text|article|reviewed)\s+by|by|von|par|por|"
    r"door|di|author|authors|autor|auteur|written|byline)(?:\s*[:\-\u2013\u2014]\s*|\s+)",
    re.I,
)
# A lead-in standing alone before a linked name: "By" <a>Jane Doe</a>.
_LEAD_IN_ALONE = re.compile(
    r"^(?:(?:written|posted|published|reviewed)\s+by|by|author|authors|byline)\s*:?$", re.I
)
# A byline beside the headline is short: "By Jane Doe | May 2, 2025 | 4 min read".
MAX_HEADLINE_BYLINE_WORDS = 12
# A bare name under the headline: among its first lines, with a role or date this close.
_NAME_LINES = 2
_NAME_CONTEXT = 2
_MAX_ROLE_LINE_WORDS = 6
# "Saul's Investing Discussions": a possessive names a thing, not a person.
_POSSESSIVE = re.compile(r"\w['\u2019]s\b")
# Visible bylines often glue a date or update note to the name ("Jane DoeDec 18, 2025").
_GLUED = re.compile(
    r"(?<=[a-z])(?=(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*\d|"
    r"Last\b|Updated\b|Published\b|Posted\b)"
)
# Visible bylines separate name, date and reading time with dots, bullets or bars.
_VISIBLE_PARTS = re.compile(r"\s*[|\u2022\u00b7/]\s*|\s+[-\u2013\u2014]\s*|\s*[-\u2013\u2014]\s+")
# Trailing dates and update notes glued to a visible byline ("Jane Doe Last updated May 2").
_TAIL = re.compile(
    r"\s*(?:\b(?:last\s+)?update[ds]?\b|\bpublished\b|\bposted\b|\bon\b|\bsays\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*\d|"
    r"\b(?:january|february|march|april|june|july|august|september|october|november|december)\b"
    r"|\d).*$",
    re.I,
)
# Hard separators between several people in one byline.
_SPLIT = re.compile(r"\s*(?:;|\||,)\s*")
# "and" joins two people only when both sides look like whole names (not "Drug Evaluation
# and Research"), checked in `_split_and`.
_AND = re.compile(r"\s+(?:and|und|et|y|e|&)\s+", re.I)
_PERSON_WORDS = range(2, 5)
# Academic and professional post-nominals that follow a name after a comma.
_CREDENTIAL = re.compile(
    r"^(?:ph\.?\s?d|m\.?d|r\.?d|r\.?n|d\.?o|mba|msc?|bsc?|ba|ma|jr|sr|ii|iii|iv|"
    r"facs|faclm|cpa|esq|lcsw|mph|cscs)\.?$",
    re.I,
)
# Words that mark a job title or a non-name; a part holding one is a role, not a person.
ROLE_WORDS = frozenset(
    [
        "editor",
        "editors",
        "editorial",
        "writer",
        "writers",
        "reporter",
        "reporters",
        "correspondent",
        "contributor",
        "contributors",
        "columnist",
        "staff",
        "team",
        "admin",
        "administrator",
        "webmaster",
        "newsroom",
        "desk",
        "expert",
        "dietitian",
        "nutritionist",
        "director",
        "manager",
        "founder",
        "ceo",
        "cto",
        "producer",
        "programmer",
        "specialist",
        "consultant",
        "analyst",
        "attorney",
        "lawyer",
        "journalist",
        "intern",
        "host",
        "anchor",
        "photographer",
        "photo",
        "photos",
        "illustrator",
        "former",
        "senior",
        "junior",
        "chief",
        "head",
        "lead",
        "associate",
        "assistant",
        "managing",
        "executive",
        "deputy",
    ]
)
# Whole values that are never a byline.
_NOT_NAMES = frozenset(
    [
        "anonymous",
        "unknown",
        "guest",
        "author",
        "authors",
        "admin",
        "administrator",
        "staff",
        "editor",
        "editors",
        "user",
        "null",
        "none",
        "undefined",
        "share",
        "follow",
        "read",
        "more",
        "comments",
        "home",
        "news",
        "blog",
    ]
)
# Fragments that reveal interface text rather than a name ("5 Minute Read", "Share this").
_UI_TEXT = re.compile(
    r"\b(?:min(?:ute)?s?\s+read|read(?:ing)?\s+time|share|follow|subscribe|sign\s+up|"
    r"log\s?in|comments?|view\s+all|see\s+all|posts\s+by|more\s+from|click|http|www\.|"
    r"says|wrote|bio|learn|about|menu|search|name|profile)\b|[*:=<>{}#]",
    re.I,
)
_MONTH_WORDS = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
# A declared author sometimes carries a role after a dash: "Jane Doe - Editorial Team".
_DECLARED_PARTS = re.compile(r"\s+[-\u2013\u2014|]\s+")
# A visible byline may open with the date: "Dec 17, 2025 Jane Doe".
_LEADING_DATE = re.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?"
    r"\s+\d{4}|\d{1,2}\s+[a-z]+\.?\s+\d{4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*",
    re.I,
)
# The same dates anywhere in a short line ("Updated on 23 Oct 2025").
_DATE_IN_LINE = re.compile(_LEADING_DATE.pattern.removeprefix("^"), re.I)
_WORDS = re.compile(r"[^\W_]+")
_MAX_NAME_CHARS = 80
_PERSON_NAME_WORDS = range(2, 4)
# Words that make a name an organisation's or a brand's, not a person's.
_ORG_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "your",
        "my",
        "our",
        "inc",
        "llc",
        "ltd",
        "co",
        "company",
        "corp",
        "group",
        "media",
        "news",
        "team",
        "staff",
        "blog",
        "online",
        "digital",
        "agency",
        "marketing",
        "studio",
        "studios",
        "lab",
        "labs",
        "care",
        "bank",
        "social",
        "construction",
        "services",
        "solutions",
        "magazine",
        "journal",
        "times",
        "post",
        "daily",
        "weekly",
        "network",
        "foundation",
        "institute",
        "university",
        "college",
        "school",
        "center",
        "centre",
        "club",
        "shop",
        "store",
        "travel",
        "health",
        "dental",
        "insurance",
        "law",
        "legal",
        "partners",
        "consulting",
        "capital",
        "fitness",
        "homes",
        "home",
        "design",
        "tech",
        "technologies",
        "software",
        "systems",
        "association",
        "society",
        "gmbh",
        "platforms",
    ]
)
_MAX_NAME_WORDS = 6
# Words that do not make a role a name: "The Editorial Team" is still only a role.
_FILLER_WORDS = frozenset(["the", "a", "an", "our", "your", "and", "&", "of"])
# "Great Day Editorial Team": a team name holds at most this many role words.
_MAX_TEAM_ROLE_WORDS = 2
_NON_ALNUM = re.compile(r"[\W_]+")


def fold_name(value: str) -> str:
    """A comparison key: NFKC, casefolded, letters and digits only."""
    return _NON_ALNUM.sub("", unicodedata.normalize("NFKC", value).casefold())


def split_byline(value: str, *, visible: bool) -> list[str]:
    """Candidate names in a byline, lead-ins and trailing notes removed."""
    chunks = _DECLARED_PARTS.split(value.strip())
    if visible:
        chunks = [
            _TAIL.sub("", _LEADING_DATE.sub("", _LEAD_IN.sub("", c)))
            for c in _VISIBLE_PARTS.split(_GLUED.sub(" ", value))
        ]
    parts = [
        p.strip(" .,:;-\u2013\u2014'\"")
        for chunk in chunks
        for p in _SPLIT.split(_LEAD_IN.sub("", chunk.strip()))
    ]
    names: list[str] = []
    for part in parts:
        if part and not all(_CREDENTIAL.match(w) for w in part.split()):
            names.extend(_split_and(_drop_initials(_LEAD_IN.sub("", part))))
    return names


def _drop_initials(name: str) -> str:
    """Avatar initials read before a name ("JD Jane Doe") are dropped."""
    first, _, rest = name.partition(" ")
    initials = "".join(w[0] for w in rest.split() if w[:1].isupper())
    return rest if first.isupper() and first == initials else name


def _split_and(part: str) -> list[str]:
    pieces = _AND.split(part)
    if len(pieces) > 1 and all(len(p.split()) in _PERSON_WORDS for p in pieces):
        return pieces
    return [part]


def is_plausible_name(
    name: str,
    site_names: Iterable[str],
    *,
    visible: bool,
    person: bool = False,
    declared: bool = False,
    introduced: bool = False,
) -> bool:
    """Whether a cleaned value can be an author: not a role, date, UI text or the site.

    `declared`: the value comes from the page's structured data (JSON-LD, `<meta>`), where
    a site names its desks and its users on purpose: a named team ("TOI Lifestyle Desk",
    "Podium Staff") or a user handle ("jsteinhardt") is the byline readers see. A bare
    role ("Staff", "Editorial Team") still says nothing and is dropped. `introduced`: a
    visible byline opened by "By": a handle after it is as explicit as a declared one.
    """
    words = name.split()
    if not words or len(name) > _MAX_NAME_CHARS or len(words) > _MAX_NAME_WORDS:
        return False
    lowered = [w.strip(".,()").lower() for w in words]
    if name.lower() in _NOT_NAMES or _is_role(lowered, declared=declared):
        return False
    if _UI_TEXT.search(name) or "@" in name or "/" in name or any(c.isdigit() for c in name):
        return False
    if len(words) == 1 and (visible or lowered[0] in _MONTH_WORDS):
        return False
    if len(words) == 1 and not name[0].isupper() and not (declared or introduced):
        return False
    if parse_date(name) is not None:
        return False
    key = fold_name(name)
    if any(key == fold_name(site) for site in site_names if site):
        # The site's own name is no byline, unless the site is named after its author: a
        # blogger declared a Person may share the site's name, but a news desk or a
        # charity typed `Person` ("USA TODAY", "Clemson News") is still the site.
        return not _is_brand(words) if person else _looks_like_person(words)
    return bool(key)


def is_brand(name: str) -> bool:
    """Whether a name is an organisation's or a brand's rather than a person's."""
    return _is_brand(name.split())


def _is_brand(words: list[str]) -> bool:
    """A name in capitals ("USA TODAY") or holding an organisation word ("Clemson News")."""
    if len(words) > 1 and all(w.isupper() for w in words):
        return True
    return any(w.lower().strip(".,") in _ORG_WORDS for w in words)


def _is_role(lowered: list[str], *, declared: bool) -> bool:
    """A job title: any role word, unless a declared name ends in one after a proper name."""
    roles = [w in ROLE_WORDS for w in lowered]
    if not any(roles):
        return False
    # "TOI Lifestyle Desk", "Podium Staff": a named team; "Sr. Director of Operations" is not.
    named = any(not r and w not in _FILLER_WORDS for w, r in zip(lowered[:-1], roles, strict=False))
    return not (declared and roles[-1] and named and sum(roles) <= _MAX_TEAM_ROLE_WORDS)


def headline_bylines(texts: Sequence[str]) -> list[str]:
    """Short texts beside the headline that introduce a name ("By Jane Doe", "By" + a link)."""
    found = []
    for index, text in enumerate(texts):
        if _LEAD_IN_ALONE.match(text) and index + 1 < len(texts):
            text = f"{text} {texts[index + 1]}"
        if _LEAD_IN.match(text) and len(text.split()) <= MAX_HEADLINE_BYLINE_WORDS:
            found.append(text)
    return found


def headline_name(texts: Sequence[str]) -> str | None:
    """A bare name printed just under the headline, with a role or date beside it.

    Templates print "Jane Doe" / "Senior Editor" / "May 2, 2025" under the `<h1>` with no
    "By" and no markup naming a byline. A two- or three-word capitalised line is taken
    for a name only there, and only when a role or a date follows within a few lines (a
    subheading such as "Getting Started" has neither).
    """
    for index, text in enumerate(texts[:_NAME_LINES]):
        if not looks_like_person(text) or _UI_TEXT.search(text) or _POSSESSIVE.search(text):
            continue
        after = texts[index + 1 : index + 1 + _NAME_CONTEXT]
        if any(_is_role_or_date(line) for line in after):
            return text
    return None


def _is_role_or_date(line: str) -> bool:
    words = _WORDS.findall(line.lower())
    if _DATE_IN_LINE.search(line) and len(words) <= MAX_HEADLINE_BYLINE_WORDS:
        return True
    return len(words) <= _MAX_ROLE_LINE_WORDS and any(w in ROLE_WORDS for w in words)


def looks_like_person(name: str) -> bool:
    """Two or three capitalised words, none of them a brand or organisation word."""
    return _looks_like_person(name.split())


def _looks_like_person(words: list[str]) -> bool:
    """Two or three capitalised words, none of them a brand or organisation word."""
    if len(words) not in _PERSON_NAME_WORDS:
        return False
    if any(not w[:1].isupper() or (w.isupper() and len(w) > 1) for w in words):
        return False
    bare = (w.lower().rstrip(".,").removesuffix("'s").removesuffix("\u2019s") for w in words)
    return not any(w in _ORG_WORDS for w in bare)


def clean_authors(
    values: Iterable[str],
    site_names: Iterable[str],
    *,
    visible: bool = False,
    people: Iterable[str] = (),
) -> tuple[str, ...]:
    """Valid, de-duplicated names from raw byline values (`people`: declared Persons)."""
    sites = tuple(site_names)
    persons = {fold_name(p) for p in people}
    site_keys = {key for site in sites if (key := fold_name(site))}
    names: dict[str, str] = {}
    for value in values:
        # "By Clay": a one-word name is trusted in a visible byline only after a lead-in,
        # which names it as explicitly as structured data does.
        introduced = visible and bool(_LEAD_IN.match(value.strip()))
        strict = visible and not introduced
        for raw in split_byline(value, visible=visible):
            part = _without_site(raw, site_keys) if visible else raw
            person = fold_name(part) in persons
            named = {"person": person, "declared": not visible, "introduced": introduced}
            if is_plausible_name(part, sites, visible=strict, **named):
                names.setdefault(fold_name(part), _tidy_case(part))
    return tuple(names.values())


def _without_site(part: str, site_keys: set[str]) -> str:
    """A visible byline without the site's name printed after the author's ("Jane Doe USA
    TODAY"), as news templates set the outlet under the name."""
    words = part.split()
    for size in range(1, len(words) - 1):
        # A name ends in a capitalised word: "Trial Attorney at <Site>" is a role.
        if fold_name(" ".join(words[-size:])) in site_keys and words[-size - 1][:1].isupper():
            return " ".join(words[:-size])
    return part


# "(c) 2025 Jane Doe.", "Copyright 2019-2025 Jane Doe | All rights reserved": the holder
# named right after the sign and the years, ending the notice or its sentence.
_COPYRIGHT_HOLDER = re.compile(
    r"(?:\u00a9|\([cC]\)|(?i:copyright))\s*\u00a9?\s*"
    r"\d{4}(?:\s*[-\u2013]\s*\d{4})?,?\s*"
    r"(?!(?i:all\s+rights))(?P<name>[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){1,2})\.?\s*"
    r"(?:[,|]|(?i:all\s+rights)|$)"
)


# "Acme North America, Inc.": a legal form after the holder makes it a company.
_COMPANY_SUFFIX = re.compile(
    r"^[\s,]*(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|plc|ag|sa|pty|llp)\b", re.I
)


def copyright_holder(lines: Sequence[str], site_names: Sequence[str]) -> str | None:
    """A person named as copyright holder: on a personal blog with no byline markup the
    notice is where the author is named. Companies, and the site itself, are no author."""
    sites = [key for s in site_names if (key := fold_name(s))]
    for line in lines:
        found = _COPYRIGHT_HOLDER.search(line)
        if not found or not looks_like_person(name := found.group("name")):
            continue
        if _COMPANY_SUFFIX.match(line[found.end("name") :]):
            continue
        key = fold_name(name)
        if any(key in site or site in key for site in sites):
            continue
        if clean_authors([name], site_names, visible=True):
            return name
    return None


def as_printed(names: Sequence[str], texts: Sequence[str]) -> tuple[str, ...]:
    """Each name with the honorific the page prints before it by the headline ("Dr Jane
    Doe"): structured data often drops it, but readers and citations use the name as the
    byline shows it. Only "Dr" and "Prof" count: they are part of how a person is named,
    where "Mr" or "Ms" are not."""
    shown = " ".join(texts)
    result = []
    for name in names:
        found = re.search(rf"\b(?:Dr|Prof)\.?\s+{re.escape(name)}\b", shown) if name else None
        result.append(found.group(0) if found else name)
    return tuple(result)


def _tidy_case(name: str) -> str:
    """Title-case names written all in upper or lower case; keep mixed case and handles."""
    if name.isupper() or (name.islower() and " " in name):
        return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())
    return name
