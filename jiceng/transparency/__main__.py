"""Run the standalone verifier: ``python -m jiceng.transparency verify PROOF.json``."""

import sys

from .cli import main

sys.exit(main())
