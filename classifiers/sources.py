"""Where labelled examples come from: written notices, the public corpus, SpamAssassin.

Each source yields ``Example`` records (id, label, group, source, licence, language, and how
to load the raw message). Labels for the public corpus follow the reporter and report type,
as described in the corpus PROVENANCE; samples whose meaning is ambiguous for an abuse desk
(DMARC auth-failure reports) are left out rather than guessed.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifiers.structured import xarf_label
from classifiers.taxonomy import LABELS

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
WRITTEN_DIR = PACKAGE_DIR / "data" / "written"
SPAMASSASSIN_FILE = PACKAGE_DIR / "data" / "spamassassin" / "subset.jsonl.gz"
CORPUS_REPO_DIR = Path("tests/data/corpus")
#: The project's shared folder sits beside the repository (as on developers' machines and CI).
CORPUS_SHARED_DIR = REPO_DIR.parent / "shared" / "corpus"
WRITTEN_KEYS = ("id", "label", "group", "subject", "body")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled example and where its raw message lives."""

    id: str
    label: str
    group: str
    source: str
    licence: str
    lang: str
    #: Repo-relative file path, with ``#id`` for examples stored inside a JSONL file.
    path: str


def _written_records(path: Path) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            log.warning("skipped %s line %d: not JSON (%s)", path.name, number, exc)
            continue
        missing = [k for k in WRITTEN_KEYS if not isinstance(record, dict) or k not in record]
        if missing or record["label"] not in LABELS:
            log.warning("skipped %s line %d: missing %s or unknown label", path.name, number,
                        missing)
            continue
        yield record


def written_examples(directory: Path = WRITTEN_DIR) -> Iterator[Example]:
    """Examples written for this project (CC0), one JSONL file per label."""
    for path in sorted(directory.glob("*.jsonl")):
        for record in _written_records(path):
            yield Example(
                id=str(record["id"]),
                label=record["label"],
                group=f"written:{record['group']}",
                source="written",
                licence=str(record.get("licence", "CC0-1.0")),
                lang=str(record.get("lang", "")),
                path=f"{path.relative_to(REPO_DIR)}#{record['id']}",
            )


def written_record(example: Example) -> dict[str, Any]:
    """The written record an example points at."""
    file, _, wanted = example.path.partition("#")
    for record in _written_records(REPO_DIR / file):
        if str(record["id"]) == wanted:
            return record
    raise KeyError(example.path)


#: (path prefix inside the corpus, label, licence); first match wins.
CORPUS_RULES: tuple[tuple[str, str, str], ...] = (
    ("abuseio-notifier-samples/abusehub/", "malware", "GPL-2.0"),
    ("abuseio-notifier-samples/blocklistde/", "network_attack", "GPL-2.0"),
    ("abuseio-notifier-samples/cleanmx/Cleanmx_Example_2", "malware", "GPL-2.0"),
    ("abuseio-notifier-samples/cleanmx/Cleanmx_Example_4", "malware", "GPL-2.0"),
    ("abuseio-notifier-samples/cleanmx/", "spam", "GPL-2.0"),
    ("abuseio-notifier-samples/copyrightcompliance/", "copyright", "GPL-2.0"),
    ("abuseio-notifier-samples/cyscon/", "malware", "GPL-2.0"),
    ("abuseio-notifier-samples/feedback-loop/", "spam", "GPL-2.0"),
    ("abuseio-notifier-samples/google/", "malware", "GPL-2.0"),
    ("abuseio-notifier-samples/ip-echelon/", "copyright", "GPL-2.0"),
    ("abuseio-notifier-samples/netcraft/Netcraft_Example_6", "phishing", "GPL-2.0"),
    ("abuseio-notifier-samples/netcraft/Netcraft_Example_8", "phishing", "GPL-2.0"),
    ("abuseio-notifier-samples/netcraft/Netcraft_Example_9", "phishing", "GPL-2.0"),
    ("abuseio-notifier-samples/netcraft/", "malware", "GPL-2.0"),
    ("abuseio-notifier-samples/projecthoneypot/", "spam", "GPL-2.0"),
    ("abuseio-notifier-samples/shadowserver/2015-01-01-sinkhole", "malware", "GPL-2.0"),
    ("abuseio-notifier-samples/shadowserver/", "vulnerable_service", "GPL-2.0"),
    ("abuseio-notifier-samples/spamexperts/", "spam", "GPL-2.0"),
    ("abuseio-notifier-samples/webiron/", "network_attack", "GPL-2.0"),
    ("sisimai-arf/", "spam", "BSD-2-Clause"),
    ("mail-auth-arf/", "spam", "MIT OR Apache-2.0"),
)
#: Corpus samples whose label would be a guess (DMARC auth-failure reports).
CORPUS_EXCLUDED = re.compile(r"^(sisimai-arf/bsd-arf-(18|19|20)|mail-auth-arf/00[345])")
XARF_DIRS = ("xarf-samples/", "xarf-python-samples/valid/", "abusix-xarf-samples/positive/")


def corpus_root() -> Path:
    """The corpus copy in the repo if the parsing work has copied it, else the shared one."""
    copied = REPO_DIR / CORPUS_REPO_DIR
    return copied if (copied / "abuseio-notifier-samples").is_dir() else CORPUS_SHARED_DIR


def _corpus_group(rel: str, xarf_type: str) -> str:
    parts = rel.split("/")
    if parts[0] == "abuseio-notifier-samples" and parts[1] == "feedback-loop":
        return f"corpus:fbl-{parts[2].split('_')[0].lower()}"
    if parts[0] == "abuseio-notifier-samples":
        return f"corpus:{parts[1]}"
    if any(rel.startswith(d) for d in XARF_DIRS):
        # The same report type appears in several X-ARF repos and versions: keep them together.
        return f"corpus:xarf-{xarf_type}"
    return f"corpus:{parts[0]}"


def _xarf_file_label(path: Path) -> tuple[str | None, str]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    report: dict[str, Any] = data["Report"] if isinstance(data.get("Report"), dict) else data
    rtype = next((report[k] for k in ("type", "ReportType", "Report-Type")
                  if isinstance(report.get(k), str)), None)
    category = data.get("category") if isinstance(data.get("category"), str) else None
    return xarf_label(category, rtype), re.sub(r"[^a-z0-9]", "", str(rtype).lower())


def corpus_examples(root: Path | None = None) -> Iterator[Example]:
    """The public corpus samples, labelled by reporter and report type."""
    root = root or corpus_root()
    shown = CORPUS_REPO_DIR if root != CORPUS_SHARED_DIR else CORPUS_SHARED_DIR
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or CORPUS_EXCLUDED.match(rel):
            continue
        label, licence, xarf_type = None, "", ""
        if path.suffix == ".eml":
            rule = next((r for r in CORPUS_RULES if rel.startswith(r[0])), None)
            label, licence = (rule[1], rule[2]) if rule else (None, "")
        elif path.suffix == ".json" and any(rel.startswith(d) for d in XARF_DIRS):
            (label, xarf_type), licence = _xarf_file_label(path), "MIT"
        if label is None:
            continue
        yield Example(
            id=f"corpus:{rel}",
            label=label,
            group=_corpus_group(rel, xarf_type),
            source=f"corpus:{rel.split('/')[0]}",
            licence=licence,
            lang="en",
            path=(shown / rel).as_posix(),
        )


def spamassassin_records(path: Path = SPAMASSASSIN_FILE) -> Iterator[dict[str, Any]]:
    """The committed SpamAssassin subset, one record per message."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def spamassassin_examples(path: Path = SPAMASSASSIN_FILE) -> Iterator[Example]:
    """SpamAssassin public corpus messages: spam, and ham as ``not_abuse``."""
    for record in spamassassin_records(path):
        yield Example(
            id=record["id"],
            label=record["label"],
            group=record["group"],
            source="spamassassin",
            licence="CC0-1.0 (contents), PDDL-1.0 (database)",
            lang="en",
            path=f"{path.relative_to(REPO_DIR)}#{record['id']}",
        )


def all_examples() -> list[Example]:
    """Every labelled example from every source, in a stable order."""
    return [*written_examples(), *corpus_examples(), *spamassassin_examples()]
