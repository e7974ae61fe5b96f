"""cassette cache info | clear: where the result cache is, what it holds; empty it."""

from __future__ import annotations

from cli.options import Format, OutputFormat

EXAMPLES = [
    "cassette cache info",
    "cassette cache info --format json",
    "cassette cache clear",
]
HELP = (
    "The result cache: where it is, what it holds; empty it.\n\n"
    "ls, validate and the --check of the editing commands keep each file's result there, "
    "so a second run over files that did not change reads none of them. It lives in "
    "$CASSETTE_CACHE_DIR, else $XDG_CACHE_HOME/cassette, else ~/.cache/cassette; "
    "--no-cache on those commands bypasses it."
)


def info(format_: Format = OutputFormat.text) -> int:
    """Show where the result cache is, its size, and its entries by kind."""
    from cli.core import cache
    from cli.render import json_text

    described = cache.info()
    if format_ is OutputFormat.json:
        print(json_text.dumps(described, indent=True))
        return 0
    entries = described["entries"]
    print(f"path:    {described['path']}")
    print(f"size:    {_size(described['bytes'])}")
    print(f"entries: {sum(entries.values())}")
    for kind, count in sorted(entries.items()):
        print(f"  {kind:<22} {count}")
    return 0


def clear() -> int:
    """Remove every entry of the result cache."""
    from cli.core import cache

    held = cache.clear()
    print(f"removed {cache.cache_dir() / cache.DATABASE} ({_size(held)})")
    return 0


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / 1024 / 1024:.1f} MiB"
