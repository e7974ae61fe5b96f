"""The YAML line of a place in a VCR cassette's interactions, for validate's findings."""

from __future__ import annotations

import yaml

from cli.core.formats.vcr.lines import locate_lines

CASSETTE = """\
interactions:
- request:
    body: '{"model": "m"}'
    headers:
      Authorization:
      - one
      - two
    method: POST
    uri: https://api.example.test/v1/chat/completions?key=x
  response:
    body:
      string: |
        data: {"a": 1}

        data: [DONE]
    headers:
      Set-Cookie:
      - c
    status:
      code: 200
      message: OK
- request:
    method: GET
    parsed_body:
      messages:
      - content: hi
    uri: https://api.example.test/v1/models
  response:
    parsed_body:
      data:
      - id: m
    status:
      code: 200
      message: OK
version: 1
"""


def lines(*pointers: str) -> dict[str, int]:
    return locate_lines(yaml.compose(CASSETTE, Loader=yaml.CSafeLoader), set(pointers))


def test_keys_map_back_to_what_the_cassette_writes() -> None:
    assert lines(
        "/interactions/0",
        "/interactions/0/request/url",
        "/interactions/0/request/endpoint",
        "/interactions/0/request/headers/Authorization",
        "/interactions/0/request/headers/Authorization/1",
        "/interactions/0/response/status",
        "/interactions/0/response/status_message",
        "/interactions/0/response/headers/Set-Cookie/0",
    ) == {
        "/interactions/0": 2,
        "/interactions/0/request/url": 9,
        "/interactions/0/request/endpoint": 9,
        "/interactions/0/request/headers/Authorization": 5,
        "/interactions/0/request/headers/Authorization/1": 7,
        "/interactions/0/response/status": 20,
        "/interactions/0/response/status_message": 21,
        "/interactions/0/response/headers/Set-Cookie/0": 18,
    }


def test_bodies() -> None:
    assert lines(
        "/interactions/0/request/body/model",  # inside JSON text: the scalar's line
        "/interactions/0/response/body",
        "/interactions/0/response/body/2",  # line 2 of a literal block
        "/interactions/0/response/body/2/choices/0",
        "/interactions/1/request/body/messages/0/content",  # parsed_body, as YAML
        "/interactions/1/response/body/data/0/id",
    ) == {
        "/interactions/0/request/body/model": 3,
        "/interactions/0/response/body": 12,
        "/interactions/0/response/body/2": 15,
        "/interactions/0/response/body/2/choices/0": 15,
        "/interactions/1/request/body/messages/0/content": 26,
        "/interactions/1/response/body/data/0/id": 31,
    }


def test_places_it_cannot_tell_are_left_out_or_near() -> None:
    assert lines("/interactions/9/request", "/version", "") == {}
    assert lines("/interactions/0/request/headers/Missing") == {
        "/interactions/0/request/headers/Missing": 4
    }
