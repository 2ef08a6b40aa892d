"""The committed manifest: provenance on every example, and a split by group."""

from __future__ import annotations

from collections import defaultdict

from classifiers.dataset import ManifestEntry, build_manifest, hash_split, read_manifest
from classifiers.sources import Example
from classifiers.taxonomy import LABELS


def test_every_example_has_source_and_licence() -> None:
    """Each manifest entry names its source, licence and a taxonomy label."""
    for entry in read_manifest():
        assert entry.source and entry.licence and entry.label in LABELS


def test_groups_never_straddle_splits() -> None:
    """All examples of one sender group sit in the same split."""
    splits: dict[str, set[str]] = defaultdict(set)
    for entry in read_manifest():
        splits[entry.group].add(entry.split)
    assert all(len(s) == 1 for s in splits.values())


def test_every_label_is_in_the_test_split() -> None:
    """The test split scores every label of the taxonomy."""
    assert {e.label for e in read_manifest() if e.split == "test"} == set(LABELS)


def test_hash_split_is_deterministic() -> None:
    """A group's split depends only on its name."""
    assert hash_split("written:nordcert") == hash_split("written:nordcert")


def test_existing_group_keeps_its_split() -> None:
    """A new example joins the split its group was placed in earlier."""
    previous = [ManifestEntry("a", "spam", "g", "written", "CC0-1.0", "en", "p#a", "dev")]
    new = build_manifest([Example("b", "spam", "g", "written", "CC0-1.0", "en", "p#b")], previous)
    assert new[0].split == "dev"
