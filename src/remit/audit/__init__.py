"""The ledger: the audit chain verified against the tables and against signed checkpoints, and exported."""
