"""VCR.py's YAML cassettes (pytest-recording): several HTTP interactions per file.

Safe libyaml loading without anchors (`loader`), the YAML value as interactions with
decoded bodies (`cassette`), the format the registry calls (`format`), and the surgical
YAML writer that puts edited values back in their own style (`yaml_text` and its parts)."""
