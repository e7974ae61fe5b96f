"""VCR.py YAML cassettes: libyaml reading, the surgical YAML writer, body codecs."""
