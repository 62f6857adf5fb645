"""Weekly tips: the library, the ticker and its scheduler, the commands, `outreach-review tips`
and an external cron, and tickers racing on one database. Its modules share no fixture of
their own."""
