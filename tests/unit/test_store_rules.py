"""The pure parts of storing: page identity, cluster choice, signature encoding."""

from __future__ import annotations

import pytest

from copydesk.extract.fingerprint import minhash, signature_bytes, signature_from_bytes
from copydesk.queries import Candidate
from copydesk.store import choose_cluster, page_key

BODY = " ".join(f"word{i}" for i in range(300))


@pytest.mark.parametrize(
    ("source", "final", "canonical", "expected"),
    [
        (None, None, None, None),
        (None, None, "https://a.example/x", None),  # pasted HTML: unverifiable canonical
        ("https://A.example/x?utm_source=feed", None, None, "https://a.example/x"),
        ("https://a.example/old", "https://a.example/new", None, "https://a.example/new"),
        ("https://a.example/x?id=1", None, "https://a.example/story", "https://a.example/story"),
        ("https://www.a.example/x", None, "https://a.example/story", "https://a.example/story"),
        ("https://b.example/copy", None, "https://a.example/story", "https://b.example/copy"),
        ("https://a.example/x", None, "javascript:alert(1)", "https://a.example/x"),
        ("ftp://a.example/x", None, None, None),
        # Every page naming the home page as its canonical: a template error, not identity.
        ("https://a.example/story-1", None, "https://a.example/", "https://a.example/story-1"),
        ("https://a.example/?p=7", None, "https://www.a.example", "https://a.example/?p=7"),
        ("https://a.example/?utm_source=x", None, "https://a.example/", "https://a.example/"),
        ("https://a.example/story", None, "https://a.example/story/", "https://a.example/story/"),
    ],
)
def test_page_key(
    source: str | None, final: str | None, canonical: str | None, expected: str | None
) -> None:
    assert page_key(source, final, canonical) == expected


def _candidate(doc_id: int, cluster: int, text: str) -> Candidate:
    return Candidate(doc_id, cluster, signature_bytes(minhash(text)))


def test_choose_cluster() -> None:
    near = BODY.replace("word10 ", "edited ")
    far = " ".join(f"other{i}" for i in range(300))
    sig = minhash(BODY)
    assert choose_cluster(sig, []) is None
    assert choose_cluster(sig, [_candidate(1, 5, far)]) is None
    assert choose_cluster(sig, [_candidate(1, 5, far), _candidate(2, 7, near)]) == 7
    # The closest wins; an exact tie goes to the older document.
    assert choose_cluster(sig, [_candidate(3, 9, near), _candidate(4, 8, BODY)]) == 8
    assert choose_cluster(sig, [_candidate(4, 8, near), _candidate(3, 9, near)]) == 9
    # A revised document stays in its cluster while it is still near one of its members.
    assert choose_cluster(sig, [_candidate(4, 8, BODY), _candidate(3, 9, near)], current=9) == 9


def test_texts_without_words_are_near_nothing() -> None:
    # Emoji-only or punctuation-only bodies all get one signature; unrelated ones must not
    # form one cluster.
    wordless = minhash("\U0001f600\U0001f600 !!! \u2728")
    assert choose_cluster(wordless, [_candidate(1, 5, "\U0001f389 --- ???")]) is None
    assert choose_cluster(wordless, [_candidate(1, 5, BODY)], current=5) is None
    assert choose_cluster(minhash(BODY), [_candidate(1, 5, "*** ...")]) is None


def test_signature_bytes_round_trip() -> None:
    sig = minhash(BODY)
    data = signature_bytes(sig)
    assert len(data) == 512
    assert (signature_from_bytes(data) == sig).all()
