"""The conversation of a chat-style request body, in every provider's layout.

Rules:
- Never raises; an entry of the wrong type is shown as a user message of its text.
- The system prompt comes first: Anthropic's and Bedrock's `system` (a string or blocks),
  the Gemini SDK's `config.system_instruction` (which wins), Gemini REST's
  `systemInstruction`, Cohere v1's `preamble`.
- Then the turns, as recorded: `messages` (OpenAI, Anthropic, Bedrock, Cohere v2,
  Ollama) and `contents` (Gemini, roles `user`/`model`, `parts`); Cohere v1's
  `chat_history` (roles USER/CHATBOT/SYSTEM/TOOL read as user/assistant/system/tool),
  its `message` (the user's turn) and `tool_results`.
- Then the prompts of non-chat calls: `prompt` (completions, Llama and Claude 2 on
  Bedrock), `input` (embeddings, Gemini interactions), Titan's `inputText` (as prompt),
  Cohere's `texts` and Gemini's embedding `content`/`requests` (as input).
- A message's parts: its content (see `parts`), Ollama's `images`, OpenAI's
  `tool_calls` and legacy `function_call`, Cohere v2's `tool_plan` (reasoning); a tool
  message (`tool_call_id`) starts with `[result of <id>]`.
"""

from __future__ import annotations

from typing import Any

from cli.core.transcript.request.model import Message, Part
from cli.core.transcript.request.parts import compact, image_summary, parts, tool_call_text

# Cohere v1 roles -> the roles every other provider uses
_COHERE_ROLES = {"USER": "user", "CHATBOT": "assistant", "SYSTEM": "system", "TOOL": "tool"}


def conversation(body: dict[str, Any]) -> list[Message]:
    messages: list[Message] = []
    system = _system(body)
    if system is not None and system != []:  # Bedrock sends `"system": []` when there is none
        messages.append(Message("system", parts(system)))
    for item in _as_list(body.get("messages")) + _as_list(body.get("contents")):
        if isinstance(item, dict):
            messages.append(message(item))
        else:
            messages.append(Message("user", parts(item)))
    messages.extend(_cohere_v1(body))
    for key in ("prompt", "input"):  # completions, embeddings, interactions
        if body.get(key) is not None:
            messages.append(Message(key, parts(body[key])))
    messages.extend(_embedding_inputs(body))
    return messages


def _system(body: dict[str, Any]) -> Any:
    system = body.get("system")
    config = body.get("config")
    if isinstance(config, dict) and config.get("system_instruction") is not None:
        return config["system_instruction"]
    if system is None:
        system = body.get("systemInstruction", body.get("system_instruction"))
    if system is None and isinstance(body.get("preamble"), str):
        system = body["preamble"]
    return system


def message(item: dict[str, Any]) -> Message:
    role = str(item.get("role") or "user")
    found = parts(item.get("content")) if "content" in item else []
    if "parts" in item:  # Gemini
        found += parts(item["parts"])
    if isinstance(item.get("tool_plan"), str) and item["tool_plan"]:  # Cohere v2
        found.insert(0, Part("reasoning", item["tool_plan"]))
    for image in _as_list(item.get("images")):  # Ollama: bare base64
        found.append(Part("image", image_summary(None, image)))
    calls = item.get("tool_calls")
    for call in [calls] if isinstance(calls, dict) else _as_list(calls):
        found.append(Part("tool_call", tool_call_text(call)))
    if isinstance(item.get("function_call"), dict):  # the legacy `functions` API
        found.append(Part("tool_call", tool_call_text(item["function_call"])))
    if item.get("tool_call_id"):
        found.insert(0, Part("tool_result", f"[result of {item['tool_call_id']}]"))
    return Message(role, found)


def _cohere_v1(body: dict[str, Any]) -> list[Message]:
    messages = []
    for entry in _as_list(body.get("chat_history")):
        if not isinstance(entry, dict):
            continue
        role = entry.get("role")
        found = parts(entry.get("message"))
        for call in _as_list(entry.get("tool_calls")):
            found.append(Part("tool_call", tool_call_text(call)))
        found.extend(_tool_results(entry.get("tool_results")))
        messages.append(Message(_COHERE_ROLES.get(str(role).upper(), str(role)), found))
    if isinstance(body.get("message"), str):
        messages.append(Message("user", parts(body["message"])))
    results = _tool_results(body.get("tool_results"))
    if results:
        messages.append(Message("tool", results))
    return messages


def _tool_results(value: Any) -> list[Part]:
    """Cohere v1 `tool_results`: `[{"call": {name, parameters}, "outputs": [...]}]`."""
    found = []
    for result in _as_list(value):
        if isinstance(result, dict):
            found.append(Part("tool_result", f"[result of {tool_call_text(result.get('call'))}]"))
            found.append(Part("text", compact(result.get("outputs"))))
    return found


def _embedding_inputs(body: dict[str, Any]) -> list[Message]:
    messages = []
    if body.get("inputText") is not None:  # Bedrock Titan, text or embeddings
        messages.append(Message("prompt", parts(body["inputText"])))
    if body.get("texts") is not None:  # Cohere embed
        messages.append(Message("input", parts(body["texts"])))
    if isinstance(body.get("content"), dict):  # Gemini embedContent
        messages.append(Message("input", parts(body["content"])))
    for request in _as_list(body.get("requests")):  # Gemini batchEmbedContents
        if isinstance(request, dict) and request.get("content") is not None:
            messages.append(Message("input", parts(request["content"])))
    return messages


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
