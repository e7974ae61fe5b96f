"""The report of `cassette merge`: what each file of DEST gets and where it comes from."""

from __future__ import annotations

from typing import Any

from cli.core.edit.merge import Plan
from cli.core.edit.pipeline import Mode
from cli.messages import error_line, note_line
from cli.options import OutputFormat
from cli.render import json_text

_WOULD = {
    "added": "would add",
    "updated": "would update",
    "combined": "would combine",
    "kept-both": "would keep",
}


def counts(plan: Plan, failed: int) -> dict[str, int]:
    actions = [output.action for output in plan.outputs]
    return {
        "added": actions.count("added"),
        "updated": actions.count("updated"),
        "combined": actions.count("combined"),
        "kept_both": actions.count("kept-both"),
        "unchanged": actions.count("unchanged"),
        "conflicts": len(plan.conflicts),
        "failed": failed,
    }


def report(
    plan: Plan,
    mode: Mode,
    policy: str,
    format_: OutputFormat,
    written: bool,
    write_error: str | None,
) -> None:
    errors = plan.errors + ([write_error] if write_error else [])
    summary = counts(plan, len(errors))
    for note in plan.passed_over:  # stderr, whatever the format
        note_line(note)
    if format_ is OutputFormat.json:
        document: dict[str, Any] = {
            "into": str(plan.dest),
            "mode": mode.name,
            "on_conflict": policy,
            "written": written,
            "summary": summary,
            "files": [
                {
                    "path": output.name,
                    "action": output.action,
                    "from": output.origins,
                    "conflict": output.resolution,
                }
                for output in plan.outputs
            ],
            "conflicts": [
                {
                    "path": conflict.name,
                    "versions": conflict.versions,
                    "resolution": conflict.resolution,
                    "chosen": conflict.chosen,
                }
                for conflict in plan.conflicts
            ],
            "errors": errors,
        }
        print(json_text.dumps(document, indent=True))
        return
    for error in errors:
        error_line(error)
    for conflict in plan.unresolved:
        error_line(
            f"conflict: {conflict.name} differs between {' and '.join(conflict.versions)}; "
            "choose --on-conflict ours, theirs, newest or keep-both"
        )
    blocked = bool(plan.errors or plan.unresolved)
    if not blocked:
        for output in plan.writes:
            verb = output.action if mode.writes else _WOULD[output.action]
            origins = ", ".join(_source(origin, output.name) for origin in output.origins)
            line = f"{verb} {output.name} <- {origins}"
            if output.resolution:
                line += f" (conflict: {output.resolution})"
            print(line)
    prefix = {"dry_run": "dry run: ", "check": "check: "}.get(mode.name, "")
    text = (
        f"{prefix}{summary['added']} added, {summary['updated']} updated, "
        f"{summary['combined']} combined, {summary['kept_both']} kept both, "
        f"{summary['unchanged']} unchanged, {summary['conflicts']} conflicts, "
        f"{summary['failed']} failed"
    )
    if mode.writes and not written:
        text += "; nothing was written"
    note_line(text)


def _source(origin: str, name: str) -> str:
    """The source a file came from: its root when the name is the same there, else the file."""
    suffix = "/" + name
    return origin.removesuffix(suffix) if origin.endswith(suffix) else origin
