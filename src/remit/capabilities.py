"""Every capability's handlers and after-commit subscribers, registered with the kernel, and the projectors
that replay its events for the ledger (``remit audit verify``). The composition roots (the server, the CLI,
the demo, the tests) import this module; importing it touches no database."""

from __future__ import annotations

from remit.audit.replay import PROJECTORS
from remit.charter import replay as charter_replay
from remit.decisions import handlers as decision_handlers
from remit.decisions import reached as decision_notices
from remit.decisions import replay as decision_replay
from remit.decisions import rules as decision_rules
from remit.decisions import subscribers as decision_subscribers
from remit.identity import accounts as identity_handlers
from remit.identity import replay as identity_replay
from remit.identity import settings as setting_handlers
from remit.identity import tokens as token_handlers
from remit.incidents import handlers as incident_handlers
from remit.incidents import replay as incident_replay
from remit.incidents import subscribers as incident_subscribers
from remit.notify import handlers as notify_handlers
from remit.notify import replay as notify_replay
from remit.status import fanout as status_fanout
from remit.status import handlers as status_handlers
from remit.status import replay as status_replay
from remit.status import subscription_handlers as status_subscription_handlers
from remit.tracker import handlers as tracker_handlers
from remit.tracker import links as tracker_links
from remit.tracker import replay as tracker_replay

LOADED = (
    decision_handlers,
    decision_notices,
    decision_rules,
    decision_subscribers,
    identity_handlers,
    setting_handlers,
    token_handlers,
    notify_handlers,
    incident_handlers,
    incident_subscribers,
    tracker_handlers,
    status_handlers,
    status_subscription_handlers,
    status_fanout,
    tracker_links,
)

PROJECTORS.register("charter", charter_replay.PROJECTOR)
PROJECTORS.register("decisions", decision_replay.PROJECTOR)
PROJECTORS.register("identity", identity_replay.PROJECTOR)
PROJECTORS.register("notify", notify_replay.PROJECTOR)
PROJECTORS.register("incidents", incident_replay.PROJECTOR)
PROJECTORS.register("tracker", tracker_replay.PROJECTOR)
PROJECTORS.register("status", status_replay.PROJECTOR)
