"""edit.fields: where response items are, those inside text included, and how edited
stream lines are written back."""

from __future__ import annotations

from typing import Any

from cli.core.edit.fields import ChangeLog, response_items

ANTHROPIC_STREAM = [
    "event: message_start",
    'data: {"type":"message_start","message":{"id":"msg_1","model":"claude-x"}}  ',
    "",
    "event: content_block_delta",
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
    "",
    "data: [DONE]",
    "data:",
    ": a comment",
]


def stream(body: list[Any], **response: Any) -> dict[str, Any]:
    return {"request": {}, "response": {"body": body, "is_streaming": True, **response}}


def test_sse_data_lines_are_items_and_the_object_an_event_carries_too() -> None:
    items = list(response_items(stream(list(ANTHROPIC_STREAM))))
    assert [item.pointer for item in items] == [
        "/response/body/1",
        "/response/body/1/message",
        "/response/body/4",
    ]
    assert items[1].data == {"id": "msg_1", "model": "claude-x"}
    assert all(item.type_name is None for item in items)


def test_an_edited_line_is_written_back_in_its_own_style_and_the_others_stay() -> None:
    body = list(ANTHROPIC_STREAM)
    data = stream(body)
    log = ChangeLog(data)
    message = next(item for item in log.items() if item.pointer.endswith("/message"))
    message.data["model"] = "other"
    log.add(f"{message.pointer}/model", "claude-x", "other")
    assert body == ANTHROPIC_STREAM  # nothing is written before changes()
    assert [change.description for change in log.changes()] == [
        "/response/body/1/message/model: claude-x -> other"
    ]
    expected = list(ANTHROPIC_STREAM)
    expected[1] = expected[1].replace("claude-x", "other")  # trailing blanks kept
    assert body == expected
    assert body[4] is ANTHROPIC_STREAM[4]  # an untouched line is the same string


def test_a_line_in_a_style_python_cannot_write_is_patched() -> None:
    line = 'data:{ "model" : "a",  "created" : 1.5E9 }'
    data = stream([line])
    log = ChangeLog(data)
    log.items()[0].data["model"] = "b"
    log.changes()
    assert data["response"]["body"] == ['data:{ "model" : "b",  "created" : 1.5E9 }']


def test_event_stream_payloads_are_items_when_the_content_type_says_so() -> None:
    events = [
        {"messageStart": {"role": "assistant"}},
        {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": "Hi"}}},
        {"metadata": {"usage": {"inputTokens": 1}}},
    ]
    headers = {"Content-Type": ["application/vnd.amazon.eventstream"]}
    items = list(response_items(stream(events, headers=headers)))
    assert [item.pointer for item in items] == [
        "/response/body/0/messageStart",
        "/response/body/1/contentBlockDelta",
        "/response/body/2/metadata",
    ]
    assert items[0].data is events[0]["messageStart"]
    # Without the content type, one-key objects are plain items (a Gemini chunk may be one).
    plain = list(response_items(stream(events)))
    assert [item.pointer for item in plain] == [f"/response/body/{i}" for i in range(3)]


def test_gemini_arrays_and_typed_items_are_found_as_before() -> None:
    gemini = stream([{"candidates": [], "modelVersion": "g"}, {"usageMetadata": {}}])
    assert [item.pointer for item in response_items(gemini)] == [
        "/response/body/0",
        "/response/body/1",
    ]
    typed = stream([{"__type__": "x.Chunk", "__data__": {"model": "m", "message": {"a": 1}}}])
    (item,) = response_items(typed)  # a typed item's nested objects are not items
    assert (item.pointer, item.type_name) == ("/response/body/0/__data__", "x.Chunk")
