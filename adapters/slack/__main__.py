"""`python -m adapters.slack`: the Slack adapter alone, with the store, tips and health.

The same as `outreach-review serve --slack` (this runs that command); handy when setting up a
new Slack app.
"""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", "--slack"]))
