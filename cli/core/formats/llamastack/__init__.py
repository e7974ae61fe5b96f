"""llama-stack's JSON recordings: one interaction per file, named by the request's hash.

The codec and its style detection, streamed reading of big files, request hashes and file
names, and model-list digests."""
