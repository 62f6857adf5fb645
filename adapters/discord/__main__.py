"""`python -m adapters.discord`: the Discord adapter alone, with the store, tips and health.

The same as `outreach-review serve --discord` (this runs that command); handy when setting up a
new Discord app.
"""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", "--discord"]))
