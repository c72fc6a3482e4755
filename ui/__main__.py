"""`python -m ui`: the cashier's checkout app."""

import sys

from ui.launch import main

sys.exit(main())
