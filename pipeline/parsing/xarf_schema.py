"""Structural validation of X-ARF JSON documents: the rules the published schemas enforce.

Two shapes exist. The legacy shape (abusix X-ARF 0.x–3, ``Version`` + ``ReporterInfo`` +
``Report``) and the v4 shape (``xarf_version``, ``category``, ``type``, ``source_identifier``).
Rather than bundle every schema revision, the rules below check what those schemas check:
required members, member types and formats (IP, port, e-mail, hostname, date-time, CVE),
enumerations, and the per-type requirements. ``validate`` returns the first violation as a
sentence naming the JSON path, or ``None`` when the document is acceptable.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pipeline.parsing.mailboxes import valid_email
from pipeline.parsing.memo import HostCache

#: TCP/UDP port range (RFC 793 / RFC 768: 16-bit field).
MAX_PORT = 65535
#: 4-byte AS numbers (RFC 6793).
MAX_ASN = 2**32 - 1

LEGACY_CLASSES: Mapping[str, frozenset[str]] = {
    "Activity": frozenset(
        {
            "Spam",
            "PortScan",
            "DOS",
            "LoginAttack",
            "Exploit",
            "PotentiallyCompromisedAccount",
            "Malware",
            "Harassment",
            "WebCrawler",
        }
    ),
    "Content": frozenset(
        {
            "Phishing",
            "Malware",
            "Botnet",
            "ChildAbuse",
            "ChildSexualAbuseMaterial",
            "Copyright",
            "Trademark",
            "phishing",
        }
    ),
    "Vulnerability": frozenset({"OpenService"}),
    # The xarf-spec repository's v3 samples use these classes with lower-case types.
    "Messaging": frozenset({"spam"}),
    "Network": frozenset({"ddos", "portscan", "login-attack"}),
    "System": frozenset({"botnet", "malware", "compromised"}),
}
V4_CATEGORIES = frozenset(
    {
        "messaging",
        "connection",
        "content",
        "copyright",
        "infrastructure",
        "reputation",
        "vulnerability",
    }
)
HASH_ALGORITHMS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})
TRANSPORT_PROTOCOLS = frozenset({"tcp", "udp", "sctp", "icmp"})
SEVERITIES = frozenset({"low", "medium", "high", "critical"})
CVSS_VERSIONS = frozenset({"2.0", "3.0", "3.1", "4.0"})

_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$"
)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


class SchemaViolation(Exception):
    """One rule the document breaks; the message names the path."""


Check = Callable[[str, Any], None]


def _fail(path: str, what: str) -> None:
    raise SchemaViolation(f"{path}: {what}")


def _string(path: str, value: Any) -> None:
    if not isinstance(value, str):
        _fail(path, "must be a string")


def _nonempty(path: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        _fail(path, "must be a non-empty string")


def _bool(path: str, value: Any) -> None:
    if not isinstance(value, bool):
        _fail(path, "must be true or false")


def _count(path: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(path, "must be a non-negative integer")


def _port(path: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PORT:
        _fail(path, f"must be a port number 0..{MAX_PORT}")


def _asn(path: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ASN:
        _fail(path, "must be an AS number")


def _ip(path: str, value: Any) -> None:
    if not (isinstance(value, str) and _is_ip_address(value)):
        _fail(path, f"{value!r} is not an IP address")


@HostCache
def _is_ip_address(value: str) -> bool:
    """Whether ``ipaddress.ip_address`` accepts ``value``; documents repeat their sources."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _email(path: str, value: Any) -> None:
    if not isinstance(value, str) or valid_email(value) is None:
        _fail(path, f"{value!r} is not an e-mail address")


def _hostname(path: str, value: Any) -> None:
    if not isinstance(value, str) or not _HOSTNAME.match(value):
        _fail(path, f"{value!r} is not a host name")


def _url(path: str, value: Any) -> None:
    if not isinstance(value, str) or not _URL.match(value):
        _fail(path, f"{value!r} is not a URL")


def _datetime(path: str, value: Any) -> None:
    try:
        datetime.fromisoformat(str(value).replace("Z", "+00:00") if isinstance(value, str) else "")
    except ValueError:
        _fail(path, f"{value!r} is not an ISO 8601 date-time")


def _cve(path: str, value: Any) -> None:
    if not isinstance(value, str) or not _CVE.match(value):
        _fail(path, f"{value!r} is not a CVE identifier")


def _enum(allowed: frozenset[str]) -> Check:
    def check(path: str, value: Any) -> None:
        if not isinstance(value, str) or value.lower() not in allowed:
            _fail(path, f"{value!r} is not one of {sorted(allowed)}")

    return check


def _string_list(path: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(path, "must be a list of strings")


#: Member name → check, wherever the member appears in a legacy document.
LEGACY_FIELDS: Mapping[str, Check] = {
    "Date": _datetime,
    "FirstSeen": _datetime,
    "LastSeen": _datetime,
    "LastStrike": _datetime,
    "ExpirationDate": _datetime,
    "SourceIp": _ip,
    "DestinationIp": _ip,
    "AttackerIp": _ip,
    "SourcePort": _port,
    "DestinationPort": _port,
    "AttackerPort": _port,
    "ASN": _asn,
    "ByteCount": _count,
    "PacketCount": _count,
    "FileSize": _count,
    "SmtpMailFromAddress": _email,
    "SmtpRcptToAddress": _email,
    "FromAddress": _email,
    "AccountEmail": _email,
    "ReporterOrgEmail": _email,
    "ReporterContactEmail": _email,
    "ComplainantOrgEmail": _email,
    "ComplainantContactEmail": _email,
    "ReporterOrgDomain": _hostname,
    "ComplainantOrgDomain": _hostname,
    "RpzDomain": _hostname,
    "SourceUrl": _url,
    "InfringingUrl": _url,
    "ReporterOrg": _nonempty,
    "ComplainantOrg": _nonempty,
    "ComplainantContactPhone": _string,
    "ReporterContactPhone": _string,
    "ReporterContactName": _string,
    "ComplainantContactName": _string,
    "ReportClass": _nonempty,
    "ReportType": _nonempty,
    "ReportSubType": _nonempty,
    "ReporterCaseID": _string,
    "ReporterNotes": _string,
    "ReporterSeverity": _enum(SEVERITIES),
    "Disclosure": _bool,
    "Ongoing": _bool,
    "Base64Encoded": _bool,
    "CourtOrder": _string,
    "InfringedMaterial": _string,
    "MaterialType": _string,
    "ServiceName": _nonempty,
    "ServiceVersion": _string,
    "TransportProtocol": _enum(TRANSPORT_PROTOCOLS),
    "HashAlgorithm": _enum(HASH_ALGORITHMS),
    "HashValue": _nonempty,
    "CVE": _cve,
    "MalwareName": _string,
    "BotnetName": _string,
    "AccountName": _nonempty,
    "AccountIdentifier": _nonempty,
    "ID": _string,
    "EventTags": _string_list,
    "PreviousStrikes": _string,
    "Description": _string,
    "ContentType": _nonempty,
    "Payload": _string,
    "FileName": _string,
}
REPORTER_MEMBERS = frozenset(
    {
        "ReporterOrg",
        "ReporterOrgDomain",
        "ReporterOrgEmail",
        "ReporterContactEmail",
        "ReporterContactName",
        "ReporterContactPhone",
        "ReporterType",
    }
)
PERSON_MEMBERS = frozenset({"ReporterOrg", "ReporterContactEmail", "ReporterContactName"})
#: Schema revisions that required a URL for hosted malware (dropped again in revision 3).
MALWARE_URL_VERSIONS = frozenset({"1", "2", "alpha"})
_VERSION = re.compile(r"^(?:\d+(?:\.\d+){0,2}|alpha|development)$")
SAMPLE_MEMBERS = ("ContentType", "Base64Encoded", "Description", "Payload")


#: What ``_walk_fields`` descends into (a tuple: ``isinstance`` tests it faster than a union).
_CONTAINERS = (dict, list)


def _walk_fields(path: str, value: Any) -> None:
    # A path is only needed when a rule breaks: members and nested containers are checked
    # under the empty path, and the path is put in front of the message on the way out.
    if isinstance(value, dict):
        for key, item in value.items():
            check = LEGACY_FIELDS.get(key)
            try:
                if check is not None:
                    check("", item)
                if key != "Custom" and isinstance(item, _CONTAINERS):
                    _walk_fields("", item)
            except SchemaViolation as exc:  # str(exc) starts where the empty path stood
                raise SchemaViolation(f"{path}.{key}{exc}") from None
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, _CONTAINERS):
                try:
                    _walk_fields("", item)
                except SchemaViolation as exc:
                    raise SchemaViolation(f"{path}[{i}]{exc}") from None


def _require(path: str, obj: Any, *members: str) -> None:
    if not isinstance(obj, dict):
        _fail(path, "must be an object")
    for member in members:
        if member not in obj:
            _fail(f"{path}.{member}", "is required")


def _legacy(doc: dict[str, Any]) -> None:
    _require("$", doc, "ReporterInfo", "Disclosure", "Report")
    reporter = doc["ReporterInfo"]
    if isinstance(reporter, dict) and reporter.get("ReporterType") == "Person":
        if not PERSON_MEMBERS & reporter.keys():
            _fail("$.ReporterInfo", "a person reporter needs a name, organisation or e-mail")
    else:
        _require("$.ReporterInfo", reporter, "ReporterOrg", "ReporterOrgDomain", "ReporterOrgEmail")
    for key in reporter:
        if key not in REPORTER_MEMBERS:
            _fail(f"$.ReporterInfo.{key}", "is not allowed")
    if "OnBehalfOf" in doc:
        _require("$.OnBehalfOf", doc["OnBehalfOf"], "ComplainantOrg")
    report = doc["Report"]
    _require("$.Report", report, "ReportClass", "ReportType", "Date")
    _walk_fields("$", doc)
    klass, kind = report["ReportClass"], report["ReportType"]
    if kind not in LEGACY_CLASSES.get(klass, frozenset()):
        _fail("$.Report.ReportType", f"{kind!r} is not a type of class {klass!r}")
    _legacy_type_rules(report)
    version = doc.get("Version")
    if version is not None and (not isinstance(version, str) or not _VERSION.match(version)):
        _fail("$.Version", f"{version!r} is not an X-ARF schema version")
    if version in MALWARE_URL_VERSIONS and kind == "Malware" and klass == "Content":
        _require("$.Report", report, "SourceUrl")
    samples = report.get("Samples")
    if samples is not None:
        if not isinstance(samples, list):
            _fail("$.Report.Samples", "must be a list")
        for i, sample in enumerate(samples):
            _require(f"$.Report.Samples[{i}]", sample, *SAMPLE_MEMBERS)
    for key, item in (report.get("Custom") or {}).items():
        if isinstance(item, dict | list):
            _fail(f"$.Report.Custom.{key}", "custom values must be scalars")
    cvss = report.get("CVSS")
    if cvss is not None:
        _require("$.Report.CVSS", cvss, "Version", "Vector")
        version, vector = str(cvss["Version"]), str(cvss["Vector"])
        if version not in CVSS_VERSIONS or (
            vector.startswith("CVSS:") and not vector.startswith(f"CVSS:{version}/")
        ):
            _fail("$.Report.CVSS", f"vector {vector!r} does not match version {version!r}")


def _legacy_type_rules(report: dict[str, Any]) -> None:
    kind = report["ReportType"]
    if kind == "OpenService":
        _require("$.Report", report, "ServiceName")
    elif kind == "Harassment":
        _require("$.Report", report, "Harasser", "HarassmentDescription")
    elif kind == "PotentiallyCompromisedAccount":
        _require("$.Report", report, "Account")
        if not report["Account"]:
            _fail("$.Report.Account", "must name the account")
        for member in ("SourceIp", "SourceUrl"):
            if member in report:
                _fail(f"$.Report.{member}", "not allowed: the attacker goes in AttackerIp")
        ident = report["Account"].get("AccountIdentifier")
        if isinstance(ident, str) and "@" in ident:
            _fail("$.Report.Account.AccountIdentifier", "an e-mail goes in AccountEmail")
    elif "SourceIp" not in report and "SourceUrl" not in report and "Source" not in report:
        _fail("$.Report", "needs SourceIp or SourceUrl")


def _v4(doc: dict[str, Any]) -> None:
    _require(
        "$",
        doc,
        "xarf_version",
        "report_id",
        "timestamp",
        "reporter",
        "category",
        "type",
        "source_identifier",
    )
    _nonempty("$.xarf_version", doc["xarf_version"])
    _datetime("$.timestamp", doc["timestamp"])
    _require("$.reporter", doc["reporter"], "org", "contact")
    _email("$.reporter.contact", doc["reporter"]["contact"])
    _enum(V4_CATEGORIES)("$.category", doc["category"])
    _nonempty("$.type", doc["type"])
    _nonempty("$.source_identifier", doc["source_identifier"])
    if "source_port" in doc:
        _port("$.source_port", doc["source_port"])
    if doc["category"] == "messaging":
        _require("$", doc, "protocol")


def clear_caches() -> None:
    """Forget the remembered address checks (a benchmark round starts cold)."""
    _is_ip_address.cache_clear()


def is_v4(doc: Mapping[str, Any]) -> bool:
    return "xarf_version" in doc or ("category" in doc and "source_identifier" in doc)


def validate(doc: Any) -> str | None:
    """The first rule ``doc`` breaks, as a sentence, or ``None`` when it is a valid X-ARF."""
    try:
        if not isinstance(doc, dict) or not doc:
            _fail("$", "an X-ARF report must be a non-empty JSON object")
        if is_v4(doc):
            _v4(doc)
        else:
            _legacy(doc)
    except SchemaViolation as exc:
        return str(exc)
    return None
