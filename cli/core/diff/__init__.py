"""Comparing cassettes by meaning: values, requests, transcripts, files and libraries."""
