"""Notifications: what Remit tells or asks (the kernel's outbox) delivered to people's and teams' channels."""
