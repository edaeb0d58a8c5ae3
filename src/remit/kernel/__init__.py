"""The kernel every capability stands on: the unit of work, commands and their registry, events and what
runs after commit, and the one error hierarchy. It imports no capability."""
