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
from dataclasses import dataclass

from copydesk.extract.result import Removed, RemovedKind

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


def _compile_line(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"{_TRIM}(?:{_alt(phrases)}){_TRIM}(?:\d+{_TRIM})?", re.I)


def _compile_mention(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(phrases)})(?!\w)", re.I)


_LINE_PATTERNS = tuple((k, r, _compile_line(p)) for k, r, p in _LINE_CUES)
_MENTION_PATTERNS = tuple((k, r, _compile_mention(p)) for k, r, p in _MENTION_CUES)
# Captions by structure of the credit: "(Photo: Jane Doe/Agency)" style tails.
_BYLINE = re.compile(
    r"(?:by|von|par|por|di|door)\s+[A-ZÀ-Þ][\w'\u2019.-]+(?:\s+[A-ZÀ-Þ][\w'\u2019.-]+){0,3}"
    r"(?:\s*(?:,|and|und|et|y|&)\s*[A-ZÀ-Þ][\w'\u2019.-]+(?:\s+[A-ZÀ-Þ][\w'\u2019.-]+){0,3})*"
    r"(?:\s*[|,·•-]\s*.{0,60})?",
    re.I,
)
_BYLINE_HEAD = re.compile(r"(?:by|von|par|por|di|door)\s", re.I)


def classify_boilerplate(line: str) -> tuple[RemovedKind, str] | None:
    """The kind and reason when `line`'s wording alone makes it boilerplate."""
    stripped = line.strip()
    if not stripped:
        return None
    words = len(_WORD.findall(stripped))
    if words > MAX_CUE_WORDS:
        return None
    for kind, reason, pattern in _LINE_PATTERNS:
        if pattern.fullmatch(stripped):
            return kind, reason
    if _BYLINE_HEAD.match(stripped) and _BYLINE.fullmatch(stripped) and words <= 12:
        return RemovedKind.BYLINE, "author byline"
    if words > MAX_MENTION_WORDS:
        return None
    return _mention(stripped)


def _mention(line: str) -> tuple[RemovedKind, str] | None:
    for kind, reason, pattern in _MENTION_PATTERNS:
        if pattern.search(line):
            return kind, reason
    return None


def cue_kind(line: str) -> RemovedKind | None:
    """The boilerplate kind whose cue `line` mentions, whatever its length."""
    found = classify_boilerplate(line)
    if found is not None:
        return found[0]
    hit = _mention(line)
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
    rf"\s*({_alt(_GLUED_MARKERS)})(?:(?=[A-ZÀ-Þ\"\u201c\u2018'])|\s*[:|·•\u2014\u2013-]\s*|\s+(?=[A-ZÀ-Þ]))",
    re.I,
)
# Sentence boundaries, including glued ones ("...end.Sign up") that copy-paste produces.
_SENTENCE_END = re.compile(r"(?<=[.!?…:”\"»)])\s*(?=[A-ZÀ-Þ¿¡\"“«])")
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
    bounds = [m.start() for m in _SENTENCE_END.finditer(body) if 0 < m.start() < len(body)]
    if not bounds:
        return None
    start = bounds[-1]
    tail = body[start:].strip()
    if len(_WORD.findall(tail)) > MAX_TAIL_WORDS:
        return None
    found = classify_boilerplate(tail)
    head = body[:start].strip()
    if found is None or not head or not _looks_like_promo(tail):
        return None
    return head, Removed(tail, found[0], f"{found[1]} glued to a paragraph")
