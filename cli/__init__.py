"""cassette: a command-line tool for LLM test recordings."""

__version__ = "0.1.0"
