"""Which recipients the abuse mailbox accepts: configured addresses and domains only."""

from __future__ import annotations

import pytest

from listeners.recipients import VERDICT_CACHE_SIZE, RecipientPolicy

POLICY = RecipientPolicy(["abuse@example.net"], ["abuse.example.org."])


@pytest.mark.parametrize(
    "address",
    [
        "abuse@example.net",
        "ABUSE@Example.NET",
        "abuse@example.net.",
        "anything@abuse.example.org",
        "fbl@ABUSE.EXAMPLE.ORG",
    ],
)
def test_desk_addresses_are_accepted(address: str) -> None:
    """Configured addresses and any mailbox of a configured domain are accepted, in any case."""
    assert POLICY.accepts(address)


@pytest.mark.parametrize(
    "address",
    [
        "postmaster@example.net",
        "abuse@example.com",
        "abuse@sub.abuse.example.org",
        "victim%x.example@abuse.example.org",
        "a!b@abuse.example.org",
        "@abuse.example.org",
        "abuse",
    ],
)
def test_everything_else_is_refused(address: str) -> None:
    """Other mailboxes, other domains, subdomains and routing syntax are refused."""
    assert not POLICY.accepts(address)


def test_verdicts_stay_right_past_the_cache_size() -> None:
    """Answers stay correct for more distinct addresses than the verdict cache holds."""
    policy = RecipientPolicy(["abuse@example.net"])
    for n in range(VERDICT_CACHE_SIZE + 10):
        assert not policy.accepts(f"probe{n}@example.com")
        assert policy.accepts("Abuse@example.net")
