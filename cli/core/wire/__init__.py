"""HTTP bodies as they travel: content-encodings, server-sent events, AWS event-stream
frames and media types, and JSON text inside them (`json_text`). Each module decodes a
layer and encodes it back, side by side (HTTP dates are `cli.core.timestamps`').

Rules:
- Pure: bytes and text in, values out; no files, no printing, nothing about cassettes.
- `decode` and `encode` of a layer are inverses: `encode(decode(x)) == x` byte for byte
  where the layer allows it (SSE separators, event-stream frames and their CRCs, a gzip
  header), so that an edit can put a changed body back in the form it came in.
- Damaged input raises `WireError`, whose message says what is wrong and where (a frame's
  index and byte offset, the compression's own complaint), in one line.
"""

from __future__ import annotations


class WireError(ValueError):
    """A body that can't be decoded as it says it is encoded."""
