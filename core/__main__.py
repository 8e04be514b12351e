"""Entry point of `python -m core` (see core.cli)."""

from core.cli import main
from core.cli_common import exit_now

exit_now(main())
