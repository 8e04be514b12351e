"""The published document's format: canonical bytes, digests, signatures, the files and editions, verify and check."""
