"""Territory Designer launcher: ``python main.py [PROJECT.tdproj]`` or ``main.py CMD ...``."""

import sys

from territory_designer.cli import main

if __name__ == "__main__":
    sys.exit(main())
