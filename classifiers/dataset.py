"""The training set: manifest with provenance, the group split, and reports for each example.

The split is made once per group (a reporter/sender family) and recorded in the committed
manifest, so near-duplicates from one sender never straddle train and test, and examples that
arrive later join their group's side. New groups are placed by a hash of the group name, which
keeps the assignment deterministic however often the manifest is rebuilt.
"""

from __future__ import annotations

import email.policy
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path

from classifiers.mailparse import build_message, report_from_message
from classifiers.sources import (
    REPO_DIR,
    Example,
    all_examples,
    corpus_root,
    spamassassin_records,
    written_record,
)
from pipeline.models import Report

log = logging.getLogger(__name__)

MANIFEST_FILE = Path(__file__).resolve().parent / "data" / "manifest.jsonl"
SPLITS = ("train", "dev", "test")
#: Percent of groups per split (by hash bucket): train < 70 <= dev < 82 <= test.
DEV_FROM, TEST_FROM = 70, 82


@dataclass(frozen=True, slots=True)
class ManifestEntry(Example):
    """An example as recorded in the manifest: its provenance plus the split it fell into."""

    split: str


@dataclass(frozen=True, slots=True)
class LabelledReport:
    """A parsed report with its gold label and where it came from."""

    id: str
    label: str
    group: str
    report: Report


def hash_split(group: str) -> str:
    """The split a new group falls into, from a stable hash of its name."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < DEV_FROM else "dev" if bucket < TEST_FROM else "test"


def _forced_split(example: Example) -> str | None:
    # X-ARF samples are decided by their declared type, never by the model: scoring them
    # would flatter the test split, so they only teach the model the vocabulary.
    return "train" if example.group.startswith("corpus:xarf-") else None


def read_manifest(path: Path = MANIFEST_FILE) -> list[ManifestEntry]:
    """The committed manifest (empty if there is none yet)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ManifestEntry(**json.loads(line)) for line in lines if line.strip()]


def build_manifest(
    examples: Iterable[Example], previous: Sequence[ManifestEntry] = ()
) -> list[ManifestEntry]:
    """Manifest entries for ``examples``; groups already placed keep their split."""
    group_split = {e.group: e.split for e in previous}
    entries = []
    for example in examples:
        split = group_split.get(example.group) or _forced_split(example) or hash_split(
            example.group
        )
        group_split[example.group] = split
        entries.append(ManifestEntry(**asdict(example), split=split))
    return entries


def write_manifest(entries: Sequence[ManifestEntry], path: Path = MANIFEST_FILE) -> None:
    lines = [json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) for e in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def refresh_manifest(path: Path = MANIFEST_FILE) -> list[ManifestEntry]:
    """Re-read every source, keep earlier split decisions, write and return the manifest."""
    entries = build_manifest(all_examples(), read_manifest(path))
    write_manifest(entries, path)
    return entries


def message_bytes(msg: EmailMessage) -> bytes:
    """The message's wire form; 8-bit header text (RFC 6532) where 7-bit folding fails."""
    try:
        return bytes(msg)
    except UnicodeError:
        return msg.as_bytes(policy=email.policy.SMTPUTF8)


def raw_message(example: Example) -> bytes:
    """The RFC 5322 bytes of an example, however its source stores it."""
    file, _, wanted = example.path.partition("#")
    if example.source == "written":
        return message_bytes(build_message(written_record(example)))
    if example.source == "spamassassin":
        for record in spamassassin_records(REPO_DIR / file):
            if record["id"] == wanted:
                return str(record["raw"]).encode("latin-1", errors="replace")
        raise KeyError(example.path)
    path = Path(file) if Path(file).is_absolute() else REPO_DIR / file
    if not path.exists():
        path = corpus_root() / example.id.removeprefix("corpus:")
    data = path.read_bytes()
    if path.suffix == ".json":
        return message_bytes(build_message({
            "id": example.id.replace("/", "-").replace(":", "-"),
            "from": "X-ARF reporter <reports@xarf.invalid>",
            "subject": "X-ARF abuse report",
            "body": "An X-ARF report is attached.\n",
            "attachments": [{"filename": "report.json", "content_type": "application/json",
                             "content": data.decode("utf-8", errors="replace")}],
        }))
    return data



def load_reports(entries: Sequence[ManifestEntry]) -> list[LabelledReport]:
    """Parse every entry's message into a ``Report``; unreadable entries are logged, skipped."""
    sa_cache = {r["id"]: r for r in spamassassin_records()} if any(
        e.source == "spamassassin" for e in entries) else {}
    out = []
    for entry in entries:
        try:
            if entry.source == "spamassassin":
                raw = str(sa_cache[entry.id]["raw"]).encode("latin-1", errors="replace")
            else:
                raw = raw_message(entry)
        except (KeyError, OSError, ValueError) as exc:
            log.warning("example %s could not be loaded: %s", entry.id, exc)
            continue
        out.append(LabelledReport(entry.id, entry.label, entry.group, report_from_message(raw)))
    return out
