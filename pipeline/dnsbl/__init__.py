"""Spamhaus and other DNSBL look-ups with exact return-code semantics (issue 5).

Public surface: ``parse_target``/``Target``/``InvalidTarget`` (validation before any query),
``DnsblEngine`` (``start``/``probed``/``check``/``check_many``/``health``/``counters``/``close``)
and the result values whose ``to_json()`` is the contract of the CLI and the HTTP API.

``health()`` gives per zone ``state`` (``up``, ``down`` or ``unprobed``: not probed yet, or
never when ``probe_scheduled`` is false) beside the older ``up`` flag (``None`` = unprobed).
"""

from pipeline.dnsbl.counters import ZoneCounters
from pipeline.dnsbl.engine import DnsblEngine
from pipeline.dnsbl.results import Listing, TargetResult, ZoneResult, invalid_target_json
from pipeline.dnsbl.targets import InvalidTarget, Target, parse_target

__all__ = [
    "DnsblEngine",
    "InvalidTarget",
    "Listing",
    "Target",
    "TargetResult",
    "ZoneCounters",
    "ZoneResult",
    "invalid_target_json",
    "parse_target",
]
