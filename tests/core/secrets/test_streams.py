"""The quick test for keys a stream splits over its chunks (`may_split`): it may say yes
for nothing, but never no where `split_secrets` finds something."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cli.core.secrets import may_split, split_secrets

KEYS = [
    "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
    "AKIA" + "IOSFODNN7EXAMPLE",
    "AIza" + "SyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
    "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6",
    "github_pat_" + "11ABCDEFG0123456789_abcdefXYZ",
    "xoxb-" + "1234567890-abcdefghIJKL",
    "Bearer abcdefgh12345678ijkl",
    "Basic dXNlcjpwYXNzd29yZA==",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----",
    "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>",
]
WORDS = ["", " ", "the", " key", " is", "s", "k", "-", "ask-", "\n", "x", "hello world", "g"]


@st.composite
def streams(draw: st.DrawFn) -> list[str]:
    """A key cut into pieces at random places, among words, in one stream."""
    key = draw(st.sampled_from(KEYS))
    cuts = sorted(draw(st.sets(st.integers(1, len(key) - 1), max_size=4)))
    pieces = [key[start:end] for start, end in zip([0, *cuts], [*cuts, len(key)], strict=True)]
    before = draw(st.lists(st.sampled_from(WORDS), max_size=3))
    after = draw(st.lists(st.sampled_from(WORDS), max_size=3))
    return before + pieces + after


@settings(max_examples=400, deadline=None)
@given(streams())
def test_never_no_where_the_joined_stream_holds_a_split_key(pieces: list[str]) -> None:
    if split_secrets(pieces):
        assert may_split(set(pieces))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS + [key[:5] for key in KEYS] + [key[5:] for key in KEYS])))
def test_never_no_for_any_mix_of_heads_and_tails(pieces: list[str]) -> None:
    if split_secrets(pieces):
        assert may_split(set(pieces))


def test_a_key_cut_anywhere_is_a_maybe() -> None:
    for key in KEYS:
        for cut in range(1, len(key)):
            assert may_split({key[:cut], key[cut:]}), (key, cut)
            assert may_split({"a", key[:cut], key[cut : cut + 1], key[cut + 1 :]}), (key, cut)


def test_prose_is_a_no() -> None:
    assert not may_split({"Hello", ",", " how", " can", " I", " help", " you", " today", "?"})
    assert not may_split(set())
