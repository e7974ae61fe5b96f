"""The one secret detector: provider key formats, sensitive headers and URL parts, and
scanning text for them. `validate` and `scrub` both use it."""
