"""`serve` and its composition: which adapters run, the process and its signals, health,
readiness and metrics, logs, worker processes, the order of shutdown, and what may import
what. Its modules share no fixture of their own."""
