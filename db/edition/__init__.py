"""The static edition of the published record: files, SHA256SUMS, keys and zero-JavaScript pages (docs/edition.md)."""
