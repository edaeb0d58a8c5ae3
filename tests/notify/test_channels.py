"""Channels and choices as plain data: how a URL is shown, who sends it, the retry waits, the digest's hour,
the topics; and the charter's check of the channels it lists (their shape, never quoting them)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from remit.charter.loader import read_charter
from remit.notify.channels import (
    FIRST_RETRY,
    LONGEST_WAIT,
    Digest,
    Kind,
    Preferences,
    Topic,
    digest_due,
    kind_of,
    masked,
    retry_delay,
    topic_of,
)
from remit.notify.senders import json_target, mailbox, slack_target
from tests.e2e.test_cli import run
from tests.notify.receivers import charter_with_channels


@pytest.mark.parametrize(
    ("url", "shown", "kind"),
    [
        ("slack://T0AAAA/B0BBBB/secretsecret", "slack://T0A…/…", Kind.SLACK),
        ("slack+http://127.0.0.1:8080/hook/secret", "slack+http://127.0.0.1/…", Kind.SLACK),
        ("mailto://me:pass@smtp.example.com?to=a@b.c", "mailto://smtp.example.com/…", Kind.EMAIL),
        ("jsons://user:pw@hooks.example.com/x?token=abc", "jsons://hooks.example.com/…", Kind.JSON),
        ("discord://webhook_id/webhook_token", "discord://web…/…", Kind.APPRISE),
        ("tgram://short", "tgram://…", Kind.APPRISE),
    ],
)
def test_a_channel_is_shown_without_its_secrets(url: str, shown: str, kind: Kind) -> None:
    assert masked(url) == shown and kind_of(url) is kind
    for secret in ("secret", "pass", "pw", "abc", "webhook_token"):
        assert secret not in masked(url)


def test_slack_urls_are_slacks_webhooks_or_a_relay_we_name() -> None:
    assert slack_target("slack://T1/B2/C3") == "https://hooks.slack.com/services/T1/B2/C3"
    assert slack_target("slack://bot@T1/B2/C3/#general") == "https://hooks.slack.com/services/T1/B2/C3"
    assert slack_target("slack+http://127.0.0.1:9000/x") == "http://127.0.0.1:9000/x"
    assert slack_target("slack://xoxb-1234/#general") is None  # a bot token: Apprise posts it


def test_json_and_mailto_urls_read_as_apprise_writes_them() -> None:
    assert json_target("jsons://u:p@h.example.com:8443/in?+X-Key=v") == (
        "https://h.example.com:8443/in",
        {"X-Key": "v"},
        ("u", "p"),
    )
    box = mailbox("mailtos://me:pw@example.com?to=a@x.com,b@y.com&from=remit@example.com")
    assert (box.host, box.port, box.secure, box.to, box.sender) == (
        "example.com",
        587,
        True,
        ("a@x.com", "b@y.com"),
        "remit@example.com",
    )
    assert mailbox("mailto://me:pw@example.com").to == ("me@example.com",)


def test_retries_wait_longer_each_time_up_to_an_hour_with_jitter() -> None:
    rng = random.Random(7)  # noqa: S311 - jitter, not a secret
    waits = [retry_delay(attempt, rng) for attempt in range(1, 15)]
    assert FIRST_RETRY / 2 <= waits[0] <= FIRST_RETRY
    assert all(wait <= LONGEST_WAIT for wait in waits) and waits[-1] >= LONGEST_WAIT / 2
    assert waits[4] > waits[0]
    assert len({retry_delay(3, rng) for _ in range(5)}) > 1, "jitter: two failures do not retry in step"


def test_a_digest_is_due_at_the_next_hour_or_the_next_morning() -> None:
    at = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    assert digest_due(Digest.HOURLY, at) == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert digest_due(Digest.DAILY, at) == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert digest_due(Digest.DAILY, at + timedelta(hours=1)) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def test_each_message_has_a_topic_a_person_can_leave_out() -> None:
    assert topic_of("decision.opened", True) is Topic.DECISIONS_ASKED
    assert topic_of("decision.opened", False) is Topic.DECISIONS_TOLD
    assert topic_of("decision.blocked", False) is Topic.STATE_CHANGES
    assert topic_of("incident.severity", False) is Topic.INCIDENTS
    assert topic_of("incident.impact", True) is Topic.INCIDENTS
    only = Preferences(frozenset({Topic.INCIDENTS}), Digest.DAILY)
    assert not only.wants("decision.approved", False) and only.wants("incident.opened", False)
    assert only.wants("digest", False), "what belongs to no topic always arrives"
    assert only.holds(asks=False) and not only.holds(asks=True)


def test_the_charter_reads_people_and_team_channels() -> None:
    text = charter_with_channels(
        {"priya": ("mailto://smtp.example.com?to=p@x.com",)}, {"incidents": ("slack://A/B/C",)}
    )
    charter, problems = read_charter(text)
    assert charter is not None and [p for p in problems if p.severity == "error"] == []
    assert charter.people["priya"].notify == ("mailto://smtp.example.com?to=p@x.com",)
    assert charter.notify == {"incidents": ("slack://A/B/C",)}


def test_the_charter_refuses_a_channel_that_is_not_a_url_without_quoting_it() -> None:
    text = charter_with_channels({"priya": ("hunter2 secret",)}, {"pagers": ("slack://A/B/C",)})
    _charter, problems = read_charter(text)
    errors = {(problem.key, problem.what) for problem in problems if problem.severity == "error"}
    assert ("people.priya.notify", "channel 1 is not a channel URL") in errors
    assert ("notify.pagers", "unknown key") in errors
    assert "hunter2" not in str(problems)


def test_charter_check_finds_a_channel_that_cannot_be_delivered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (
        "mailto://smtp.example.com?to=p@x.com",
        "slack://T1/B2/C3",
        "json://hooks.example.com/in",
        "discord://1234/abcd",
    )
    path = tmp_path / "remit.toml"
    path.write_text(charter_with_channels({"priya": good}, {"all": ("json://hooks.example.com/all",)}))
    code, out, _err = run(capsys, "charter", "check", "--json", str(path))
    assert code == 0, out
    path.write_text(charter_with_channels({"priya": ("nosuchthing://x/y", "mailto://smtp.example.com")}))
    code, out, _err = run(capsys, "charter", "check", "--json", str(path))
    problems = json.loads(out)["problems"]
    assert code == 1
    assert {(p["key"], p["what"].split(":")[0]) for p in problems if p["severity"] == "error"} == {
        ("people.priya.notify", "channel 1 cannot be delivered"),
        ("people.priya.notify", "channel 2 cannot be delivered"),
    }
