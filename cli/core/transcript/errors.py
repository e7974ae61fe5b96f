"""What went wrong, in each provider's words: the error of a recorded response.

Rules:
- Pure and total, like the rest of the transcript layer.
- A recorded exception (llama-stack's `is_exception`): `ErrorInfo.type` is the exception
  class (`BadRequestError`) and `message` the provider's own message
  (`exception_data.body.message`), falling back to `exception_data.message`
  (`Error code: 400 - {...}`), then `exception_message`.
- An HTTP status >= 400: the status, with the message of the error body if it has one.
  Error bodies, by provider:
  - `{"error": {"message", "type"|"status"|"code"}}`: OpenAI and every OpenAI-compatible
    server, Gemini (`status: INVALID_ARGUMENT`), Anthropic (`{"type": "error", "error"}`);
    `{"error": "text"}` (Hugging Face); a list whose first item is one (Gemini streams);
  - `{"message": ...}` or `{"Message": ...}`: Bedrock (its type is the
    `x-amzn-ErrorType` header, up to the `:`), Cohere, Azure's 401, Mistral (`type` too);
  - `{"detail": "text"}` (Voyage, FastAPI servers), or FastAPI's `{"detail": [{"msg"}]}`;
  - `{"errors": [{"message"|"description"}]}` (Writer);
  - an AWS exception frame `{"validationException": {"message"}}`.
  The last four only count as an error body under an error status: a 200 body with a
  `message` field is an answer.
- A body that is no recognized shape but an error object also gives an error, and an
  error the reassembly found (an `error` event in a stream) is kept.
"""

from __future__ import annotations

from typing import Any

from cli.core.transcript.common import as_dict, as_int, as_list, as_str, first_key
from cli.core.transcript.model import TOOL_RESULT, ErrorInfo, Transcript


def response_error(
    response: dict[str, Any], body: Any, transcript: Transcript, reassembled: bool
) -> ErrorInfo | None:
    status = as_int(response.get("status"))
    if response.get("is_exception") is True:
        data = as_dict(response.get("exception_data"))
        provider_body = as_dict(data.get("body"))
        message = (
            as_str(provider_body.get("message"))
            or (error_from_body(provider_body) or ErrorInfo()).message
            or as_str(data.get("message"))
            or as_str(response.get("exception_message"))
        )
        return ErrorInfo(
            status=as_int(data.get("status_code")) or status,
            type=as_str(data.get("type")),
            message=message,
        )
    if status is not None and status >= 400:
        error = error_from_body(body, loose=True) or transcript.error or ErrorInfo()
        error.status = status
        error.type = error.type or _amazon_error_type(response.get("headers"))
        return error
    if not reassembled:
        return error_from_body(body)
    if transcript.error is not None and transcript.kind != TOOL_RESULT:
        return transcript.error
    return None


def error_from_body(body: Any, *, loose: bool = False) -> ErrorInfo | None:
    """An error object: `{"error": {...}}` (OpenAI, Gemini) or `{"type": "error", ...}`.

    `loose` (an HTTP error status) also takes the bare shapes listed in the docstring.
    """
    if isinstance(body, list):
        first = next((item for item in body if isinstance(item, dict)), None)
        return error_from_body(first, loose=loose) if first is not None else None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        label = next(
            (error[key] for key in ("type", "status", "code") if as_str(error.get(key))), None
        )
        return ErrorInfo(type=label, message=as_str(error.get("message")))
    if isinstance(error, str):
        return ErrorInfo(message=error)
    detail = as_str(first_key(body, "detail", "message"))
    if body.get("type") == "error" or (loose and detail):
        kind = as_str(body.get("type"))
        return ErrorInfo(type=kind if kind != "error" else None, message=detail)
    return _loose_error(body) if loose else None


def _loose_error(body: dict[str, Any]) -> ErrorInfo | None:
    frame = exception_frame(body)
    if frame is not None:
        return frame
    message = as_str(body.get("Message"))
    if message:
        return ErrorInfo(message=message)
    for key, field in (("detail", "msg"), ("errors", "message"), ("errors", "description")):
        first = as_dict(next(iter(as_list(body.get(key))), None))
        if as_str(first.get(field)):
            return ErrorInfo(message=first[field])
    return None


def exception_frame(item: Any) -> ErrorInfo | None:
    """An AWS event-stream exception frame, `{"throttlingException": {"message": ...}}`."""
    if isinstance(item, dict) and len(item) == 1:
        name, payload = next(iter(item.items()))
        if isinstance(name, str) and name.endswith("Exception"):
            fields = as_dict(payload)
            return ErrorInfo(type=name, message=as_str(first_key(fields, "message", "Message")))
    return None


def _amazon_error_type(headers: Any) -> str | None:
    """`x-amzn-ErrorType: ValidationException:http://internal.amazon.com/...` -> its name."""
    for name, values in as_dict(headers).items():
        if isinstance(name, str) and name.lower() == "x-amzn-errortype":
            value = values[0] if isinstance(values, list) and values else values
            text = as_str(value)
            return text.split(":", 1)[0] or None if text else None
    return None
