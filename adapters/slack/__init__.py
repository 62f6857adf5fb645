"""Slack adapter: slash commands, reaction, message shortcut, buttons and tips over slack-bolt."""

from adapters.slack.app import build_app, build_client
from adapters.slack.lazy_workers import LazyCall
from adapters.slack.poster import SlackTipPoster
from adapters.slack.server import EVENTS_PATH, SHUTDOWN_GRACE, SlackServer, run_slack
from adapters.slack.worker_app import SlackWorker

__all__ = [
    "EVENTS_PATH",
    "SHUTDOWN_GRACE",
    "LazyCall",
    "SlackServer",
    "SlackTipPoster",
    "SlackWorker",
    "build_app",
    "build_client",
    "run_slack",
]
