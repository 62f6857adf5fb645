"""The composition: the one package that imports the adapters.

It builds the core's parts once (store, grader, service, tips) and hands each adapter what it
needs: `serve` runs the adapters with the tips scheduler, the health endpoints and the worker
processes; `cron` gives a one-shot `tips tick` its posters. Nothing in `bot/` imports this
package but the CLI entry (`bot.cli`), and no adapter does.
"""
