"""What was asked: a request's messages, tools and sampling parameters, provider-neutral.

Rules:
- Read-only, derived from the raw request; never raises on odd shapes (a value of the
  wrong type is shown as text, not trusted; input nested too deep to walk gives an empty
  view).
- Binary payloads are summarized, never copied: `[image: image/png, 12 KB]`; so is a
  whole body that is media or can't be decoded (`{"__media__": ...}`, `{"__encoded__": ...}`
  from the VCR reader): one `input` message of one part.
- One module per concern, not per provider, because the providers share their shapes:
  `parts` reads one content block (every provider's block shapes), `tools` the tool
  declarations, `messages` the turns of chat-style bodies (OpenAI chat, Anthropic,
  Gemini, Bedrock converse and invoke, Cohere v1 and v2, Ollama, completions,
  embeddings, Gemini interactions), `responses` the `instructions` and `input` items of
  the OpenAI Responses API (told by its endpoint, `/responses`, because Gemini's
  interactions API has an `input` too).
- Parameters: every body key that is not the conversation, the tools or plumbing
  (`model`, `stream`...), as sent. The Gemini SDK's `config` is spread into them (but its
  system instruction), and Bedrock's `toolConfig` keeps all but its `tools`.
"""

from __future__ import annotations

from typing import Any

from cli.core.model import Interaction
from cli.core.transcript.request import messages, responses
from cli.core.transcript.request.model import Message, Parameter, Part, RequestView, Tool
from cli.core.transcript.request.parts import compact, opaque_body_part
from cli.core.transcript.request.tools import tools

__all__ = ["Message", "Parameter", "Part", "RequestView", "Tool", "view_request"]

# Body keys that carry the conversation or plumbing, not sampling parameters.
_NOT_PARAMS = frozenset(
    {
        "model",
        "messages",
        "tools",
        "prompt",
        "input",
        "contents",
        "system",
        "images",
        "config",
        "stream",
        "stream_options",
        # other providers' conversation keys
        "instructions",
        "systemInstruction",
        "system_instruction",
        "preamble",
        "chat_history",
        "message",
        "tool_results",
        "inputText",
        "texts",
        "content",
        "requests",
    }
)


def view_request(cassette: Interaction) -> RequestView:
    body = cassette.request_body
    if not isinstance(body, dict):
        return RequestView()
    if "tool_name" in cassette.request:
        return RequestView(messages=[Message("kwargs", [Part("text", compact(body))])])
    if len(body) == 1 and ("__media__" in body or "__encoded__" in body):
        return RequestView(messages=[Message("input", [opaque_body_part(body)])])
    try:
        return _view(body, _is_responses(cassette))
    except RecursionError:  # a hostile body nested thousands deep
        return RequestView()


def _view(body: dict[str, Any], is_responses: bool) -> RequestView:
    reader = responses if is_responses else messages
    view = RequestView(
        messages=reader.conversation(body),
        tools=tools(body),
        params={k: v for k, v in body.items() if k not in _NOT_PARAMS},
    )
    config = body.get("config")
    if isinstance(config, dict):
        view.params.update({k: v for k, v in config.items() if k != "system_instruction"})
    tool_config = body.get("toolConfig")
    if isinstance(tool_config, dict) and "tools" in tool_config:  # Bedrock: tools are listed
        rest = {k: v for k, v in tool_config.items() if k != "tools"}
        view.params.pop("toolConfig")
        if rest:
            view.params["toolConfig"] = rest
    return view


def _is_responses(cassette: Interaction) -> bool:
    endpoint = (cassette.endpoint or "").rstrip("/")
    return endpoint.endswith(("/responses", "/responses/compact"))
