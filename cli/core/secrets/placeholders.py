"""Values that are already redacted: placeholders a recorder or a person put where a
secret was, which are never findings and which scrub leaves as they are.

Rules:
- Our own markers (`<REDACTED:kind>`), anywhere in the value.
- Redaction words, alone or with other plain words: `REDACTED`, `FILTERED`, `DUMMY`,
  `FAKE`, `PLACEHOLDER`, `MASKED`, `SCRUBBED`, `REMOVED`, `HIDDEN`, `OBFUSCATED`,
  `SANITIZED`, any case (`[FILTERED]`, `<redacted>`, `dummy-key`, `sk-DUMMY`); crewAI's
  `AUTHORIZATION-XXX` (a run of three or more x); a run of `*`. A value with a digit is
  never a placeholder: generated keys have digits, redaction words don't.
- An auth scheme word before it is allowed (`Bearer REDACTED`).
- Cookies (`a=REDACTED; b=REDACTED`, `__cf_bm=REDACTED; path=/; HttpOnly`): every cookie
  value must be a placeholder; cookie attributes (path, expires...) don't count.
"""

from __future__ import annotations

import re

from cli.core.secrets.key_formats import MARKER_PREFIX

WORDS = frozenset(
    {
        "redacted",
        "filtered",
        "dummy",
        "fake",
        "placeholder",
        "masked",
        "scrubbed",
        "removed",
        "hidden",
        "obfuscated",
        "sanitized",
    }
)
_SCHEMES = frozenset({"bearer", "basic", "token", "key"})
_COOKIE_ATTRIBUTES = frozenset(
    {"path", "expires", "domain", "max-age", "samesite", "secure", "httponly", "priority"}
)
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_STARS = re.compile(r"\*{3,}")
_XS = re.compile(r"[xX]{3,}")


def is_placeholder(value: str) -> bool:
    """Whether `value` is a redacted stand-in rather than a secret (see the rules)."""
    if MARKER_PREFIX in value:
        return True
    text = value.strip().strip("\"'")
    if not text or any(c.isdigit() for c in text):
        return False
    scheme, _, rest = text.partition(" ")
    if rest and scheme.lower() in _SCHEMES:
        text = rest.strip()
    if _STARS.fullmatch(text):
        return True
    words = _TOKEN.findall(text)
    return bool(words) and any(w.lower() in WORDS or _XS.fullmatch(w) for w in words)


def is_placeholder_cookie(value: str) -> bool:
    """Whether every cookie value in a `Cookie` or `Set-Cookie` value is a placeholder
    (a value without `name=` pairs is judged whole)."""
    values = [cookie for _, cookie in cookie_pairs(value)]
    if not values:
        return is_placeholder(value)
    return all(v and is_placeholder(v) for v in values)


def cookie_pairs(value: str) -> list[tuple[str, str]]:
    """The (name, value) cookies of a `Cookie` or `Set-Cookie` value, attributes
    (`path=/`, `HttpOnly`) left out."""
    pairs = []
    for part in value.split(";"):
        name, equals, cookie = part.strip().partition("=")
        if equals and name.strip().lower() not in _COOKIE_ATTRIBUTES:
            pairs.append((name.strip(), cookie.strip()))
    return pairs
