"""`python -m pipeline`: the `piano` command."""

import sys

from pipeline.cli import main

sys.exit(main())
