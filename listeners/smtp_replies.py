"""The listener's protocol limits and replies, each with the RFC it comes from.

aiosmtpd answers some refusals itself without enhanced status codes (RFC 3463); ``translate``
maps those library replies to the desk's own, so a sending MTA and an operator reading the
logs see one consistent set. Reply texts stay ASCII: a client that did not ask for SMTPUTF8
must be able to read them.
"""

from __future__ import annotations

#: RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets including CRLF; aiosmtpd counts one
#: more for a transparency dot (RFC 5321 §4.5.2) that is removed before the line is kept.
TEXT_LINE_LIMIT = 1000 + 1

ACCEPTED = "250 2.0.0 Report received, intake id {intake_id}"
DUPLICATE = "250 2.0.0 Report already received, intake id {intake_id}"
#: RFC 5321 §3.6.2/§4.2.2: a recipient we do not serve; we never relay.
RELAY_DENIED = "550 5.1.1 <{address}>: recipient not accepted here (this is not a relay)"
#: RFC 5321 §4.5.3.1.10 / RFC 3463 X.5.3: too many recipients, the client sends the rest later.
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
#: RFC 1870 §6.2 / RFC 3463 X.3.4: message larger than the advertised SIZE.
TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size"
#: RFC 5321 §2.3.8: lines end in CRLF only; bare CR/LF enable SMTP smuggling (SMTP smuggling,
#: CVE-2023-51764/51765/51766).
BARE_LINE_ENDING = (
    "554 5.6.0 Message refused: bare CR or LF in data, lines must end with CRLF (RFC 5321 2.3.8)"
)
#: RFC 3207 §4: MAIL before STARTTLS when TLS is required.
TLS_REQUIRED = "530 5.7.0 Must issue a STARTTLS command first"
LINE_TOO_LONG = "500 5.5.2 Line too long (RFC 5321 4.5.3.1.6: 1000 octets including CRLF)"
COMMAND_TOO_LONG = "500 5.5.2 Command line too long (RFC 5321 4.5.3.1.4)"
TOO_MANY_COMMANDS = "421 4.7.0 {hostname} Too many commands, closing connection"
IDLE_TIMEOUT = "421 4.4.2 {hostname} Idle timeout, closing connection"
#: RFC 5321 §4.2.1 / RFC 3463 X.3.0: a local failure; the sending MTA keeps the message and retries.
STORE_FAILED = "451 4.3.0 Temporary failure storing the report, please retry"
SHUTTING_DOWN = "421 4.3.2 {hostname} Service shutting down, try again later"

#: aiosmtpd's own refusals, rewritten to the replies above.
_LIBRARY_REPLIES: dict[str, str] = {
    "552 Error: message size exceeds fixed maximum message size": TOO_BIG,
    "552 Error: Too much mail data": TOO_BIG,
    "500 Line too long (see RFC5321 4.5.3.1.6)": LINE_TOO_LONG,
    "500 Command line too long": COMMAND_TOO_LONG,
    "530 Must issue a STARTTLS command first": TLS_REQUIRED,
}


def translate(reply: str) -> str:
    """The desk's wording for a reply aiosmtpd produced, or the reply unchanged."""
    return _LIBRARY_REPLIES.get(reply, reply)
