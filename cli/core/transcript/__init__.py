"""Reassembling what was said: provider events (dicts) -> a `Transcript`, the request as
messages and tools, and the one-record summary behind `show`'s header and `ls`'s rows.
One module per provider family."""
