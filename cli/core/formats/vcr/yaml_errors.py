"""The one error the surgical YAML writer raises: the edit was refused, nothing was written.

Raised for text that isn't YAML, a path that doesn't lead where the edit needs, a value that
can't be written, or an edit whose result would not load back as intended. The message is a
single line.
"""

from __future__ import annotations


class YamlEditError(Exception):
    """An edit of YAML text that can't be made safely; the message says which and why."""
