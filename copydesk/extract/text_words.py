"""Word lists the line features look up: stop words per language and cue words.

Stop words come from the shipped `stopwords.txt` (built by `bench/build_stopwords.py`
from jusText's BSD-2 lists, 26 languages). Cue words are token-level hints of
boilerplate, grouped by kind, in English, German, French, Spanish and a few more.
"""

from __future__ import annotations

from importlib import resources


def load_stopwords() -> dict[str, tuple[str, ...]]:
    """Language code -> its top stop words, from the packaged file."""
    text = resources.files("copydesk.extract").joinpath("stopwords.txt").read_text("utf-8")
    table: dict[str, tuple[str, ...]] = {}
    for row in text.splitlines():
        if row and not row.startswith("#"):
            code, words = row.split("\t", 1)
            table[code] = tuple(words.split())
    return table


# Whole short lines that are boilerplate, by group, after lower-casing and trimming
# digits, punctuation and arrows at both ends ("12 Comments" -> "comments").
# English, German, French, Spanish first, then a few common Italian/Portuguese/Dutch.
CUE_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ad", (
        "advertisement", "advertisements", "advertising", "ad", "ads", "sponsored",
        "sponsored content", "paid content", "paid post", "promoted", "partner content",
        "skip advertisement", "story continues below advertisement",
        "article continues below advertisement", "article continues below",
        "continue reading below", "scroll to continue", "anzeige", "werbung", "gesponsert",
        "publicité", "sponsorisé", "contenu sponsorisé", "publicidad", "anuncio", "patrocinado",
        "contenido patrocinado", "pubblicità", "publicidade", "advertentie",
    )),
    ("promo", (
        "newsletter", "sign up", "sign up now", "subscribe", "subscribe now", "subscribe today",
        "sign up for our newsletter", "subscribe to our newsletter", "get our newsletter",
        "join our newsletter", "unlock this article", "subscribe to continue reading",
        "already a subscriber? log in", "already a subscriber", "become a member",
        "start your free trial", "free trial", "newsletter abonnieren", "jetzt abonnieren",
        "abonnieren", "zum newsletter anmelden", "s'abonner", "abonnez-vous",
        "inscrivez-vous à notre newsletter", "s'inscrire à la newsletter", "suscríbete",
        "suscríbete a nuestro boletín", "suscribirse", "boletín", "iscriviti", "assine",
    )),
    ("share", (
        "share", "shares", "share this", "share this article", "share this story",
        "share this post", "share on facebook", "share on twitter", "share on x",
        "share on linkedin", "share via email", "tweet", "pin", "pin it", "email", "e-mail",
        "print", "copy link", "link copied", "facebook", "twitter", "x", "linkedin",
        "whatsapp", "reddit", "pinterest", "telegram", "flipboard", "messenger", "bluesky",
        "instagram", "youtube", "tiktok", "threads", "rss", "gift article", "save",
        "save article", "follow us", "teilen", "artikel teilen", "drucken", "link kopieren",
        "folgen sie uns", "partager", "partager cet article", "imprimer", "suivez-nous",
        "compartir", "imprimir", "síguenos", "condividi", "partilhar", "delen",
    )),
    ("nav", (
        "home", "homepage", "menu", "main menu", "search", "search for", "close", "skip to content",
        "skip to main content", "skip to navigation", "back to top", "next", "previous",
        "prev", "older posts", "newer posts", "load more", "show more", "view all", "see all",
        "sign in", "log in", "login", "log out", "register", "my account", "sections",
        "related", "related articles", "related stories", "related posts", "related content",
        "read more", "read also", "also read", "see also", "you may also like",
        "you might also like", "recommended", "recommended for you", "most read",
        "most popular", "most viewed", "trending", "trending now", "popular", "popular posts",
        "latest", "latest news", "latest stories", "top stories", "editor's picks",
        "don't miss", "up next", "next article", "previous article", "next post",
        "previous post", "tags", "categories", "topics", "more", "more stories", "more news",
        "startseite", "suche", "suchen", "anmelden", "zum inhalt springen", "nach oben",
        "mehr zum thema", "lesen sie auch", "auch interessant", "weitere artikel",
        "das könnte sie auch interessieren", "meistgelesen", "accueil", "rechercher",
        "recherche", "se connecter", "connexion", "aller au contenu", "à lire aussi",
        "lire aussi", "a lire aussi", "sur le même sujet", "lire la suite",
        "articles similaires", "les plus lus", "inicio", "buscar", "búsqueda",
        "iniciar sesión", "ir al contenido", "leer más", "lee también", "te puede interesar",
        "noticias relacionadas", "más leídas", "lo más leído", "artículos relacionados",
        "leggi anche", "leia também", "lees ook", "cerca", "pesquisar", "zoeken",
    )),
    ("comments", (
        "comment", "comments", "response", "responses", "reply", "replies", "leave a comment",
        "leave a reply", "add a comment", "add comment", "post a comment", "post comment",
        "join the discussion", "join the conversation", "show comments", "view comments",
        "load comments", "like", "likes", "report", "upvote", "cancel reply",
        "kommentar", "kommentare", "kommentieren", "antworten", "commentaire",
        "commentaires", "laisser un commentaire", "réagir", "répondre", "comentario",
        "comentarios", "deja un comentario", "dejar un comentario", "responder", "commenti",
    )),
    ("legal", (
        "about", "about us", "contact", "contact us", "imprint", "impressum", "privacy",
        "privacy policy", "terms", "terms of use", "terms of service", "terms and conditions",
        "cookie policy", "cookie settings", "cookies", "manage cookies", "accept all",
        "reject all", "accept", "accessibility", "careers", "jobs", "advertise",
        "advertise with us", "sitemap", "site map", "help", "faq", "faqs", "all rights reserved",
        "datenschutz", "datenschutzerklärung", "nutzungsbedingungen", "kontakt", "agb",
        "alle akzeptieren", "alle rechte vorbehalten", "mentions légales",
        "politique de confidentialité", "nous contacter", "tout accepter",
        "tous droits réservés", "aviso legal", "política de privacidad", "contacto",
        "quiénes somos", "aceptar todo", "todos los derechos reservados",
    )),
    ("caption", (
        "photo", "photos", "image", "images", "getty images", "reuters", "afp", "ap",
        "file photo", "illustration", "photograph", "video", "watch", "gallery", "foto",
        "fotos", "bild", "bilder", "crédit photo", "imagen", "galería", "galerie",
    )),
)  # fmt: skip
