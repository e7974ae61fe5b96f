"""The request view's dataclasses: messages of parts, tools with parameters, parameters.

Read-only views derived from a request body; `show --format json` prints them as the
documented `request` keys (see README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Part:
    # text | image | audio | video | file | reasoning | tool_call | tool_result | other
    kind: str
    text: str


@dataclass
class Message:
    role: str
    parts: list[Part] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(part.text for part in self.parts)


@dataclass
class Parameter:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass
class Tool:
    name: str
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)


@dataclass
class RequestView:
    messages: list[Message] = field(default_factory=list)
    tools: list[Tool] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
