"""Move or reset the timestamps of a cassette's response, as one edit of the edit pipeline.

Rules:
- Timestamps are the `STAMP_KEYS` of every response item (`fields`: objects, chunks,
  SSE events, event-stream payloads, Gemini's arrays, and the object an event carries):
  `created`, `created_at` (Ollama, the Responses API), `completed_at` and the other
  `*_at` of the Responses and Assistants APIs, Gemini's `createTime`/`updateTime`; and
  Cerebras' `time_info.created`. With `include_model_lists`, also the `created` of model
  objects and the `modified_at` of Ollama's ListResponse entries (left alone otherwise,
  as the recorder leaves them). A value is a timestamp if it is a number (unix seconds)
  or an ISO 8601 string `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`; anything else (null)
  is skipped.
- A VCR response's `date` headers (any case) are timestamps too, in RFC 1123's form
  `Sun, 06 Nov 1994 08:49:37 GMT`, and stay in it (the weekday follows the date).
- Each value keeps its own form: ints stay ints, floats stay floats, and an ISO string
  keeps its fraction digits and zone suffix verbatim (only the whole seconds move), so
  `shift +x` then `shift -x` gives back the same bytes. A float that cannot move and come
  back exactly makes the file fail instead of drifting.
- `epoch` sets numbers to 0, ISO strings to the 2026 recorder's
  `1970-01-01T00:00:00.000000Z` and dates to `Thu, 01 Jan 1970 00:00:00 GMT`. `start`
  shifts the file so that its earliest timestamp's whole second is WHEN: a file of
  several interactions (VCR) moves as one, by `earliest` over all of them
  (`file_earliest`, bound per file by the pipeline). Every value moves by the same whole
  number of seconds, so the order of the chunks in a stream is kept.
- A shift or a start leaves normalized placeholders alone (0, or an ISO string at
  1970-01-01T00:00:00, as `normalize` and the 2026 recorder write them): shifting them
  would undo the normalization, and `show` labels them "0 (normalized)". They are not
  WHEN's reference either, and the edit counts them (`Kept`). `include_normalized` moves
  them like any other value.
- `zero_durations` sets Ollama's `*_duration` numbers and Cerebras' `time_info.*_time`
  numbers to 0 (null stays null, as in the recorder).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from cli.core.edit.fields import ChangeLog, Item, is_model_object, response_items
from cli.core.edit.pipeline import Change, Kept
from cli.core.pointer import escape
from cli.core.timestamps import (
    EPOCH_DATE,
    format_date,
    is_number,
    is_timestamp,
    parse_date,
    parse_iso,
    unix_seconds,
)
from cli.errors import CassetteError

How = Literal["epoch", "shift", "start"]
EPOCH_ISO = "1970-01-01T00:00:00.000000Z"  # what the 2026 recorder writes
STAMP_KEYS = (
    "created",
    "created_at",
    "completed_at",
    "started_at",
    "expires_at",
    "cancelled_at",
    "failed_at",
    "incomplete_at",
    "createTime",
    "updateTime",
)
NORMALIZED = "normalized timestamps (0, 1970-01-01T00:00:00Z)"
_LISTS = "ollama._types.ListResponse"


@dataclass(frozen=True)
class Stamp:
    container: dict[str, Any] | list[Any]
    key: str | int
    pointer: str

    @property
    def value(self) -> Any:
        return self.container[self.key]


# finding timestamps ------------------------------------------------------------------


def timestamps(
    data: dict[str, Any], include_model_lists: bool = False, items: list[Item] | None = None
) -> list[Stamp]:
    """Every timestamp of the response this edit may change, in document order: the
    `date` headers, then the items' (`items`, to edit them: `ChangeLog.items()`)."""
    stamps: list[Stamp] = _date_headers(data)

    def take(container: dict[str, Any], key: str, pointer: str) -> None:
        if key in container and is_timestamp(container[key]):
            stamps.append(Stamp(container, key, f"{pointer}/{escape(key)}"))

    for item in response_items(data) if items is None else items:
        if is_model_object(item):
            if include_model_lists:
                take(item.data, "created", item.pointer)
            continue
        for key in STAMP_KEYS:
            take(item.data, key, item.pointer)
        info = item.data.get("time_info")
        if isinstance(info, dict):
            take(info, "created", f"{item.pointer}/time_info")
        if include_model_lists and item.type_name == _LISTS:
            for index, entry in enumerate(_entries(item)):
                take(entry, "modified_at", f"{item.pointer}/models/{index}")
    return stamps


def _date_headers(data: dict[str, Any]) -> list[Stamp]:
    """The response's `date` header values (a VCR cassette's; llama-stack keeps none)."""
    response = data.get("response")
    headers = response.get("headers") if isinstance(response, dict) else None
    if not isinstance(headers, dict):
        return []
    stamps = []
    for name, values in headers.items():
        if isinstance(name, str) and name.lower() == "date" and isinstance(values, list):
            pointer = f"/response/headers/{escape(name)}"
            stamps += [
                Stamp(values, index, f"{pointer}/{index}")
                for index, value in enumerate(values)
                if isinstance(value, str) and parse_date(value) is not None
            ]
    return stamps


def latest_timestamp(data: dict[str, Any]) -> float | None:
    """The latest response timestamp in unix seconds (a body's, or a `date` header's), or
    None; used to pick the newest."""
    values = [unix_seconds(stamp.value) for stamp in timestamps(data)]
    return max(values) if values else None


def earliest(
    datas: list[dict[str, Any]], include_normalized: bool = False, include_model_lists: bool = False
) -> float | None:
    """The earliest timestamp `start` moves to WHEN over several interactions (one VCR
    file), normalized placeholders left out unless `include_normalized`."""
    values = [
        unix_seconds(stamp.value)
        for data in datas
        for stamp in timestamps(data, include_model_lists)
        if include_normalized or not is_placeholder(stamp.value)
    ]
    return min(values) if values else None


def file_earliest(datas: list[dict[str, Any]], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The pipeline's per-file hook (`Bound.per_file`): `start` moves a file of several
    interactions as one, by their common earliest timestamp."""
    if kwargs.get("how") != "start" or len(datas) < 2:
        return kwargs
    first = earliest(
        datas, kwargs.get("include_normalized", False), kwargs.get("include_model_lists", False)
    )
    return {**kwargs, "earliest": first}


def _entries(item: Item) -> list[dict[str, Any]]:
    models = item.data.get("models")
    return (
        [entry for entry in models if isinstance(entry, dict)] if isinstance(models, list) else []
    )


# changing them -----------------------------------------------------------------------


def _shifted(value: Any, seconds: int, pointer: str, exact: bool) -> Any:
    if isinstance(value, int):
        return value + seconds
    if isinstance(value, float):
        moved = value + seconds
        if exact and moved - seconds != value:
            raise CassetteError(
                f"the float timestamp {value!r} cannot move by {seconds:+d}s and back "
                "exactly; left unchanged",
                pointer=pointer,
            )
        return moved
    date = parse_date(value)
    if date is not None:
        try:
            return format_date(date + timedelta(seconds=seconds))
        except OverflowError:
            raise CassetteError(
                f"{value} moved by {seconds:+d}s leaves the years 1-9999", pointer=pointer
            ) from None
    whole, fraction, zone = parse_iso(value)  # type: ignore[misc]
    try:
        moved_whole = whole + timedelta(seconds=seconds)
    except OverflowError:
        raise CassetteError(
            f"{value} moved by {seconds:+d}s leaves the years 1-9999", pointer=pointer
        ) from None
    stamp = (
        f"{moved_whole.year:04d}-{moved_whole.month:02d}-{moved_whole.day:02d}T"
        f"{moved_whole.hour:02d}:{moved_whole.minute:02d}:{moved_whole.second:02d}"
    )
    return stamp + fraction + zone


def _epoch(value: Any) -> Any:
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        return 0.0
    return EPOCH_DATE if parse_date(value) is not None else EPOCH_ISO


def is_placeholder(value: Any) -> bool:
    """Whether a timestamp is a normalized placeholder: 0, or 1970-01-01T00:00:00 (what the
    2026 recorder and `normalize` write), which no real recording carries."""
    return unix_seconds(value) == 0


def retime(
    data: dict[str, Any],
    *,
    how: How | None = None,
    seconds: int = 0,
    zero_durations: bool = False,
    include_model_lists: bool = False,
    include_normalized: bool = False,
    earliest: float | None = None,
) -> list[Change | Kept]:
    """Retime one cassette's JSON value in place. `seconds` is the shift for "shift" and
    WHEN (unix seconds) for "start"; "epoch" ignores it. A shift or start leaves the
    normalized placeholders alone (counted in a `Kept`) unless `include_normalized`.
    `earliest`: what "start" moves to WHEN, when the file holds more than this
    interaction (else this interaction's earliest timestamp)."""
    log = ChangeLog(data)
    stamps = timestamps(data, include_model_lists, log.items()) if how else []
    kept = 0
    if how in ("shift", "start") and not include_normalized:
        moving = [stamp for stamp in stamps if not is_placeholder(stamp.value)]
        kept, stamps = len(stamps) - len(moving), moving
    offset = seconds
    if how == "start" and stamps:
        first = min(unix_seconds(stamp.value) for stamp in stamps)
        offset = seconds - math.floor(first if earliest is None else earliest)
    for stamp in stamps:
        old = stamp.value
        if how == "epoch":
            new = _epoch(old)
        else:
            new = _shifted(old, offset, stamp.pointer, exact=how == "shift")
        if new != old or type(new) is not type(old):
            stamp.container[stamp.key] = new
            log.add(stamp.pointer, old, new)
    if zero_durations:
        _zero_durations(data, log)
    result: list[Change | Kept] = [*log.changes()]
    if kept:
        result.append(Kept(kept, NORMALIZED, "--include-normalized moves them too"))
    return result


def _zero_durations(data: dict[str, Any], log: ChangeLog) -> None:
    for item in log.items():
        if is_model_object(item):
            continue
        _zero(item.data, item.pointer, "_duration", log)
        info = item.data.get("time_info")
        if isinstance(info, dict):
            _zero(info, f"{item.pointer}/time_info", "_time", log)


def _zero(container: dict[str, Any], pointer: str, suffix: str, log: ChangeLog) -> None:
    for key, value in container.items():
        if key.endswith(suffix) and is_number(value) and value != 0:
            container[key] = 0.0 if isinstance(value, float) else 0
            log.add(f"{pointer}/{escape(key)}", value, container[key])
