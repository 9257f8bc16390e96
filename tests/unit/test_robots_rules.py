"""robots.txt verdicts (RFC 9309 status handling) and crawl delays."""

from __future__ import annotations

import pytest

from services.worker.robots import RobotsRules, Verdict, agent_token, robots_url

BODY = """
User-agent: *
Disallow: /private/
Crawl-delay: 3

User-agent: copydesk
Disallow: /no-copydesk/
"""


@pytest.mark.parametrize(
    ("status", "body", "url", "agent", "verdict"),
    [
        (200, BODY, "http://h/articles/1", "somebot", Verdict.ALLOWED),
        (200, BODY, "http://h/private/x", "somebot", Verdict.DISALLOWED),
        (200, BODY, "http://h/no-copydesk/x", "copydesk", Verdict.DISALLOWED),
        (200, BODY, "http://h/private/x", "copydesk", Verdict.ALLOWED),  # own group wins
        (404, "", "http://h/private/x", "copydesk", Verdict.ALLOWED),
        (403, "", "http://h/anything", "copydesk", Verdict.ALLOWED),
        (503, "", "http://h/anything", "copydesk", Verdict.TRY_LATER),
        (0, "", "http://h/anything", "copydesk", Verdict.TRY_LATER),
    ],
)
def test_verdict(status: int, body: str, url: str, agent: str, verdict: Verdict) -> None:
    assert RobotsRules(status, body).verdict(url, agent) is verdict


def test_crawl_delay() -> None:
    assert RobotsRules(200, BODY).crawl_delay("somebot") == 3.0
    assert RobotsRules(404, "").crawl_delay("somebot") is None


def test_helpers() -> None:
    assert robots_url("https://Ex.com:8443/a/b?c=1") == "https://Ex.com:8443/robots.txt"
    assert agent_token("copydesk/0.1 (+https://x)") == "copydesk"
