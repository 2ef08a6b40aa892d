"""The ROKSO register (Spamhaus Register Of Known Spam Operations) as the desk holds it.

``parse_register`` reads an operator's CSV/JSON export, ``RoksoRegister`` keeps versions of it
in the service database, and ``RoksoIndex`` matches offenders, customers and SBL references.
"""

from pipeline.rokso.formats import RoksoImportError, detect_format, parse_register
from pipeline.rokso.match import RoksoIndex
from pipeline.rokso.models import (
    CustomerIdentity,
    ImportDiff,
    ImportOutcome,
    MatchKind,
    RegisterVersion,
    RoksoMatch,
    RoksoRecord,
)
from pipeline.rokso.register import RoksoRegister

__all__ = [
    "CustomerIdentity",
    "ImportDiff",
    "ImportOutcome",
    "MatchKind",
    "RegisterVersion",
    "RoksoImportError",
    "RoksoIndex",
    "RoksoMatch",
    "RoksoRecord",
    "RoksoRegister",
    "detect_format",
    "parse_register",
]
