"""Every capability's handlers and after-commit subscribers, registered with the kernel. The composition
roots (the server, the CLI, the demo, the tests) import this module; importing it touches no database."""

from __future__ import annotations

from remit.decisions import handlers as decision_handlers
from remit.decisions import reached as decision_notices
from remit.decisions import rules as decision_rules
from remit.decisions import subscribers as decision_subscribers
from remit.identity import accounts as identity_handlers
from remit.identity import tokens as token_handlers

LOADED = (decision_handlers, decision_notices, decision_rules, decision_subscribers, identity_handlers, token_handlers)
