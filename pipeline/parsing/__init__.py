"""Report parsing: raw bytes in, a typed ``Report`` (or a ``ParseFailure`` with the reason) out.

``parse_message`` never lets an exception escape for any input: malformed, truncated, hostile
or simply not a report. What cannot be parsed comes back as ``ParseFailure(reason)``, the
reason an intake stage stores when it quarantines the raw report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.config import ParsingConfig
from pipeline.models import Report
from pipeline.parsing import mailboxes, xarf, xarf_schema
from pipeline.parsing.context import Context, FormatError, reporter_of
from pipeline.parsing.detect import detect
from pipeline.parsing.mime import MimeError, walk_message
from pipeline.parsing.offenders import (
    is_boilerplate_host,
    is_reserved_domain,
    is_reserved_ip,
    parse_ip,
)
from pipeline.parsing.psl import has_known_suffix, registrable_domain

__all__ = ["ParseFailure", "ParseOutcome", "clear_caches", "parse_message"]

log = logging.getLogger(__name__)
_DEFAULT = ParsingConfig()


@dataclass(frozen=True, slots=True)
class ParseFailure:
    """A report that cannot be parsed: why, and which format it was taken for (if any)."""

    reason: str
    format: str | None = None


ParseOutcome = Report | ParseFailure


def clear_caches() -> None:
    """Forget the memoised host and address look-ups, so a benchmark round starts cold."""
    registrable_domain.cache_clear()
    has_known_suffix.cache_clear()
    is_reserved_domain.cache_clear()
    is_boilerplate_host.cache_clear()
    is_reserved_ip.cache_clear()
    parse_ip.cache_clear()
    mailboxes.clear_caches()
    xarf_schema.clear_caches()


def _looks_like_json(raw: bytes) -> bool:
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def parse_message(raw: bytes, *, config: ParsingConfig | None = None) -> ParseOutcome:
    """Parse one raw report (a mail, or a bare X-ARF JSON document). Never raises."""
    config = config or _DEFAULT
    fmt: str | None = None
    try:
        if _looks_like_json(raw):
            fmt = xarf.FORMAT
            return xarf.parse_json(raw)
        if not raw or raw.isspace():  # not ``strip()``: that copies every message
            return ParseFailure("empty message")
        tree = walk_message(raw, config)
        if not tree.root.keys():
            return ParseFailure("not a mail message: no header fields")
        ctx = Context(tree=tree, config=config, reporter=reporter_of(tree.root))
        found = detect(ctx)
        fmt = found.name
        return found.parse(ctx)
    except (MimeError, FormatError) as exc:
        outcome = ParseFailure(str(exc), fmt)
    except RecursionError:
        outcome = ParseFailure("structure nested too deeply", fmt)
    except Exception as exc:  # the contract: bad input never crashes the caller
        log.exception("parser bug", extra={"fields": {"format": fmt}})
        outcome = ParseFailure(f"internal parser error: {type(exc).__name__}", fmt)
    log.info("report not parsed", extra={"fields": {"reason": outcome.reason, "format": fmt}})
    return outcome
