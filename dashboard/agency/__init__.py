"""The agency portal: pages for a signed-in agency account (issue 11, item 2)."""
