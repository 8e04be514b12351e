"""Publishing: rating a year into an immutable version, its scores, exports and digest, and the public read side."""
