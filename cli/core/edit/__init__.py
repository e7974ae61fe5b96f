"""Changing cassettes safely: the edit pipeline, atomic writes, and each edit (rename,
retime, normalize, scrub, merge)."""
