"""One cassette in one record: the facts `show` puts in its header and `ls` in its row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a summary is made: a cached `ls` row needs none of them
    from cli.core.model import Interaction
    from cli.core.transcript.model import Transcript
    from cli.core.transcript.request import RequestView


@dataclass
class Summary:
    file: str
    method: str | None
    url: str | None
    endpoint: str | None
    provider: str | None
    model_requested: str | None
    model_answered: str | None
    streaming: bool
    chunks: int
    kind: str
    choices: int
    input_tokens: int | None
    output_tokens: int | None
    finish_reasons: list[str] = field(default_factory=list)
    first_message: str | None = None
    test_id: str | None = None
    created_first: int | float | None = None
    created_last: int | float | None = None
    status: int | None = None
    error: str | None = None
    interaction: int | None = None  # its index in a file of several (VCR); else None

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Summary:
        """A summary from all of its fields, as `vars` gave them (a cached row): set as
        they are, which costs a fifth of `__init__`'s checks of 21 fields."""
        summary = cls.__new__(cls)
        summary.__dict__.update(fields)
        return summary

    def to_json(self) -> dict[str, Any]:
        """The documented row: `interaction` only for files that hold several."""
        value = dict(vars(self))  # every field is a plain value: no deep copy but the list
        value["finish_reasons"] = list(self.finish_reasons)
        if self.interaction is None:
            del value["interaction"]
        return value


def summarize(
    cassette: Interaction,
    transcript: Transcript | None = None,
    request: RequestView | None = None,
) -> Summary:
    guess_provider, requested_model, transcribe, view_request = _readers()
    transcript = transcript if transcript is not None else transcribe(cassette)
    request = request if request is not None else view_request(cassette)
    usage = transcript.usage
    error = transcript.error
    return Summary(
        file=str(cassette.path),
        method=cassette.method,
        url=cassette.url,
        endpoint=cassette.endpoint,
        provider=guess_provider(cassette),
        model_requested=requested_model(cassette),
        model_answered=transcript.model,
        streaming=cassette.is_streaming,
        chunks=transcript.chunk_count,
        kind=transcript.kind,
        choices=len(transcript.choices),
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else None,
        finish_reasons=[c.finish_reason for c in transcript.choices if c.finish_reason],
        first_message=_first_message(request),
        test_id=cassette.test_id,
        created_first=transcript.created_first,
        created_last=transcript.created_last,
        status=(error.status if error else None) or cassette.status,
        error=(error.message or error.type) if error else None,
    )


@cache
def _readers() -> tuple[Callable[..., Any], ...]:
    """What a summary is made with, imported once, on the first summary: a cached `ls` row
    needs none of it, and an import statement run for every file costs a microsecond."""
    from cli.core.transcript.provider import guess_provider, requested_model
    from cli.core.transcript.reassemble import transcribe
    from cli.core.transcript.request import view_request

    return guess_provider, requested_model, transcribe, view_request


def _first_message(request: RequestView) -> str | None:
    for role in ("user", "prompt", "input", "kwargs"):
        for message in request.messages:
            if message.role == role and message.text.strip():
                return message.text
    return None


def matches_filters(
    summary: Summary,
    model: str | None = None,
    endpoint: str | None = None,
    provider: str | None = None,
) -> bool:
    """`ls` filters: globs on the model (asked for or answered) and endpoint, exact provider.
    One rule for all three: case doesn't matter (`--model '*llama*'` finds `Llama-3.2`,
    `--provider OpenAI` finds `openai`)."""
    from fnmatch import fnmatchcase

    def like(value: str, pattern: str) -> bool:
        return fnmatchcase(value.casefold(), pattern.casefold())

    if model is not None and not any(
        name and like(name, model) for name in (summary.model_requested, summary.model_answered)
    ):
        return False
    if endpoint is not None and not like(summary.endpoint or "", endpoint):
        return False
    return provider is None or (summary.provider or "").casefold() == provider.casefold()


_SORT_KEYS = {
    "file": lambda s: (s.file,),
    "model": lambda s: (s.model_requested or s.model_answered or "", s.file),
    "endpoint": lambda s: (s.endpoint or "", s.file),
    "provider": lambda s: (s.provider or "", s.file),
    "chunks": lambda s: (-s.chunks, s.file),
    "input": lambda s: (-(s.input_tokens or 0), s.file),
    "output": lambda s: (-(s.output_tokens or 0), s.file),
}


def sort_summaries(summaries: list[Summary], key: str) -> list[Summary]:
    """Sorted by `key`; counts sort largest first, ties by file name."""
    return sorted(summaries, key=_SORT_KEYS[key])
