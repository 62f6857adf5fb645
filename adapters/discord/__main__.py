"""`python -m adapters.discord`: the Discord adapter alone, with the store, tips and health.

The same composition as `outreach-review serve --discord` (there is one: `bot.serve`);
handy when setting up a new Discord application.
"""

import sys

from bot.serve import serve_from_env

if __name__ == "__main__":
    sys.exit(serve_from_env(discord=True))
