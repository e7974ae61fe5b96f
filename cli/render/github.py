"""GitHub Actions workflow commands (`::error file=...,line=...,title=...::message`): the one
place that writes them, escaped as GitHub documents ("workflow-commands")."""

from __future__ import annotations


def workflow_command(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    """One annotation line; `level` is `error`, `warning` or `notice`."""
    properties = []
    if file is not None:
        properties.append(f"file={_property(file)}")
    if line:
        properties.append(f"line={line}")
    if title is not None:
        properties.append(f"title={_property(title)}")
    return f"::{level} {','.join(properties)}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
