"""`python -m service.cli`: the `regelruimte` command."""
import sys

from .main import main

sys.exit(main())
