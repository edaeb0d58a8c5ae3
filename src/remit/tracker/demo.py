"""The demo team's bugs: a handful written for the demo (a Jira-like tracker at tracker.example.com), imported
by an engineer through the real handler, and the board published by the EM, so /bugs and the public board
are alive on first run. Sol, the support lead the story refuses a release to, finds the refund bug here, and
the incident it is linked to."""

from __future__ import annotations

from datetime import datetime, timedelta

from remit.integrations.issues import Category, Parsed, Source, TrackedIssue
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.tracker.commands import LinkBug, PublishBoard, import_command

TRACKER = "https://tracker.example.com/browse/"
OPEN, WORKING, DONE = Category.OPEN, Category.IN_PROGRESS, Category.DONE
# key, title, status, category, assignee, labels, components, priority, days since created, since updated
BUGS = (
    (
        "CHK-144",
        "Search takes seconds for two-word queries",
        "In Progress",
        WORKING,
        "Theo Nguyen",
        ("performance",),
        ("search",),
        "Critical",
        1,
        0.1,
    ),
    (
        "CHK-142",
        "Refunds to expired cards fail without telling the customer",
        "In Progress",
        WORKING,
        "Sam Alvarez",
        ("refunds", "customer:northwind"),
        ("payments",),
        "Critical",
        6,
        0.2,
    ),
    (
        "CHK-139",
        "Address autocomplete suggests closed post offices",
        "Open",
        OPEN,
        None,
        ("autocomplete",),
        ("checkout-web",),
        "Major",
        4,
        1,
    ),
    (
        "CHK-137",
        "Reorder button shows for out-of-stock items",
        "In Review",
        WORKING,
        "Theo Nguyen",
        ("reorder", "customer:globex"),
        ("checkout-web",),
        "Major",
        3,
        0.5,
    ),
    (
        "CHK-131",
        "Signup query times out at launch traffic",
        "Done",
        DONE,
        "Ezra Cohen",
        ("performance",),
        ("accounts",),
        "Blocker",
        20,
        16,
    ),
    (
        "CHK-128",
        "Images load twice on slow mobile connections",
        "Done",
        DONE,
        "Sam Alvarez",
        ("performance", "mobile"),
        ("checkout-web",),
        "Major",
        9,
        0.6,
    ),
    (
        "CHK-125",
        "VAT rounding differs between cart and invoice",
        "Open",
        OPEN,
        None,
        ("tax", "customer:northwind"),
        ("payments",),
        "Major",
        12,
        5,
    ),
    (
        "CHK-119",
        "Gift cards cannot pay for shipping",
        "To Do",
        OPEN,
        "Theo Nguyen",
        ("gift-cards",),
        ("payments",),
        "Minor",
        18,
        7,
    ),
)


def demo_bugs(now: datetime) -> Parsed:
    parsed = Parsed()
    for key, title, status, category, who, labels, components, priority, created, updated in BUGS:
        parsed.issues.append(
            TrackedIssue(
                source=Source.JIRA,
                key=key,
                title=title,
                status=status,
                category=category,
                created=now - timedelta(days=created),
                updated=now - timedelta(days=updated),
                url=TRACKER + key,
                assignee=who,
                labels=tuple(labels),
                components=tuple(components),
                priority=priority,
                resolved=now - timedelta(days=updated) if category is DONE else None,
                customer=next((label.split(":", 1)[1] for label in labels if label.startswith("customer:")), None),
            )
        )
    return parsed


def seed_board(store: Store, team: str, *, payments: int, search: int) -> None:
    """Sam imports the bugs; Ezra, who owns the team's process, publishes the board. Sam, who commanded the
    card-payments incident (``payments``), links the refund bug to it; Ezra links the slow-search bug to the
    search incident still open (``search``)."""
    act(
        store,
        team,
        "sam",
        import_command(
            Source.JIRA, "the team's tracker (demo)", demo_bugs(store.clock().replace(second=0, microsecond=0))
        ),
    )
    act(store, team, "ezra", PublishBoard(published=True))
    act(store, team, "sam", LinkBug(key="CHK-142", incident=payments))
    act(store, team, "ezra", LinkBug(key="CHK-144", incident=search))
