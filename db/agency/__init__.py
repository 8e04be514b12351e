"""The agency portal's services: an agency account reads and files its own records only (issue 11, item 2)."""
