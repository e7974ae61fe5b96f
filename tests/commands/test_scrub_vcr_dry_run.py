"""`scrub --dry-run` on a VCR cassette shows the YAML diff with every secret masked, also a
secret that a double-quoted scalar folds over two lines (`...sk-proj-Ab\\` then `cD...`)."""

from __future__ import annotations

import random
import string
from pathlib import Path

from tests.commands.helpers import run

_rng = random.Random(7)
KEY = "sk-proj-" + "".join(_rng.choice(string.ascii_letters + string.digits) for _ in range(42))
HALF = 20

CASSETTE = f"""\
interactions:
- request:
    body: null
    headers: {{}}
    method: GET
    uri: https://api.example.test/v1/answer
  response:
    body:
      string: "{{\\"text\\": \\"the key is {KEY[:HALF]}\\
        {KEY[HALF:]} and that is all\\"}}"
    headers:
      Content-Type:
      - application/json
    status:
      code: 200
      message: OK
version: 1
"""


def test_a_folded_secret_is_masked_in_the_diff(tmp_path: Path) -> None:
    path = tmp_path / "folded.yaml"
    path.write_text(CASSETTE)
    assert run("validate", path, "--select", "K003").exit_code == 1  # found whole, decoded
    result = run("scrub", path, "--dry-run")
    assert result.exit_code == 0, result.stderr
    diff = result.stdout
    assert "-      string:" in diff and "<REDACTED:openai-key>" in diff
    shown = [KEY[i : i + 9] for i in range(len(KEY) - 8) if KEY[i : i + 9] in diff]
    assert shown == [], diff  # no 9 characters of it in a row, on any line
    assert "sk-p…" in diff  # the mask, where the secret started
    assert path.read_text() == CASSETTE  # a dry run writes nothing
