"""The web app: server-rendered pages (Jinja2) dispatching the same commands as the API and the CLI."""
