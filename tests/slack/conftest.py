"""The Slack adapter served for real (HTTP mode, Socket Mode, OAuth) with slack-bolt and slack_sdk
against the fakes in tests/fakes/; hostile requests included. Its modules share no fixture of
their own."""
