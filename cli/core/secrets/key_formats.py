"""The curated table of provider key formats that the secret detector scans bodies with.

Rules:
- Each format has a stable `kind`, used in redaction markers (`<REDACTED:openai-key>`),
  reports and tests. Prefixes, lengths and character sets are tight, and every key must
  start at a boundary, so that prose (`ask-questions`, `sk-learn`) and base64 data
  (`data:image/png;base64,...`) do not match. A base64 blob has no character before an
  inner run that could serve as a boundary, because the boundary excludes the whole
  base64 alphabet.
- Every match starts with one of its format's literals (`starts`), so that the scanner
  finds candidates with `str.find` and runs a regex only there. An optional `check` on
  the match rules out what a regex can't (a key holds a random run; `Basic` credentials
  decode to `user:password`). A check never asks a key with a known prefix for a digit:
  a generated key may be all letters.
- A kind may have several rows (the specific prefix first); the first that matches at a
  place wins.
- The context formats (`Bearer <token>`, `Basic <user:pass>`, the `<SecretAccessKey>` and
  `<SessionToken>` of an AWS STS XML answer) report only the credential (their group 1),
  keeping the words around it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass

MARKER_PREFIX = "<REDACTED:"
MARKER_PATTERN = re.compile(r"<REDACTED:[A-Za-z0-9_.-]*>")


def marker(kind: str) -> str:
    """The text that replaces a secret of `kind`."""
    return f"{MARKER_PREFIX}{kind}>"


@dataclass(frozen=True)
class KeyFormat:
    """One row of the table: a kind, its regex, an optional check on the match, and the
    literals every match starts with (`starts`), by which the scanner finds candidates."""

    kind: str
    pattern: str
    description: str
    check: Callable[[str], bool] | None = None
    starts: tuple[str, ...] = ()


# Boundaries. A key must not be preceded by a character that could continue a key or a
# base64 run (so an `AKIA...` inside image data is not a key), and must not run on. The
# check before the key is written after its literal prefix, as a lookbehind over the prefix
# (`_after(n)`), so that every pattern starts with a literal (`starts`): the scanner finds
# those with `str.find`, at C speed, and runs a format's regex only where one stands.
_E = r"(?![A-Za-z0-9_-])"


def _after(prefix_length: int) -> str:
    return rf"(?<![A-Za-z0-9+/_-].{{{prefix_length}}})"


_LONG_RUN = 32  # no word of prose is this long; a generated key's run often is


def _random_run(min_length: int) -> Callable[[str], bool]:
    """A check that the key holds a random-looking run of `min_length`+ alphanumerics: one
    with a digit and a letter, or both cases, or one of 32+ characters. True of generated
    keys, all-letter ones included (a known prefix never needs a digit); false of
    hyphenated words (`sk-learn-...`, `sk-internationalization-...`)."""
    run = rf"[A-Za-z0-9]{{{min_length},}}"  # compiled on first use (re caches it): not at import

    def check(value: str) -> bool:
        return any(_looks_random(part) for part in re.findall(run, value))

    return check


def _looks_random(run: str) -> bool:
    if len(run) >= _LONG_RUN:
        return True
    letters = [c for c in run if c.isalpha()]
    if len(letters) < len(run):  # a digit: a letter too?
        return bool(letters)
    return any(c.isupper() for c in run) and any(c.islower() for c in run)


def _mixed_case(value: str) -> bool:
    body = value.split("_", 1)[-1]
    return any(c.isupper() for c in body) and any(c.islower() for c in body)


def has_digit_and_letter(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _basic_credentials(value: str) -> bool:
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded and all(32 <= byte < 127 for byte in decoded)


# The curated table. Order matters only where two formats match the same text at the same
# place (`sk-ant-` before `sk-`); the more specific format comes first.
KEY_FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat(
        "anthropic-key",
        r"sk-ant-" + _after(7) + r"[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{20,}" + _E,
        "Anthropic API/admin key (sk-ant-api03-, sk-ant-admin01-)",
        starts=("sk-",),
    ),
    KeyFormat(
        "openrouter-key",
        r"sk-or-v1-" + _after(9) + r"[a-f0-9]{64}" + _E,
        "OpenRouter key (sk-or-v1- + 64 hex)",
        starts=("sk-",),
    ),
    KeyFormat(  # a project, service-account or admin key: the prefix says it all
        "openai-key",
        r"sk-" + _after(3) + r"(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}" + _E,
        "OpenAI project, service-account or admin key (sk-proj-, sk-svcacct-, sk-admin-)",
        starts=("sk-",),
    ),
    KeyFormat(
        "openai-key",
        r"sk-" + _after(3) + r"(?!ant-|or-v1-)[A-Za-z0-9_-]{20,}" + _E,
        "OpenAI key (sk-) or an sk- compatible key (DeepSeek, Moonshot...)",
        _random_run(16),
        starts=("sk-",),
    ),
    KeyFormat(
        "google-api-key",
        r"AIza" + _after(4) + r"[0-9A-Za-z_-]{35}" + _E,
        "Google / Gemini API key (AIza, 39 characters)",
        starts=("AIza",),
    ),
    KeyFormat(
        "aws-access-key-id",
        r"(?:AKIA|ASIA)" + _after(4) + r"[A-Z0-9]{16}" + _E,
        "AWS access key id (AKIA long-term, ASIA temporary)",
        starts=("AKIA", "ASIA"),
    ),
    KeyFormat(
        "github-pat",
        r"github_pat_" + _after(11) + r"[A-Za-z0-9_]{22,}" + _E,
        "GitHub fine-grained personal access token",
        _random_run(8),
        starts=("github_pat_",),
    ),
    KeyFormat(
        "github-token",
        r"gh[pousr]_" + _after(4) + r"[A-Za-z0-9]{36,}" + _E,
        "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_)",
        starts=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    ),
    KeyFormat(
        "slack-token",
        r"xox[abposr]-" + _after(5) + r"[0-9]+-[A-Za-z0-9-]{8,}" + _E,
        "Slack token (xoxb-, xoxp-, xoxa-, ...)",
        starts=("xox",),
    ),
    KeyFormat(
        "slack-webhook",
        r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}",
        "Slack incoming-webhook URL",
        starts=("https://hooks.slack.com/",),
    ),
    KeyFormat(
        "huggingface-token",
        r"hf_" + _after(3) + r"[A-Za-z]{34,}" + _E,
        "Hugging Face token (hf_ + 34 letters)",
        _mixed_case,
        starts=("hf_",),
    ),
    KeyFormat(
        "groq-key",
        r"gsk_" + _after(4) + r"[A-Za-z0-9]{52}" + _E,
        "Groq API key (gsk_ + 52)",
        starts=("gsk_",),
    ),
    KeyFormat(
        "databricks-token",
        r"dapi" + _after(4) + r"[a-f0-9]{32}(?:-[0-9]+)?" + _E,
        "Databricks personal access token (dapi + 32 hex)",
        starts=("dapi",),
    ),
    KeyFormat(
        "tavily-key",
        r"tvly-" + _after(5) + r"(?:dev-|prod-)?[A-Za-z0-9]{20,}" + _E,
        "Tavily search API key",
        _random_run(16),
        starts=("tvly-",),
    ),
    KeyFormat(
        "nvidia-key",
        r"nvapi-" + _after(6) + r"[A-Za-z0-9_-]{40,}" + _E,
        "NVIDIA API key (nvapi-)",
        _random_run(12),
        starts=("nvapi-",),
    ),
    KeyFormat(
        "xai-key",
        r"xai-" + _after(4) + r"[A-Za-z0-9]{60,}" + _E,
        "xAI API key (xai-)",
        _random_run(16),
        starts=("xai-",),
    ),
    KeyFormat(
        "perplexity-key",
        r"pplx-" + _after(5) + r"[A-Za-z0-9]{40,}" + _E,
        "Perplexity API key (pplx-)",
        _random_run(16),
        starts=("pplx-",),
    ),
    KeyFormat(
        "replicate-token",
        r"r8_" + _after(3) + r"[A-Za-z0-9]{37}" + _E,
        "Replicate API token (r8_)",
        _random_run(16),
        starts=("r8_",),
    ),
    KeyFormat(
        "jwt",
        r"eyJ" + _after(3) + r"[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}" + _E,
        "JSON Web Token (three base64url parts; header and claims are JSON objects: eyJ)",
        starts=("eyJ",),
    ),
    KeyFormat(
        "private-key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)",
        "PEM/PGP private key block (to its END line, or the end of the text)",
        starts=("-----BEGIN ",),
    ),
)

# Formats found by context, not prefix: only the credential (group 1) is a secret.
CONTEXT_FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat(
        "bearer-token",
        r"(?:[Bb]earer|BEARER)(?<![A-Za-z0-9].{6})[ \t]+"
        r"([A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])",
        "Bearer <token> (token of 16+ token characters)",
        has_digit_and_letter,
        starts=("Bearer", "bearer", "BEARER"),
    ),
    KeyFormat(  # AWS STS responses (AssumeRole, GetSessionToken...) and their XML kin
        "aws-secret-access-key",
        r"<SecretAccessKey>\s*([A-Za-z0-9/+=]{30,})\s*</SecretAccessKey>",
        "AWS secret access key in STS XML (<SecretAccessKey>)",
        starts=("<SecretAccessKey>",),
    ),
    KeyFormat(
        "aws-session-token",
        r"<SessionToken>\s*([A-Za-z0-9/+=]{16,})\s*</SessionToken>",
        "AWS session token in STS XML (<SessionToken>)",
        starts=("<SessionToken>",),
    ),
    KeyFormat(
        "basic-auth",
        r"(?:Basic|BASIC)(?<![A-Za-z0-9].{5})[ \t]+([A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])",
        "Basic <base64 user:password>",
        _basic_credentials,
        starts=("Basic", "BASIC"),
    ),
)
