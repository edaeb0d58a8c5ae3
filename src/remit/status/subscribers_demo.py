"""The demo's status page subscribers: two stakeholders of a customer who subscribed on the public page and
confirmed, through the real handlers (the confirmation link read from the message it was sent in), so the
team sees its subscribers (`remit status subscribers list --as ezra`) on first run. Their notices wait in the
outbox until a mail relay is set (``REMIT_MAIL_URL``): the demo sends no mail."""

from __future__ import annotations

from sqlalchemy import select

from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.tables import OutboxRow
from remit.kernel.uow import Store
from remit.status.subscription_commands import ConfirmSubscription, Subscribe
from remit.status.subscriptions import PUBLIC

SUBSCRIBERS: tuple[tuple[str, list[str]], ...] = (
    ("it-ops@northwind.example", ["checkout", "payments"]),
    ("alerts@contoso.example", []),
)


def seed_subscribers(store: Store, team: str) -> None:
    for address, components in SUBSCRIBERS:
        public = Caller(team, PUBLIC)
        COMMANDS.dispatch(store, public, Subscribe(address=address, components=components))
        with store.uow().reading() as uow:
            sent = uow.session.scalars(select(OutboxRow.message).order_by(OutboxRow.id.desc()).limit(1)).one()
        link = next(line for line in sent["lines"] if "/confirm/" in line)
        COMMANDS.dispatch(store, public, ConfirmSubscription(token=link.rpartition("/")[2]))
