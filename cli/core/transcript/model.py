"""The typed transcript: what a recorded response said, whatever the provider's shape.

These are read-only views derived from a cassette's raw JSON by `cli.core.transcript.reassemble`.
`to_json` gives the documented `show --format json` keys (see README).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Transcript.kind values
CHAT = "chat"  # OpenAI chat completions, streamed or not
COMPLETION = "completion"  # legacy text completions
EMBEDDINGS = "embeddings"
MODEL_LIST = "model_list"
OLLAMA = "ollama"  # Ollama native generate/chat (other Ollama replies are "other")
ANTHROPIC = "anthropic"  # /v1/messages, SSE strings or one message object
GEMINI = "gemini"  # generate_content candidates
INTERACTION = "interaction"  # Gemini interactions API, SSE strings or one object
RESPONSES = "responses"  # OpenAI Responses API, SSE strings or one response object
BEDROCK = "bedrock"  # Bedrock converse (stream), and invoke bodies of Titan, Llama, Mistral...
COHERE = "cohere"  # Cohere chat v1 and v2, streamed or not
TOOL_RESULT = "tool_result"
ERROR = "error"  # recorded exception, or an HTTP error status with its body
OTHER = "other"  # a shape we don't reassemble: shown as raw JSON


@dataclass
class ToolCall:
    index: int
    id: str | None = None
    type: str | None = None
    name: str | None = None
    arguments: str = ""  # joined fragments, exactly as streamed
    arguments_json: Any = None  # parsed arguments when valid
    arguments_valid: bool = True  # False when `arguments` is not valid JSON


@dataclass
class Choice:
    index: int
    role: str | None = None
    text: str = ""
    reasoning: str = ""
    refusal: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    stop_reason: Any = None  # vLLM: a token id or string


@dataclass
class Usage:
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    details: dict[str, Any] = field(default_factory=dict)  # provider-specific extras


@dataclass
class ErrorInfo:
    status: int | None = None
    type: str | None = None
    message: str | None = None


@dataclass
class Transcript:
    kind: str
    choices: list[Choice] = field(default_factory=list)
    usage: Usage | None = None
    model: str | None = None  # the model that answered, as the response says
    ids: list[str] = field(default_factory=list)  # distinct response ids, in order
    chunk_count: int = 0  # items in a streamed body (0 when not streamed)
    created_first: int | float | None = None  # unix seconds
    created_last: int | float | None = None
    embeddings: tuple[int, int] | None = None  # (count, dimensions)
    models: list[str] = field(default_factory=list)  # model-list entries
    tool_result: Any = None  # tool invocation content
    error: ErrorInfo | None = None
    raw: Any = None  # the unparsed response body, kept for kind == OTHER

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
