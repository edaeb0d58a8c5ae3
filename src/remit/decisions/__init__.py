"""The decisions domain: positions, rules and their pure resolution. Plain Python, no I/O."""
