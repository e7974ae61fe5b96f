"""On-disk cassette formats: each reads its bytes into format-neutral interactions and
writes edits back in the file's own style."""
