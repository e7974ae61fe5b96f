"""On-disk cassette formats, one package each: detect, read, locate values, write back."""
