"""The public read side: published ratings, the blacklist and its listings, service facts, open-data files. Reads only."""
