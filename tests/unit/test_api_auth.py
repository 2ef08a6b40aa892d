"""Bearer-token authentication and scopes (RFC 6750) without a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from pipeline.api.auth import AuthError, Principal, TokenAuthority
from pipeline.config import ApiConfig, ApiTokenConfig, load_config

TOKEN_A = "a" * 32
TOKEN_B = "b" * 32


@pytest.fixture
def authority() -> TokenAuthority:
    return TokenAuthority(
        [
            ApiTokenConfig(name="ops", token=SecretStr(TOKEN_A), scopes=("dnsbl:read",)),
            ApiTokenConfig(name="cases", token=SecretStr(TOKEN_B), scopes=("cases:*",)),
        ]
    )


def test_known_token_yields_its_principal(authority: TokenAuthority) -> None:
    """A configured token authenticates as its named principal with its scopes."""
    principal = authority.authenticate(f"Bearer {TOKEN_A}")
    assert principal == Principal("ops", frozenset({"dnsbl:read"}), 600)


def test_scheme_is_case_insensitive(authority: TokenAuthority) -> None:
    """'bearer' in any case is accepted (RFC 6750 §2.1 via RFC 7235)."""
    assert authority.authenticate(f"BEARER {TOKEN_B}").name == "cases"


@pytest.mark.parametrize(
    ("header", "status", "error"),
    [
        (None, 401, None),
        ("", 401, None),
        (f"Basic {TOKEN_A}", 401, "invalid_request"),
        ("Bearer ", 401, "invalid_request"),
        (f"Bearer {TOKEN_A[:-1]}", 401, "invalid_token"),
    ],
)
def test_bad_credentials_are_refused(
    authority: TokenAuthority, header: str | None, status: int, error: str | None
) -> None:
    """Missing, malformed and unknown credentials each get 401 with RFC 6750's error code."""
    with pytest.raises(AuthError) as refused:
        authority.authenticate(header)
    assert (refused.value.status, refused.value.error) == (status, error)


def test_missing_scope_is_403_naming_it(authority: TokenAuthority) -> None:
    """A token without the needed scope gets 403 insufficient_scope with the scope named."""
    principal = authority.authenticate(f"Bearer {TOKEN_A}")
    with pytest.raises(AuthError) as refused:
        TokenAuthority.require(principal, "rokso:read")
    assert refused.value.status == 403
    assert refused.value.challenge() == (
        'Bearer realm="abuse-pipeline", error="insufficient_scope", scope="rokso:read"'
    )


def test_family_wildcard_grants_its_scopes_only(authority: TokenAuthority) -> None:
    """cases:* grants cases:read and cases:write but not dnsbl:read."""
    principal = authority.authenticate(f"Bearer {TOKEN_B}")
    assert principal.allows("cases:read") and principal.allows("cases:write")
    assert not principal.allows("dnsbl:read")


def test_short_token_fails_configuration() -> None:
    """A token under 16 characters is a configuration error naming the requirement."""
    with pytest.raises(ValidationError, match="at least 16 characters"):
        ApiTokenConfig(name="x", token=SecretStr("short"))


def test_unknown_scope_fails_configuration() -> None:
    """A misspelt scope fails at start-up instead of silently granting nothing."""
    with pytest.raises(ValidationError, match="unknown scope"):
        ApiTokenConfig(name="x", token=SecretStr(TOKEN_A), scopes=("dnsbl:reed",))


def test_duplicate_token_names_fail_configuration() -> None:
    """Two tokens with one name would share a rate limit, so configuration refuses them."""
    token = ApiTokenConfig(name="x", token=SecretStr(TOKEN_A))
    with pytest.raises(ValidationError, match="distinct"):
        ApiConfig(tokens=(token, token))


def test_token_is_read_from_token_file(tmp_path: Path) -> None:
    """token_file keeps the token out of the config file; the authority accepts its content."""
    (tmp_path / "desk.token").write_text(TOKEN_A + "\n", encoding="utf-8")
    (tmp_path / "abuse.toml").write_text(
        f'[[api.tokens]]\nname = "desk"\ntoken_file = "{tmp_path / "desk.token"}"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "abuse.toml", environ={})
    assert TokenAuthority(config.api.tokens).authenticate(f"Bearer {TOKEN_A}").name == "desk"
