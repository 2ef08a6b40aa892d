"""Named bounds of the parser: what it reads, keeps and extracts, and why each bound exists."""

from __future__ import annotations

#: RFC 5322 §2.1.1: a line SHOULD be at most 78 and MUST be at most 998 characters; we accept
#: longer lines (real mail breaks this) but never keep more than this per header value.
MAX_HEADER_VALUE_CHARS = 8 * 998

#: The report's own text kept in ``Report.body`` (the classifier reads it).
MAX_BODY_CHARS = 64 * 1024
#: The excerpt of attached evidence kept in ``Report.evidence``.
MAX_EVIDENCE_CHARS = 8 * 1024

#: A text or table part is scanned for offenders up to this many characters.
MAX_SCAN_CHARS = 2 * 1024 * 1024
#: Offenders kept per report; a list longer than this is truncated with a warning.
MAX_OFFENDERS = 500
#: Rows read from one table (Shadowserver style reports can be large).
MAX_TABLE_ROWS = 20_000
#: Received headers examined per message (RFC 5321 §6.3 loop detection counts ~100 hops).
MAX_RECEIVED_HOPS = 100
#: Bytes of an X-ARF JSON or YAML document we are willing to load.
MAX_STRUCTURED_BYTES = 4 * 1024 * 1024
#: Members of a zip attachment looked at; only the first table-like one is inflated.
MAX_ARCHIVE_MEMBERS = 16
