import sys

from softfocus.app.cli import main

sys.exit(main())
