import sys

from softfocus.training.cli import main

sys.exit(main())
