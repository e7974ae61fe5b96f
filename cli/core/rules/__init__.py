"""`cassette validate`: the rule runner, and the rules by family (one module each)."""
