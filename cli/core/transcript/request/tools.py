"""The tools a request offered, whatever the provider's declaration shape.

Rules:
- Never raises; a declaration without a name is skipped, unless it is a built-in tool
  known by its type (then the type is its name).
- Shapes: OpenAI chat `{"type": "function", "function": {...}}`; flat declarations with
  `parameters` (Responses, Cohere v2, Ollama) or `input_schema` (Anthropic, whose server
  tools have a `name` too); Responses built-ins `{"type": "web_search"}`; Gemini
  `{"functionDeclarations": [...]}` (camelCase, as the REST API and the SDKs send it;
  each declaration a tool, with `parameters` or
  `parametersJsonSchema`) and its built-ins (`{"googleSearch": {}}`: the key is the
  name); Bedrock `toolConfig.tools[].toolSpec` with `inputSchema.json`; Cohere v1
  `parameter_definitions` (`{name: {type, description, required}}`).
"""

from __future__ import annotations

from typing import Any

from cli.core.transcript.request.model import Parameter, Tool


def tools(body: dict[str, Any]) -> list[Tool]:
    declared = _as_list(body.get("tools"))
    config = body.get("toolConfig")
    if isinstance(config, dict):  # Bedrock converse
        declared = declared + _as_list(config.get("tools"))
    found: list[Tool] = []
    for item in declared:
        found.extend(_tools_of(item))
    return found


def _tools_of(item: Any) -> list[Tool]:
    if not isinstance(item, dict):
        return []
    # Gemini's REST spelling only: reading the interactions API's `function_declarations`
    # too would change what `show` prints for existing llama-stack recordings.
    declarations = item.get("functionDeclarations")
    if isinstance(declarations, list):  # Gemini
        return [tool for entry in declarations if (tool := _tool(entry))]
    for key in ("toolSpec", "systemTool"):  # Bedrock
        if isinstance(item.get(key), dict):
            tool = _tool(item[key])
            return [tool] if tool else []
    tool = _tool(item)
    if tool is not None:
        return [tool]
    kind = item.get("type")
    if isinstance(kind, str) and kind != "function":  # a built-in: `{"type": "web_search"}`
        return [Tool(kind)]
    if len(item) == 1:  # a Gemini built-in: `{"googleSearch": {}}`
        key, value = next(iter(item.items()))
        if isinstance(key, str) and key not in ("type", "cachePoint") and isinstance(value, dict):
            return [Tool(key)]
    return []


def _tool(item: Any) -> Tool | None:
    if not isinstance(item, dict):
        return None
    function = item.get("function") if isinstance(item.get("function"), dict) else item
    name = function.get("name")
    if not isinstance(name, str):
        return None
    schema = (
        function.get("parameters")
        or function.get("input_schema")
        or _json_schema(function.get("inputSchema"))
        or function.get("parametersJsonSchema")
        or function.get("parameters_json_schema")
        or {}
    )
    properties = schema.get("properties") if isinstance(schema, dict) else None
    listed = _as_list(schema.get("required")) if isinstance(schema, dict) else []
    required = {name for name in listed if isinstance(name, str)}  # names; anything else: none
    parameters = []
    if isinstance(properties, dict):
        for key, spec in properties.items():
            spec = spec if isinstance(spec, dict) else {}
            parameters.append(_parameter(key, spec, key in required))
    definitions = function.get("parameter_definitions")
    if isinstance(definitions, dict):  # Cohere v1
        for key, spec in definitions.items():
            spec = spec if isinstance(spec, dict) else {}
            parameters.append(_parameter(key, spec, spec.get("required") is True))
    return Tool(name, str(function.get("description") or ""), parameters)


def _parameter(name: Any, spec: dict[str, Any], required: bool) -> Parameter:
    kind = spec.get("type", "any")
    return Parameter(
        name=str(name),
        type=kind if isinstance(kind, str) else "|".join(map(str, _as_list(kind))),
        required=required,
        description=str(spec.get("description") or ""),
    )


def _json_schema(value: Any) -> Any:
    """Bedrock's `inputSchema`: `{"json": <schema>}`."""
    return value.get("json") if isinstance(value, dict) else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
