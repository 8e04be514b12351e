"""The `python -m db` command line: its subcommands and the one guard around them."""
