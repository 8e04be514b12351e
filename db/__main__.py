"""`python -m db`: the data layer's command line (see db/cli.py)."""

import sys

from db.cli import main

sys.exit(main())
