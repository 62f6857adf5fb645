"""The console adapter: run in-process on piped and typed input, and `outreach-review serve` in a
pseudo-terminal as a person uses it. Its modules share no fixture of their own."""
