"""`python -m db`: the data layer's command line (see db/cli/commands.py)."""

from core.cli_common import exit_now
from db.cli.commands import main

exit_now(main())
