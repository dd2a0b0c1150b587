"""The run's orchestration: the context every verb opens, ingestion of the inbox, the worker
pool, the run log, stage timings and the fault-injection checkpoints."""
