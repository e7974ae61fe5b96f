"""VCR.py's YAML cassettes (pytest-recording): several HTTP interactions per file.

Safe libyaml loading without anchors (`loader`), the YAML value as interactions with
decoded bodies (`cassette`), and the format the registry calls (`format`)."""
