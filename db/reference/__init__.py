"""Reference lists every other concept reads: the towns (镇街园区) that assess agencies, as the bureau keeps them."""
