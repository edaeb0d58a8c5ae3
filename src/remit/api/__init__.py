"""The JSON API under /api/v1 and the server around it (``create_app``)."""
