"""Multilingual boilerplate cue phrases: what a line says when it is not article text.

Public API (stable; the HTML path reuses it on trafilatura's residue):

- `classify_boilerplate(line)` -> `(RemovedKind, reason)` when the line, on its own, is
  boilerplate by its wording (a short line made of a cue phrase), else `None`.
- `cue_kind(line)` -> the kind whose cue the line *mentions* (weaker; used as a model
  feature and to name what the model drops), else `None`.
- `split_glued(paragraph)` -> `GluedSplit`: boilerplate glued before or after real
  text ("AdvertisementThe new ...", "... end of prose. Sign up for our newsletter").

Cue lists cover English, German, French and Spanish, plus the commonest Italian,
Portuguese and Dutch phrases. No rule names a site or a brand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import repeat

from copydesk.extract.result import Removed, RemovedKind
from copydesk.extract.text_words import load_stopwords

# A line longer than this is prose, whatever words it contains.
MAX_CUE_WORDS = 30
# A "mentions" cue only decides on its own for lines at most this long.
MAX_MENTION_WORDS = 25
_WORD = re.compile(r"\w+")


def _alt(phrases: tuple[str, ...]) -> str:
    """A regex alternation of phrases; spaces match any whitespace run."""
    return "|".join(p.replace(" ?", r"\s*").replace(" ", r"\s+") for p in phrases)


# Whole-line cues: the line is nothing but the phrase (plus counters, arrows,
# punctuation), e.g. "Advertisement", "Share this article", "Read more »".
_LINE_CUES: tuple[tuple[RemovedKind, str, tuple[str, ...]], ...] = (
    (
        RemovedKind.ADVERTISEMENT,
        "advertisement marker",
        (
            "advertisement",
            "advertisements",
            "advertising",
            "ad",
            "ads",
            "sponsored",
            "sponsored content",
            "sponsored by .{1,40}",
            "paid content",
            "paid post",
            "promoted",
            "promoted content",
            "partner content",
            "skip advertisement",
            "story continues below advertisement",
            "article continues below( advertisement)?",
            "continue reading below",
            "content continues below",
            "scroll to continue",
            "anzeige",
            "werbung",
            "gesponsert",
            "publicité",
            "sponsorisé",
            "contenu sponsorisé",
            "publicidad",
            "anuncio",
            "patrocinado",
            "contenido patrocinado",
            "pubblicità",
            "publicidade",
            "advertentie",
        ),
    ),
    (
        RemovedKind.SHARE,
        "share buttons",
        (
            "share",
            "shares",
            "share this",
            "share this (article|story|post|page)",
            "share (on|via) .{1,20}",
            "tweet",
            "pin( it)?",
            "email",
            "e-mail",
            "print",
            "copy link",
            "link copied",
            "facebook",
            "twitter",
            "x",
            "linkedin",
            "whatsapp",
            "reddit",
            "pinterest",
            "telegram",
            "flipboard",
            "messenger",
            "bluesky",
            "gift (this )?article",
            "save( article)?",
            "teilen",
            "artikel teilen",
            "drucken",
            "link kopieren",
            "partager",
            "partager (cet|l')article",
            "imprimer",
            "compartir",
            "compartir en .{1,20}",
            "imprimir",
            "condividi",
            "partilhar",
            "delen",
        ),
    ),
    (
        RemovedKind.RELATED_LINKS,
        "related-links heading",
        (
            "related",
            "related (articles|stories|posts|content|news|topics|coverage)",
            "read more",
            "read more (about|on|from) .{1,40}",
            "read also",
            "also read",
            "see also",
            "more (stories|news|articles) (from|on|about) .{0,40}",
            "more from .{1,40}",
            "more on (this|that) (story|topic)",
            "you (may|might) also like",
            "you (may|might) be interested in",
            "recommended( for you)?",
            "most (read|popular|viewed)",
            "trending( now)?",
            "popular( posts| stories)?",
            "latest( news| stories| posts)?",
            "top stories",
            "editor'?s picks",
            "don'?t miss",
            "what to read next",
            "up next",
            "next article",
            "previous article",
            "next post",
            "previous post",
            "mehr zum thema",
            "lesen sie auch",
            "auch interessant",
            "weitere artikel",
            "das könnte sie auch interessieren",
            "meistgelesen",
            "à lire aussi",
            "lire aussi",
            "a lire aussi",
            "sur le même sujet",
            "lire la suite",
            "articles similaires",
            "les plus lus",
            "leer más",
            "lee también",
            "te puede interesar",
            "noticias relacionadas",
            "más leídas",
            "lo más leído",
            "artículos relacionados",
            "leggi anche",
            "leia também",
            "lees ook",
        ),
    ),
    (
        RemovedKind.NAVIGATION,
        "navigation item",
        (
            "home",
            "homepage",
            "menu",
            "main menu",
            "search",
            "search for:?",
            "close",
            "skip to (main )?content",
            "skip to navigation",
            "jump to content",
            "back to top",
            "go to top",
            "next",
            "previous",
            "prev",
            "older posts",
            "newer posts",
            "load more",
            "show more",
            "view all",
            "see all",
            "sign in",
            "log in",
            "login",
            "log out",
            "register",
            "my account",
            "toggle navigation",
            "open menu",
            "sections",
            "startseite",
            "suche",
            "suchen",
            "anmelden",
            "zum inhalt springen",
            "nach oben",
            "accueil",
            "rechercher",
            "recherche",
            "se connecter",
            "connexion",
            "aller au contenu",
            "inicio",
            "buscar",
            "búsqueda",
            "iniciar sesión",
            "ir al contenido",
            "cerca",
            "pesquisar",
            "zoeken",
        ),
    ),
    (
        RemovedKind.COMMENTS,
        "comment-section marker",
        (
            r"\d* ?comments?",
            r"\d* ?responses?( to .{1,80})?",
            r"\d* ?repl(y|ies)",
            "leave a (comment|reply)",
            "add (a )?comment",
            "post (a )?comment",
            "join the discussion",
            "join the conversation",
            "show comments",
            "view comments",
            "load comments",
            r"\d* ?kommentare?",
            "kommentieren",
            r"\d* ?commentaires?",
            "laisser un commentaire",
            "réagir",
            r"\d* ?comentarios?",
            "deja un comentario",
            "dejar un comentario",
            r"\d* ?commenti",
            "like",
            "likes",
            "like this:?",
            "like loading",
            r"\d+ likes?",
            "reply",
            "report",
            "upvote",
        ),
    ),
    (
        RemovedKind.FOOTER,
        "footer link",
        (
            "about( us)?",
            "contact( us)?",
            "imprint",
            "impressum",
            "privacy",
            "privacy policy",
            "terms( of (use|service))?",
            "terms and conditions",
            "terms & conditions",
            "cookie policy",
            "accessibility",
            "careers",
            "jobs",
            "advertise( with us)?",
            "sitemap",
            "site map",
            "rss",
            "help",
            "faq",
            "faqs",
            "datenschutz",
            "datenschutzerklärung",
            "nutzungsbedingungen",
            "kontakt",
            "agb",
            "mentions légales",
            "politique de confidentialité",
            "nous contacter",
            "aviso legal",
            "política de privacidad",
            "contacto",
            "quiénes somos",
        ),
    ),
)

# Cues that decide when mentioned anywhere in a short line.
_MENTION_CUES: tuple[tuple[RemovedKind, str, tuple[str, ...]], ...] = (
    (
        RemovedKind.COOKIE_NOTICE,
        "cookie or consent notice",
        (
            "cookies?",
            "cookie settings",
            "consent",
            "accept all",
            "reject all",
            "manage (your )?preferences",
            "datenschutzeinstellungen",
            "einwilligung",
            "alle akzeptieren",
            "nous utilisons des",
            "tout accepter",
            "utilizamos cookies",
            "aceptar todo",
            "aceptar todas",
        ),
    ),
    (
        RemovedKind.PAYWALL,
        "paywall or subscription wall",
        (
            "subscribe to (continue|read|keep)",
            "subscribers? only",
            "for subscribers",
            "already a (subscriber|member)",
            "become a (subscriber|member)",
            "free trial",
            "unlock (this|the|all|full|unlimited)",
            "to continue reading",
            "continue reading with",
            "this (article|content) is (only )?(available|reserved)",
            "paywall",
            "jetzt abonnieren",
            "abonnenten",
            "weiterlesen mit",
            "nur für abonnenten",
            "réservé aux abonnés",
            "abonnez-vous",
            "déjà abonné",
            "contenu réservé",
            "exclusivo para suscriptores",
            "ya eres suscriptor",
            "hazte socio",
        ),
    ),
    (
        RemovedKind.NEWSLETTER_PROMO,
        "newsletter sign-up",
        (
            "newsletters?",
            "sign up",
            "signup",
            "subscribe",
            "inbox",
            "e-?mail updates",
            "delivered to your",
            "straight to your",
            "get the latest",
            "stay (informed|up to date)",
            "enter your e-?mail",
            "your e-?mail address",
            "lettre d'information",
            "inscrivez-vous",
            "boîte (mail|de réception)",
            "abonnieren",
            "posteingang",
            "anmelden zum",
            "boletín",
            "suscríbete",
            "bandeja de entrada",
            "suscribirse",
            "recibe (las|nuestras)",
            "iscriviti",
            "inscreva-se",
            "aanmelden",
        ),
    ),
    (
        RemovedKind.FOOTER,
        "copyright notice",
        (
            "all rights reserved",
            r"copyright \d{4}",
            r"\(c\) \d{4}",
            "© ?\\d{4}",
            "alle rechte vorbehalten",
            "tous droits réservés",
            "todos los derechos reservados",
            "tutti i diritti riservati",
            "todos os direitos reservados",
            "powered by",
            "proudly powered",
        ),
    ),
    (
        RemovedKind.CAPTION,
        "photo credit",
        (
            r"(photo|image|picture|video|illustration|graphic)s? ?(credit)?:",
            r"(photo|image|picture)s? by",
            "getty images",
            "shutterstock",
            "istock",
            r"\(ap photo",
            "ap photo/",
            "afp via getty",
            "reuters/",
            "file photo",
            r"foto:",
            r"bild:",
            "fotos?:",
            "crédit photo",
            "photo ?:",
            "crédits? ?:",
            "imagen:",
            "fotografía:",
            r"\bfoto de\b",
            "©",
        ),
    ),
    (
        RemovedKind.SHARE,
        "social follow prompt",
        (
            "follow us( on)?",
            "share (this|on)",
            "like us on",
            "folgen sie uns",
            "suivez-nous",
            "síguenos",
            "seguici",
        ),
    ),
)

_TRIM = r"[\s\W_]*"


def _compile_line(cues: Iterable[tuple[int, tuple[str, ...]]]) -> re.Pattern[str]:
    """One whole-line pattern over (index in `_LINE_CUES`, phrases); the named group
    that matched tells the cue."""
    groups = "|".join(f"(?P<c{i}>{_alt(p)})" for i, p in cues)
    return re.compile(rf"{_TRIM}(?:{groups}){_TRIM}(?:\d+{_TRIM})?", re.I)


def _compile_mention(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(phrases)})(?!\w)", re.I)


@cache
def _all_stopwords() -> frozenset[str]:
    """Every language's stop words in one set: words too common to name a cue or a person."""
    return frozenset(word for words in load_stopwords().values() for word in words)


def _triggers() -> dict[str, frozenset[int]]:
    """Word -> the mention cues (by index) whose phrases contain it.

    A regex alternation costs tens of microseconds per line, so a mention pattern
    runs only when the line has one of its words (a set look-up)."""
    common = _all_stopwords()
    table: dict[str, set[int]] = {}
    for i, (_, _, phrases) in enumerate(_MENTION_CUES):
        for phrase in phrases:
            plain = _REGEX_ESCAPE.sub(" ", phrase.lower())
            variants = f"{plain} {_OPTIONAL_CHAR.sub('', plain)}"
            for word in _TRIGGER_WORD.findall(variants):
                if word not in common:
                    table.setdefault(word, set()).add(i)
    return {word: frozenset(kinds) for word, kinds in table.items()}


_TRIGGER_WORD = re.compile(r"[^\W\d_]{3,}")
_REGEX_ESCAPE = re.compile(r"\\[bBdswW]")
_OPTIONAL_CHAR = re.compile(r"\w\?")
_LINE_PATTERN = _compile_line((i, p) for i, (_, _, p) in enumerate(_LINE_CUES))


# A phrase that may open with a counter ("12 comments"): `\d*` or `\d+`, then a space.
_DIGIT_LEAD = re.compile(r"\\d[*+] \??")
# A phrase whose first character is a plain ASCII letter that is not optional.
_LETTER_START = re.compile(r"([a-z])(?![?*{])")
# The first character `_TRIM` cannot skip: a whole-line match's phrase starts here
# (or, for a counter phrase, in the whitespace just before).
_FIRST_ALNUM = re.compile(r"[\s\W_]*([^\W_])")


def _opening(phrase: str) -> tuple[bool, str | None]:
    """Whether `phrase` may open with digits, and the ASCII letter it otherwise opens
    with (`None` when unsure: a group, a class, an optional or non-ASCII letter)."""
    rest = phrase.lower()
    lead = _DIGIT_LEAD.match(rest)
    if lead:
        rest = rest[lead.end() :]
    start = _LETTER_START.match(rest)
    # A "|" outside parentheses would make the phrase two alternatives.
    depth = 0
    for char in rest:
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            return True, None
    return lead is not None, start.group(1) if start else None


def _line_buckets() -> dict[str, re.Pattern[str]]:
    """First alphanumeric character of a line -> the whole-line pattern keeping only the
    phrases that can start there, in their original order and group names.

    Under `re.I` `sre` cannot skip phrases by their first letter, so the full pattern
    tries all ~230 phrases on every short line; the bucket holds a dozen. `_TRIM`
    cannot skip a letter or digit, so a phrase opening with a letter can only start at
    the line's first one. Only ASCII letters and digits get a bucket (case folding of
    other characters is subtler); any other line uses the full pattern."""
    keys = "abcdefghijklmnopqrstuvwxyz0"
    buckets: dict[str, re.Pattern[str]] = {}
    for key in keys:
        keep = []
        for i, (_, _, phrases) in enumerate(_LINE_CUES):
            chosen = []
            for phrase in phrases:
                digits, letter = _opening(phrase)
                if letter is None or letter == key or (digits and key == "0"):
                    chosen.append(phrase)
            if chosen:
                keep.append((i, tuple(chosen)))
        pattern = _compile_line(keep)
        chars = "0123456789" if key == "0" else key + key.upper()
        buckets.update(dict.fromkeys(chars, pattern))
    return buckets


_LINE_BUCKETS = _line_buckets()


def line_pattern(line: str) -> re.Pattern[str]:
    """The whole-line cue pattern to try on `line`: its first letter's bucket, or the
    full pattern. Either gives the same match (same phrase, same group name)."""
    first = _FIRST_ALNUM.match(line)
    if first is None:
        return _LINE_PATTERN
    return _LINE_BUCKETS.get(first.group(1), _LINE_PATTERN)


_MENTION_PATTERNS = tuple((k, r, _compile_mention(p)) for k, r, p in _MENTION_CUES)


def case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` without IGNORECASE, for lower-cased ASCII text. On an ASCII line that
    pattern (all lower case but for its group syntax) matches the lower-cased line where
    the IGNORECASE one matches the line, and it finds it several times faster: `sre`
    tests a branch's first literal before entering the branch only without IGNORECASE,
    and a searched pattern is a few dozen branches tried at every position of the line."""
    text = _GROUP_SYNTAX.sub("", pattern.pattern)
    if text != text.lower():
        msg = f"a pattern has upper-case characters: {pattern.pattern!r}"
        raise ValueError(msg)
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


# The "P" of a named group or group reference, "(?P<name>...)", "(?P=name)".
_GROUP_SYNTAX = re.compile(r"(?<=\(\?)P(?=[<=])")
_MENTION_LOWER = tuple(case_sensitive(pattern) for _, _, pattern in _MENTION_PATTERNS)
_TRIGGERS = _triggers()
# Lines longer than this cannot be a whole-line cue ("Share this article" etc.).
MAX_LINE_CUE_WORDS = 12
_COPYRIGHT = "\u00a9"
_FOOTER_CUE = next(i for i, (k, _, _) in enumerate(_MENTION_CUES) if k is RemovedKind.FOOTER)
_BYLINE = re.compile(
    r"(?:by|von|par|por|di|door)\s+[A-ZÀ-Þ][\w'\u2019.-]+(?:\s+[A-ZÀ-Þ][\w'\u2019.-]+){0,3}"
    r"(?:\s*(?:,|and|und|et|y|&)\s*[A-ZÀ-Þ][\w'\u2019.-]+(?:\s+[A-ZÀ-Þ][\w'\u2019.-]+){0,3})*"
    r"(?:\s*[|,·•-]\s*.{0,60})?",
    re.I,
)
_BYLINE_HEAD = re.compile(r"(?:by|von|par|por|di|door)\s", re.I)
MAX_BYLINE_WORDS = 12


def classify_boilerplate(line: str) -> tuple[RemovedKind, str] | None:
    """The kind and reason when `line`'s wording alone makes it boilerplate."""
    stripped = line.strip()
    words = _WORD.findall(stripped.lower())
    if not words and not stripped:
        return None
    if len(words) > MAX_CUE_WORDS:
        return None
    if len(words) <= MAX_LINE_CUE_WORDS:
        whole = line_pattern(stripped).fullmatch(stripped)
        if whole and whole.lastgroup:
            kind, reason, _ = _LINE_CUES[int(whole.lastgroup[1:])]
            return kind, reason
        short = len(words) <= MAX_BYLINE_WORDS
        if short and _BYLINE_HEAD.match(stripped) and _BYLINE.fullmatch(stripped):
            return RemovedKind.BYLINE, "author byline"
    if len(words) > MAX_MENTION_WORDS:
        return None
    return _mention(stripped, words)


def _mention(line: str, words: list[str]) -> tuple[RemovedKind, str] | None:
    candidates: set[int] = set().union(*map(_TRIGGERS.get, words, repeat(())))
    if _COPYRIGHT in line:
        candidates.add(_FOOTER_CUE)
    if not candidates:
        return None
    # Most lines are ASCII: their lower-cased form meets the case-sensitive patterns.
    text, patterns = (line.lower(), _MENTION_LOWER) if line.isascii() else (line, None)
    for i in sorted(candidates):
        kind, reason, pattern = _MENTION_PATTERNS[i]
        if (pattern if patterns is None else patterns[i]).search(text):
            return kind, reason
    return None


def cue_kind(line: str) -> RemovedKind | None:
    """The boilerplate kind whose cue `line` mentions, whatever its length."""
    found = classify_boilerplate(line)
    if found is not None:
        return found[0]
    hit = _mention(line, _WORD.findall(line.lower()))
    return hit[0] if hit else None


@dataclass(frozen=True, slots=True)
class GluedSplit:
    """A paragraph cut into boilerplate before, the body, and boilerplate after."""

    before: tuple[Removed, ...]
    body: str
    after: tuple[Removed, ...]


# "AdvertisementThe new..." / "Anzeige Der ...": a marker glued to the next sentence,
# either with no space before a capital letter or followed by a separator.
_GLUED_MARKERS = (
    "advertisement",
    "advertisements",
    "sponsored content",
    "sponsored",
    "paid content",
    "skip advertisement",
    "story continues below advertisement",
    "anzeige",
    "werbung",
    "publicité",
    "publicidad",
    "pubblicità",
    "publicidade",
    "advertentie",
)
_GLUED_HEAD = re.compile(
    rf"\s*((?i:{_alt(_GLUED_MARKERS)}))(?:(?=[A-ZÀ-Þ\"\u201c\u2018'])|\s*[:|·•\u2014\u2013-]\s*|\s+(?=[A-ZÀ-Þ]))",
)
# The last sentence boundary of a paragraph, including glued ones ("...end.Sign up") that
# copy-paste produces: group "gap" starts there. The greedy `.*` runs to the end and backs
# off, so only the paragraph's tail is examined, not every sentence of a long paragraph.
_LAST_SENTENCE_END = re.compile(r"(?s:.*)(?<=[.!?…:”\"»)])(?P<gap>\s*)(?=[A-ZÀ-Þ¿¡\"“«])")
# A tail sentence longer than this is treated as prose, not a glued promo.
MAX_TAIL_WORDS = 20


def split_glued(paragraph: str) -> GluedSplit:
    """Cut a glued boilerplate marker off the start and cue sentences off the end."""
    before: list[Removed] = []
    body = paragraph.strip()
    head = _GLUED_HEAD.match(body)
    if head and head.end() < len(body):
        before.append(Removed(head.group(1), RemovedKind.ADVERTISEMENT, "advertisement marker"))
        body = body[head.end() :].strip()
    after: list[Removed] = []
    while True:
        cut = _split_tail(body)
        if cut is None:
            break
        body, removed = cut
        after.insert(0, removed)
    return GluedSplit(tuple(before), body, tuple(after))


# A glued tail that ends like a sentence is cut only when it opens with a call to act,
# so prose such as "He checked his inbox." stays in its paragraph.
_CALL_TO_ACT = re.compile(
    r"(?:sign up|subscribe|get|click|follow|join|register|download|read|share|tap|"
    r"melden sie sich|abonnieren|registrieren|folgen|inscrivez|abonnez|suivez|téléchargez|"
    r"suscríbete|regístrate|síguenos|descarga|únete|iscriviti|inscreva)\b",
    re.I,
)
_FINAL_STOP = re.compile(r"[.!?…]\W*$")


def _looks_like_promo(tail: str) -> bool:
    return not _FINAL_STOP.search(tail) or bool(_CALL_TO_ACT.match(tail))


def _split_tail(body: str) -> tuple[str, Removed] | None:
    """The paragraph without its last sentence, when that sentence is a cue."""
    last = _LAST_SENTENCE_END.match(body)
    if last is None:
        return None
    start = last.start("gap")
    tail = body[start:].strip()
    if len(_WORD.findall(tail)) > MAX_TAIL_WORDS:
        return None
    found = classify_boilerplate(tail)
    head = body[:start].strip()
    if found is None or not head or not _looks_like_promo(tail):
        return None
    return head, Removed(tail, found[0], f"{found[1]} glued to a paragraph")


# Cheap pre-checks for callers that scan many lines: `split_glued` can only change a
# line that starts with one of these prefixes or whose lower-cased end holds a stem.
GLUED_HEAD_PREFIXES = tuple(
    form for marker in _GLUED_MARKERS for form in (marker, marker.capitalize(), marker.upper())
)
GLUED_TAIL_STEMS = (
    "newsletter", "sign up", "subscri", "follow", "click", "read more", "abonn", "inscri",
    "suscr", "síguen", "boletín", "weiterlesen", "lire aussi", "leer más",
)  # fmt: skip

# A comment section's heading: "59 Comments on “...”", "Leave a Reply", "Comments (3)",
# "Post a Comment", "Kommentare", "Commentaires", "Comentarios", "Comments Filter:".
_COMMENT_HEAD = re.compile(
    r"^\d+\s+(?:reader\s+|leser)?(?:comments?|responses?|replies|thoughts|kommentare?"
    r"|commentaires?|comentarios?)\b"
    r"|^(?:reader\s+)?(?:comments?|responses|replies|discussion|kommentare|leserkommentare"
    r"|commentaires|comentarios|réactions)\s*(?:\(\d+\)|\d+)?\s*:?\s*$"
    r"|\b(?:leave|post|add|write|load|show|view|read|see|join)\b.{0,20}\b(?:comments?|reply"
    r"|discussion|conversation|kommentar\w*|commentaires?|comentarios?)\b"
    r"|\b(?:laisser|écrire|ajouter)\s+un\s+commentaire|\b(?:deja|dejar|escribe)\s+un\s+comentario"
    r"|\bkommentar\s+(?:schreiben|verfassen)|\bcomments?\s*(?:filter|policy|section)?\s*:",
    re.I,
)
COMMENT_STEMS = (
    "comment", "kommentar", "coment", "respons", "repl", "discussion", "réaction", "thoughts",
)  # fmt: skip

# A reader comment's author line, as comment templates print it: "Jane Doe says:",
# "jdoe wrote:", "Max Muster sagt:", "Jean a dit :", "Ana dice:".
# A pronoun before "says:" is an interview quote, not a comment author.
_COMMENT_AUTHOR = re.compile(
    r"^(?!(?:he|she|they|it|we|i|you|who|one|er|sie|es|il|elle|on|él|ella)\s)"
    r"[^\s.!?:][^.!?:]{0,50}?\s(?:says|said|wrote|sagt|schrieb|dit|écrit|dice|escribió)\s?:$",
    re.I,
)
COMMENT_AUTHOR_STEMS = (" says", " said", " wrote", " sagt", " schrieb", " dit", " écrit", " dice",
                        " escribió")  # fmt: skip


def is_comment_author(line: str) -> bool:
    """True for the author line that opens one reader comment ("Jane Doe says:")."""
    return _COMMENT_AUTHOR.match(line.strip()) is not None


MAX_COMMENT_HEAD_WORDS = 15


_COMMENT_HEAD_LOWER = case_sensitive(_COMMENT_HEAD)


def is_comment_heading(line: str) -> bool:
    """True for the heading that opens a reader-comment section."""
    if len(_WORD.findall(line)) > MAX_COMMENT_HEAD_WORDS:
        return False
    stripped = line.strip()
    if stripped.isascii():  # see `case_sensitive`
        return _COMMENT_HEAD_LOWER.search(stripped.lower()) is not None
    return _COMMENT_HEAD.search(stripped) is not None


# A related-links heading: "Related", "Read this next", "More from ...", "Lesen Sie auch",
# "À lire aussi", "Noticias relacionadas" (only the heading, not a sentence using it).
_RELATED_HEAD = re.compile(
    r"^(?:related(?:\s+\w+)?|read (?:this )?next|read more"
    r"|more (?:stories|articles|news|from|on|in)"
    r"\b.*|you (?:may|might) also (?:like|enjoy)|recommended(?: for you| reading| stories)?"
    r"|most (?:popular|read|viewed)|trending(?: now| stories)?"
    r"|latest (?:news|stories|posts|articles)"
    r"|top stories|what to read next|up next|don'?t miss|further reading|see also|keep reading"
    r"|lesen sie auch|mehr zum thema|das könnte sie auch interessieren|weitere artikel"
    r"|à lire aussi|lire aussi|sur le même sujet|articles similaires|leer más|te puede interesar"
    r"|noticias relacionadas|artículos relacionados|lo más leído)\s*:?$",
    re.I,
)
# How a related-links heading can start (lower-cased): a cheap `str.startswith` pre-check
# for `is_related_heading`, which only matches at the start of the line.
RELATED_PREFIXES = (
    "related", "read ", "more ", "you ", "recommended", "most ", "trending", "latest ",
    "top stories", "what to read next", "up next", "don", "further reading", "see also",
    "keep reading", "lesen sie auch", "mehr zum thema", "das könnte", "weitere artikel",
    "à lire aussi", "lire aussi", "sur le même sujet", "articles similaires", "leer más",
    "te puede interesar", "noticias relacionadas", "artículos relacionados", "lo más leído",
)  # fmt: skip


_SENTENCE_END = (".", "!", "?", "\u2026")


def is_related_heading(line: str) -> bool:
    """True for the heading of a related-links or more-stories block. A heading carries
    no sentence-final stop: "More on that in a later post." is a sentence of the article."""
    stripped = line.strip()
    return not stripped.endswith(_SENTENCE_END) and _RELATED_HEAD.match(stripped) is not None


# An "About ..." heading's opening, the pronouns of "About us" and its like, and an article
# before a name: the closing-section pattern and `about_confirmed` read them alike.
_ABOUT_OPENING = r"(?:(?:about|über|acerca\s+de|sobre)\s+|à\s+propos\s+d(?:e\s+|['\u2019]\s*))"
_ABOUT_PRONOUNS = r"(?:us|me|uns|mich|nous|moi|nosotros|mí)"
_ABOUT_ARTICLE = r"(?:(?:the|die|der|das|le|la|les|el|los|las)\s+)?"

# Headings of the sections that close a page after the article, cut with everything
# after them once most of the article lies above (like a related-links heading): lists of
# the site's recent posts, the author's bio box, the list of sources, the links to the
# previous and next post. Whole lines only (an optional colon or "by Name" after), never
# a sentence.
CLOSING_SECTIONS = ("recent", "bio", "sources", "postnav", "about")
_CLOSING_HEADS = tuple(
    re.compile(rf"(?:{pattern})\s*:?$", re.I)
    for pattern in (
        r"(?:recent(?:ly)?|latest|newest)\s+(?:posts|articles|stories|entries)(?:\s+(?:on|from|in|by)\b.*)?"
        r"|recently\s+by\b.*|more\s+by\s.*|more\s+related\s+(?:posts|articles|stories|reads)"
        r"|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy)\b.*"
        r"|(?:neueste|aktuelle|letzte)\s+(?:beiträge|artikel|einträge)|mehr\s+von\s.*|auch\s+interessant"
        r"|(?:articles|publications|billets)\s+récents|derniers\s+(?:articles|billets)"
        r"|du\s+même\s+auteur|vous\s+(?:aimerez|pourriez\s+aimer)\s+aussi"
        r"|(?:entradas|publicaciones|artículos)\s+recientes|últim[oa]s\s+(?:entradas|artículos|publicaciones)"
        r"|del\s+mismo\s+autor|también\s+te\s+puede\s+interesar",
        # The heading may be glued to the name under it ("About the AuthorJane Doe").
        r"(?:(?:about|meet)\s+the\s+authors?|über\s+(?:den\s+autor|die\s+autorin)"
        r"|zu[rm]\s+autor(?:in)?|à\s+propos\s+de\s+l['\u2019]auteur"
        r"|(?:sobre|acerca\s+de)\s+(?:el|la)\s+autora?)(?:\b|(?-i:(?=[A-ZÀ-Þ]))).*",
        r"(?:article\s+)?(?:sources|references|bibliography|citations|works\s+cited)"
        r"|quellen(?:angaben)?|literatur(?:verzeichnis)?|einzelnachweise|références|bibliographie"
        r"|fuentes|referencias|bibliografía",
        r"(?:[«\u2039←<]\s*)?(?:previous|next|older|newer)\s+(?:post|article|story|entry)\b.*"
        r"|(?:previous|next)\s*:.*|(?:vorheriger|nächster)\s+(?:beitrag|artikel)\b.*"
        r"|(?:article|billet)\s+(?:précédent|suivant)\b.*"
        r"|(?:entrada|publicación|artículo)\s+(?:anterior|siguiente)\b.*",
        # The site's or its publisher's blurb: "About Acme Media", "About the Acme
        # Institute", "About us", "Über uns", "À propos de Acme", "Acerca de nosotros" (a
        # name in capitals: "About filing your return" heads an article's section; a name
        # must also be confirmed by the line under it, `about_confirmed`).
        _ABOUT_OPENING
        + "(?:"
        + _ABOUT_PRONOUNS
        + "|"
        + _ABOUT_ARTICLE
        + r"(?-i:[A-ZÀ-Þ][\w.&'\u2019-]*)(?:\s+(?-i:[A-ZÀ-Þ][\w.&'\u2019-]*)){0,3})",
    )
)
# How such a heading can start (lower-cased; `str.startswith` pre-check).
CLOSING_PREFIXES = (
    "recent", "latest ", "newest ", "more by ", "more related", "you ", "neueste ", "aktuelle ",
    "letzte ", "mehr von ", "auch interessant", "articles récents", "publications récentes",
    "billets récents", "derniers ", "du même auteur", "vous ", "entradas ", "publicaciones ",
    "artículos ", "últim", "del mismo autor", "también ", "about the author", "meet the author",
    "über d", "zum autor", "zur autorin", "à propos de l", "sobre ", "acerca de ", "article ",
    "sources", "references", "bibliog", "citations", "works cited", "quellen", "literatur",
    "einzelnachweise", "références", "fuentes", "referencias", "previous", "next", "older ",
    "newer ", "«", "\u2039", "←", "<", "vorheriger ", "nächster ", "billet ", "entrada ",
    "publicación ", "about ", "über ", "à propos d", "acerca de ", "sobre ",
)  # fmt: skip


def closing_heading(line: str) -> str | None:
    """Which closing section (`CLOSING_SECTIONS`) `line` is the heading of, or None."""
    stripped = line.strip()
    if stripped.endswith(_SENTENCE_END):
        return None
    for name, pattern in zip(CLOSING_SECTIONS, _CLOSING_HEADS, strict=True):
        if pattern.match(stripped):
            return name
    return None


_ABOUT_NAME = re.compile(
    _ABOUT_OPENING + rf"(?:{_ABOUT_PRONOUNS}\s*:?$|{_ABOUT_ARTICLE}(?P<name>.+?)\s*:?$)", re.I
)
# A line under such a heading that is a menu item, not a sentence: this many words at most.
ABOUT_MENU_WORDS = 6


def about_confirmed(heading: str, below: str) -> bool:
    """Whether an "About ..." closing heading heads the site's blurb, not a section of the
    article ("About Filing Your Return", "About the Vaccine"): "About us" and its like
    always; "About <Name>" when the line under it is a short menu item (the footer's
    links) or opens with the name itself ("Acme Media is a..."). Over the dev set's
    articles, such headings in the last half were all outside the answers."""
    match = _ABOUT_NAME.match(heading.strip())
    if match is None or match.group("name") is None:
        return True
    below = below.strip()
    if below.startswith(match.group("name") + " "):
        return True
    return len(_WORD.findall(below)) <= ABOUT_MENU_WORDS and not below.endswith(_SENTENCE_END)


# The heading of an article's closing section ("Conclusion", "Final thoughts", "Fazit",
# "En résumé", "Conclusiones"), optionally numbered or in markdown bold: what follows it is
# still the article, however promotional its wording.
_CONCLUSION_HEAD = re.compile(
    r"(?:#{1,6}\s*)?(?:\*\*)?(?:\d{1,2}[.):]?\s+)?(?:[^:]{1,40}:\s+)?(?:"
    r"(?:in\s+)?conclusions?|summary|in summary|to sum up|final (?:thoughts|words|verdict)"
    r"|closing thoughts|concluding (?:thoughts|remarks)|wrapping up|(?:the )?bottom line"
    r"|key takeaways|takeaways"
    r"|fazit|zusammenfassung|schlussfolgerung(?:en)?|schlusswort|abschließende gedanken"
    r"|en résumé|résumé|pour conclure|en conclusion|le mot de la fin"
    r"|(?:en |para )?conclusi[oó]n(?:es)?|en resumen|resumen|para terminar|para concluir"
    r"|reflexiones finales|(?:mein|unser) fazit|zum schluss|pour résumer"
    r")(?:\s+(?:on|about|for|zu|zum|zur|sur|sobre)\s+[^.!?:]{1,40})?"  # "Fazit zum Test"
    r"(?:\*\*)?\s*[:.!]?\s*$",
    re.IGNORECASE,
)
CONCLUSION_MAX_CHARS = 60
# Every conclusion heading holds one of these words (lower-cased): a few substring scans
# over the candidate lines joined tell whether any is worth the full pattern (a regex
# alternation, with no literal prefix to jump to, costs far more per character).
_CONCLUSION_WORDS = (
    "conclu", "summar", "sum up", "final", "closing", "wrapping", "bottom line", "takeaway",
    "fazit", "zusammenfass", "schluss", "abschlie", "résum", "resumen", "para terminar",
    "mot de la fin",
)  # fmt: skip


def has_conclusion_word(text: str) -> bool:
    """Whether `text` holds a word every conclusion heading holds (a pre-check)."""
    low = text.lower()
    return any(word in low for word in _CONCLUSION_WORDS)


def is_conclusion_heading(line: str) -> bool:
    """True when `line` is the heading of an article's closing section ("Conclusion")."""
    return len(line) <= CONCLUSION_MAX_CHARS and _CONCLUSION_HEAD.match(line.strip()) is not None


# The opening of a writer's bio, as an author box prints it under the article: a name of
# one to three capitalised words (none a stop word, so "Das Projekt ist ein..." or "The
# city is a..." are not names) and "is a", "ist ein", "est un", "es una", "is Acme's"...
_BIO_OPENING = re.compile(
    r"\(?(?:(?:by|von|par|por)\s+)?(?P<name>(?:[A-ZÀ-Þ][\w'\u2019.-]*\s+){1,3})"
    r"(?:is|was|ist|war|est|était|es|era|fue)\s+"
    r"(?:an?|the|ein|eine|der|die|une?|le|la|el|una|[A-ZÀ-Þ][\w'\u2019-]*['\u2019]s)\s"
)


def is_bio_opening(line: str) -> bool:
    """True when `line` opens like a writer's bio ("Jane Doe is a freelance writer...")."""
    found = _BIO_OPENING.match(line.strip())
    if found is None:
        return False
    stop = _bio_stopwords()
    return not any(word.lower() in stop for word in found.group("name").split())


# The languages whose verbs `_BIO_OPENING` reads.
BIO_LANGUAGES = ("en", "de", "fr", "es")


@cache
def _bio_stopwords() -> frozenset[str]:
    """The stop words of `BIO_LANGUAGES`: a name holding one ("The city is a...", "Das
    Projekt ist ein...") is not a name. Every language's list would also rule out common
    surnames that are another language's stop word (Turkish "zaman", Indonesian "dan")."""
    table = load_stopwords()
    return frozenset(word for lang in BIO_LANGUAGES for word in table[lang])


# Call-to-action buttons copied as lines of their own ("Learn more", "Get a quote", "Buy on
# Amazon", "Mehr erfahren", "En savoir plus", "Más información"): whole lines only, after
# trimming punctuation and arrows. Only after scoring (the line model's cue list is apart).
CTA_LINES = frozenset(
    (
        "learn more", "learn more here", "find out more", "get started", "get started now",
        "get started for free", "get a quote", "get a free quote", "get your free quote",
        "request a quote", "request a demo", "book a demo", "get a demo", "schedule a demo",
        "read full review", "read the full review", "read review", "book now", "shop now",
        "buy now", "order now", "download now", "start now", "start free trial",
        "start your free trial", "try it free", "try for free", "try it for free", "try free",
        "get in touch", "contact sales", "talk to sales", "see pricing", "view pricing",
        "view plans", "see plans", "check price", "view deal",
        "see deal", "get deal", "claim offer",
        "mehr erfahren", "jetzt starten", "jetzt kaufen", "jetzt buchen", "jetzt bestellen",
        "kostenlos testen", "angebot anfordern", "zum angebot", "demo anfordern",
        "en savoir plus", "commencer", "acheter maintenant", "essayer gratuitement",
        "demander un devis", "voir l'offre", "réserver maintenant",
        "más información", "saber más", "comprar ahora", "empezar", "empieza ahora",
        "prueba gratis", "solicitar presupuesto", "ver oferta", "reservar ahora",
    )
)  # fmt: skip
_CTA_STORE = re.compile(r"(?:buy|shop|view|check price|see price)\s+(?:it\s+)?(?:on|at)\s+\w+")
_CTA_TRIM = " \t.,:;!?\u2026-\u2013\u2014|•·*#>\u00bb\u203a\u2192\u2794\u279c\u25b6\u25ba"
MAX_CTA_WORDS = 5


# What a web form prints around its fields: the form builders' stock messages and notes
# (EN/DE/FR/ES), whole lines only.
_FORM_LINE = re.compile(
    r"(?:this field is for validation purposes and should be left unchanged"
    r"|thank you!? your submission has been received|(?:oops!? )?something went wrong while "
    r"submitting the form|required fields are marked|fields marked with an? \* are required"
    r"|pflichtfelder sind mit \* markiert|mit \* markierte felder sind pflichtfelder"
    r"|les champs obligatoires sont indiqués avec|los campos obligatorios están marcados con)"
    r"[\s.!*:]*",
    re.I,
)
MAX_FORM_WORDS = 14


def is_form_line(line: str) -> bool:
    """True for a form builder's stock message ("This field is for validation purposes and
    should be left unchanged.", "Required fields are marked *")."""
    return _FORM_LINE.fullmatch(line.strip()) is not None


def is_cta_line(line: str) -> bool:
    """True for a call-to-action button copied as its own line ("Learn more →")."""
    key = " ".join(line.lower().strip(_CTA_TRIM).split())
    return key in CTA_LINES or _CTA_STORE.fullmatch(key) is not None


# The words a credit line opens with ("Photo: ...", "(Bild: ...)"): one list for the
# pattern (`is_credit_line`) and for the pipeline's prefix pre-check (`INLINE_PREFIXES`),
# so the two cannot drift apart.
CREDIT_LABELS = (
    "photo", "image", "picture", "video", "illustration", "graphic", "foto", "bild", "imagen",
    "fotografía",
)  # fmt: skip


def _case_forms(words: Iterable[str]) -> tuple[str, ...]:
    """Each word lower-cased, capitalised, title-cased and upper-cased."""
    forms = (str.lower, str.capitalize, str.title, str.upper)
    return tuple(sorted({form(word) for word in words for form in forms}))


# How a credit line, a call-to-action button, a form message or a table-of-contents
# heading can start, in every case form: a cheap `str.startswith` pre-check for
# `is_credit_line`, `is_cta_line`, `is_form_line` and `is_toc_heading`.
INLINE_PREFIXES = _case_forms(
    (
        *CREDIT_LABELS, *(f"({label}" for label in CREDIT_LABELS), "crédit", "(crédit",
        *{phrase.split()[0] + (" " if " " in phrase else "") for phrase in CTA_LINES},
        "buy ", "shop ", "view ", "check price ", "see price ",
        "this field", "thank you", "oops", "something", "required", "fields", "pflichtfelder",
        "mit", "les champs", "los campos",
        "table", "contents", "in this", "jump", "on this", "inhalt", "sommaire", "dans cet",
        "índice", "contenido", "tabla", "en este",
    )
)  # fmt: skip


# The heading of a table of contents ("Table of contents", "In this article", "Jump to:",
# "Inhaltsverzeichnis", "Sommaire", "Table des matières", "Índice", "Tabla de contenidos").
_TOC_HEAD = re.compile(
    r"(?:table\s+of\s+contents|contents|in\s+this\s+(?:article|post|guide)|jump\s+to"
    r"|on\s+this\s+page|inhaltsverzeichnis|inhalt|sommaire|table\s+des\s+matières"
    r"|dans\s+cet\s+article|índice|contenidos?|tabla\s+de\s+contenidos?"
    r"|en\s+este\s+artículo)\s*:?",
    re.I,
)


def is_toc_heading(line: str) -> bool:
    """True for the heading of a table of contents."""
    return _TOC_HEAD.fullmatch(line.strip()) is not None


# Of those, the words that also head an ordinary section of an article: "Inhalt" the plot
# of a German book or film review, "Contenido" what a Spanish post covers. They head a
# table of contents only when entries follow.
_TOC_SECTION_WORD = re.compile(r"(?:inhalt|contenidos?)\s*:?", re.I)


def is_toc_section_word(line: str) -> bool:
    """True for a table-of-contents heading that is also a plain section name."""
    return _TOC_SECTION_WORD.fullmatch(line.strip()) is not None


# A photo or media credit line as it sits between paragraphs: a label and a colon (or a
# "courtesy"/"credit"/"by" word) before the credited name: "Photo: Jane Doe", "Image
# credit: Agency", "Photo courtesy of the museum", "Foto: dpa", "Bildquelle: Archiv",
# "Crédit photo : AFP", "Imagen: EFE", "Fotografía de Ana Ruiz". Only after scoring: the line
# model's cue groups stay as they are.
_CREDIT_LINE = re.compile(
    rf"\(?(?:(?:{'|'.join(CREDIT_LABELS)})s?"
    r"(?:\s*(?:credits?|courtesy|source|quelle|nachweis))?\s*:"
    r"|(?:photo|image|picture)s?\s+(?:courtesy|credits?|by|via)\b"
    r"|bildquelle\s*:|crédits?(?:\s+photos?)?\s*:|(?:foto|fotografía)\s+(?:de|von|cortesía)\s)",
    re.I,
)
MAX_CREDIT_WORDS = 25


def is_credit_line(line: str) -> bool:
    """True for a photo or media credit line ("Photo: Jane Doe / Agency")."""
    stripped = line.strip()
    if _CREDIT_LINE.match(stripped) is None:
        return False
    return len(_WORD.findall(stripped)) <= MAX_CREDIT_WORDS


# A site's affiliate or sponsorship disclosure, printed above or below an article ("We may
# earn a commission from links on this page", "This post contains affiliate links",
# "Wir erhalten eine Provision", "liens d'affiliation", "recibimos una comisión"): the
# wording of the disclosure, said in the first person (a pronoun, or a Spanish verb form:
# the site speaks; an article about affiliate programmes describes them in the third).
# Measured over the dev set's articles: 26 lines on 19 sites outside the answers, one line
# inside one.
_DISCLOSURE = re.compile(
    r"affiliate[ -]links?|\b(?:earn|earns|earning|receive|get|make)\b[^.]{0,25}\bcommissions?\b"
    r"|\b(?:we|i|site|blog|publisher) (?:may|might|can|could|will) be compensated\b"
    r"|\bwe are compensated\b"
    r"|financial relationships? with"
    r"|partnerlinks?|werbelinks?|provisionslinks?"
    r"|(?:erhalten|bekommen|verdienen) wir [^.]{0,25}provision"
    r"|liens? (?:d['\u2019])?affiliation|liens? affiliés?"
    r"|(?:percevons|touchons|recevons|percevoir|toucher|recevoir|gagner|gagnons)"
    r" une (?:petite )?commission"
    r"|enlaces? (?:de )?afiliad[oa]s?"
    r"|(?:recibimos|recibir|ganamos|ganar|obtenemos|obtener|cobramos|cobrar)"
    r" una (?:pequeña )?comisión"
)
_FIRST_PERSON = re.compile(
    r"\b(?:we|i|us|our|my|wir|ich|uns|unser\w*|nous|je|notre|nos|nosotros|nuestr\w*|mis?"
    r"|recibimos|ganamos|obtenemos|cobramos)\b"
)
# A disclosure is a sentence or two: between these many tokens.
DISCLOSURE_TOKENS = (5, 80)
# Lower-cased stems one of which every disclosure holds, looked for in the lines' ends with
# the glued promo tails (`plaintext._split_glued`). Their first four bytes are
# rare in prose ("mmis", not "comm"): each place they occur is checked one by one.
DISCLOSURE_WORDS = ("ffili", "afiliad", "mmission", "nsated", "nerlink", "rbelink", "ovision")


def is_disclosure(line: str) -> bool:
    """True for a site's affiliate or sponsorship disclosure ("We may earn a commission
    from links on this page")."""
    low = line.lower()
    return _DISCLOSURE.search(low) is not None and _FIRST_PERSON.search(low) is not None


# A caption that ends in its photo credit ("...at the launch. Jane Doe/AFP via Getty
# Images", "...one of the reserve's lodges. Courtesy of the hotel.", "...(Foto: dpa)"):
# an agency's or stock library's name, a "courtesy of" note or a bracketed credit label at
# the line's very end. Measured over the dev set's articles: 54 lines on 8 sites outside
# the answers, none inside.
_CREDIT_TAIL = re.compile(
    r"(?:(?:via |/ ?|\(|, |; |\. )(?:getty images|shutterstock|istock(?:photo)?|unsplash"
    r"|pexels|adobe stock|alamy|picture alliance|afp|reuters|europa press)"
    r"|(?:(?:^|[.;,|/(] ?)courtesy(?: of)?|(?:^|[.;,|/(] ?)cortesía de"
    r"|\bmit freundlicher genehmigung (?:von|der|des)"
    r"|avec l['\u2019]aimable autorisation (?:de|du|des))\s[^.]{1,50}"
    r"|\((?:photo|foto|bild|imagen|fotografía|crédit photo)s?\s*:[^)]{1,50}\))\.?\)?\s*$"
)
# A captioned credit is one line of this many tokens.
CREDIT_TAIL_TOKENS = (6, 60)
# The end of a line the pattern reads, and lower-cased stems one of which it holds (as
# `DISCLOSURE_WORDS`, with rare first four bytes: "y images", not "getty").
CREDIT_TAIL_CHARS = 80
CREDIT_TAIL_WORDS = (
    "y images", "hutterstock", " istock", "/istock", "nsplash", "pexels", "alamy", " afp",
    "/afp", "(afp", "reuters", "pa press", "urtesy", "rtesía", "ehmigung", "aimable",
    "(photo", "(foto", "(bild", "(imagen", "(crédit",
)  # fmt: skip


def is_credit_tail(line: str) -> bool:
    """True for a caption ending in its photo credit ("... Jane Doe/AFP via Getty
    Images")."""
    return _CREDIT_TAIL.search(line[-CREDIT_TAIL_CHARS:].lower()) is not None


# What a sign-up or contact form prints under its button: "By submitting this form, you
# agree to our Privacy Policy", "By signing up, I agree to the Terms", "Mit dem Absenden
# stimmen Sie ... zu", "En soumettant ce formulaire, vous acceptez...", "Al enviar este
# formulario, aceptas...": an opening of that kind and a word of consent. Measured over the
# dev set's articles: 17 lines on 15 sites outside the answers, none inside.
CONSENT_OPENINGS = ("By ", "Mit ", "En ", "Al ")
_CONSENT_LINE = re.compile(
    r"(?:by\s+(?:submitting|clicking|signing\s+up|subscribing|providing|entering|completing"
    r"|continuing)|mit\s+(?:dem|der|ihrer|deiner)\s+(?:absenden|klick|anmeldung|eintragung)"
    r"|en\s+(?:soumettant|cliquant|vous\s+inscrivant|validant|poursuivant)"
    r"|al\s+(?:enviar|hacer\s+clic|suscribirte|registrarte|pulsar|continuar))\b"
    r".*\b(?:agree|authori[sz]e|consent|stimm|einverstanden|willig|accept|acept|autoris|autoriz)",
    re.I,
)
# Said to the reader or by them ("you agree", "I consent", "stimmen Sie zu", "vous
# acceptez", "aceptas"), not reported ("By continuing to pump, the company agreed...").
_ADDRESSED = re.compile(
    r"\b(?:you|your|i|vous|votre|vos|je|j['\u2019]|sie|ihre?|du|dein\w*|ich|tú|tu|tus|usted"
    r"|aceptas|acepto|autorizas|autorizo)\b",
    re.I,
)
MAX_CONSENT_WORDS = 60


def is_consent_line(line: str) -> bool:
    """True for a form's consent note ("By submitting this form, you agree to our Privacy
    Policy")."""
    stripped = line.strip()
    return _CONSENT_LINE.match(stripped) is not None and _ADDRESSED.search(stripped) is not None
