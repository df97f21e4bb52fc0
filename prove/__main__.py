import sys

from prove.cli import main

sys.exit(main())
