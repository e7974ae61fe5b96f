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
    "so a second run over files that did not change reads none of them, and the same "
    "command asked again over a library where nothing changed gives its last answer "
    "again without reading anything. Beside them, "
    "rename-model and retime remember the compressed bodies zlib can't make again (gzip "
    "another implementation wrote), so that an edit's reverse gives back their bytes. "
    "Both live in $CASSETTE_CACHE_DIR, else $XDG_CACHE_HOME/cassette, else "
    "~/.cache/cassette; --no-cache on those commands bypasses them."
)


def info(format_: Format = OutputFormat.text) -> int:
    """Show where the result cache is, its size, its entries by kind, and the bodies
    remembered for edits' reverses."""
    from cli.core import answers, cache, originals
    from cli.render import json_text

    described = cache.info()
    described["answers"] = answers.info()
    described["remembered_bodies"] = originals.info()
    if format_ is OutputFormat.json:
        print(json_text.dumps(described, indent=True))
        return 0
    entries = described["entries"]
    print(f"path:    {described['path']}")
    print(f"size:    {_size(described['bytes'])}")
    print(f"entries: {sum(entries.values())}")
    for kind, count in sorted(entries.items()):
        print(f"  {kind:<22} {count}")
    kept = described["answers"]
    print(f"answers: {kept['answers']} ({_size(kept['bytes'])})")
    bodies = described["remembered_bodies"]
    print(f"remembered bodies: {bodies['bodies']} ({_size(bodies['bytes'])})")
    return 0


def clear() -> int:
    """Remove every entry of the result cache, every kept answer and every remembered
    body."""
    from cli.core import answers, cache, originals

    for module in (cache, answers, originals):
        held = module.clear()
        print(f"removed {cache.cache_dir() / module.DATABASE} ({_size(held)})")
    return 0


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / 1024 / 1024:.1f} MiB"
