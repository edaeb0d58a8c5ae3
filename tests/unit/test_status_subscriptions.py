"""The subscription domain, plain Python: addresses read and masked, the channel each reaches, who hears of
what, and signed links that refuse any change."""

from __future__ import annotations

import pytest

from remit.kernel.errors import InvalidInput
from remit.status.subscriptions import (
    BadLink,
    Kind,
    Purpose,
    check_token,
    chosen,
    link_token,
    new_key,
    parse_address,
    wants,
)


@pytest.mark.parametrize(
    ("typed", "kind", "shown", "channel"),
    [
        (" Ops@Example.COM ", Kind.EMAIL, "O…@example.com", "mailto://?to=Ops@example.com"),
        ("https://hooks.example.com/s3cret", Kind.WEBHOOK, "https://hooks.example.com/…", "jsons://hooks.example.com/s3cret"),
        ("http://hooks.example.com:8080/x", Kind.WEBHOOK, "http://hooks.example.com/…", "json://hooks.example.com:8080/x"),
    ],
)  # fmt: skip
def test_an_address_is_read_masked_and_reached(typed: str, kind: Kind, shown: str, channel: str) -> None:
    address = parse_address(typed)
    assert (address.kind, address.shown, address.channel) == (kind, shown, channel)
    assert "s3cret" not in address.shown


def test_the_same_email_in_another_case_is_the_same_subscriber() -> None:
    assert parse_address("ops@example.com").key == parse_address("OPS@EXAMPLE.com").key


@pytest.mark.parametrize(
    "typed", ["", "ops", "ops@", "@example.com", "a b@example.com", "ftp://x/y", "https://", "https://u:p@x.com/h",
              "https://x.com/h#f", "https://x.com:port/h"],
)  # fmt: skip
def test_what_is_not_an_address_is_refused_in_words(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_address(typed)


def test_components_are_the_pages_in_its_order_and_none_means_all() -> None:
    page = ("checkout", "payments", "search")
    assert chosen(["search", "checkout", "search"], page) == ["checkout", "search"]
    with pytest.raises(InvalidInput, match="billing"):
        chosen(["billing"], page)
    assert wants([], ("search",)) and wants(["search"], ("search", "ranking")) and not wants(["payments"], ("search",))


def test_a_link_holds_only_as_it_was_signed() -> None:
    key = new_key()
    token = link_token(key, Purpose.CONFIRM, "checkout", 7, "abc")
    assert check_token(key, Purpose.CONFIRM, "checkout", token) == (7, "abc")
    ident, secret, mac = token.split(".")
    for bad in (
        f"8.{secret}.{mac}",
        f"{ident}.abd.{mac}",
        token.replace(mac, mac[::-1]),
        "7.abc",
        "x.abc.def",
    ):
        with pytest.raises(BadLink):
            check_token(key, Purpose.CONFIRM, "checkout", bad)
    with pytest.raises(BadLink):  # another purpose, another team, another key
        check_token(key, Purpose.UNSUBSCRIBE, "checkout", token)
    with pytest.raises(BadLink):
        check_token(key, Purpose.CONFIRM, "payments", token)
    with pytest.raises(BadLink):
        check_token(new_key(), Purpose.CONFIRM, "checkout", token)
