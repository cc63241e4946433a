"""``python -m diplograph.cli``."""

from . import main

main()
