"""Remit: decision rights for product and engineering teams, written down, enforced and visible."""

__version__ = "0.1.0"
