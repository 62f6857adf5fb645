"""Slack adapter: slash commands, reaction, message shortcut, buttons and tips over slack-bolt."""

from adapters.slack.app import build_app, build_client
from adapters.slack.poster import SlackTipPoster
from adapters.slack.server import EVENTS_PATH, SlackServer, run_slack

__all__ = ["EVENTS_PATH", "SlackServer", "SlackTipPoster", "build_app", "build_client", "run_slack"]
