"""`python -m adapters.slack`: the Slack adapter alone, with the store, tips and health.

The same composition as `outreach-review serve --slack` (there is one: `bot.serve`);
handy when setting up a new Slack app.
"""

import sys

from bot.serve import serve_from_env

if __name__ == "__main__":
    sys.exit(serve_from_env(slack=True))
