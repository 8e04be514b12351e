"""Service records (附件1 registry, practitioners, changes, contracts, visits, monthly reports): import, read, cache, ID hashing."""
