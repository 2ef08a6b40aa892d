"""X-ARF: v0.1/v0.2 mail with a YAML report part, legacy JSON (abusix 1–3) and v4 JSON.

Every X-ARF report declares its category and type, which map to the taxonomy below where the
meaning is unambiguous, and its source, which becomes a declared offender.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from pipeline.models import Report
from pipeline.parsing.context import Context, FormatError, bounded, field_lines
from pipeline.parsing.dates import to_utc
from pipeline.parsing.flat_yaml import load_flat
from pipeline.parsing.limits import MAX_BODY_CHARS, MAX_EVIDENCE_CHARS, MAX_STRUCTURED_BYTES
from pipeline.parsing.mailboxes import valid_email
from pipeline.parsing.mime import header_text
from pipeline.parsing.offenders import OffenderSet, parse_ip
from pipeline.parsing.psl import registrable_domain
from pipeline.parsing.xarf_schema import is_v4, validate

FORMAT = "xarf"

#: X-ARF report types (all versions, normalised to lower case with ``_``) → taxonomy label.
#: Absent: types whose abuse class is not clear from the type alone (harvesting, scraping,
#: webcrawler, exposed data, threat intelligence, compromised accounts, generic "info").
TYPE_CATEGORIES = {
    "spam": "spam",
    "bulk_messaging": "spam",
    "trap": "spam",
    "spamvertised": "spam",
    "phishing": "phishing",
    "phishing_site": "phishing",
    "malware": "malware",
    "malware_attack": "malware",
    "malware_distribution": "malware",
    "botnet": "malware",
    "infected_host": "malware",
    "compromised_server": "malware",
    "compromised_website": "malware",
    "bot": "malware",
    "drone": "malware",
    "remote_compromise": "malware",
    "defacement": "malware",
    "web_hack": "malware",
    "ddos": "network_attack",
    "dos": "network_attack",
    "portscan": "network_attack",
    "port_scan": "network_attack",
    "login_attack": "network_attack",
    "loginattack": "network_attack",
    "exploit": "network_attack",
    "sql_injection": "network_attack",
    "vulnerability_scan": "network_attack",
    "reconnaissance": "network_attack",
    "ip_spoof": "network_attack",
    "web_attack": "network_attack",
    "childabuse": "child_abuse",
    "child_abuse": "child_abuse",
    "csam": "child_abuse",
    "csem": "child_abuse",
    "childsexualabusematerial": "child_abuse",
    "copyright": "copyright",
    "trademark": "copyright",
    "brand_infringement": "copyright",
    "dmca": "copyright",
    "p2p": "copyright",
    "cyberlocker": "copyright",
    "link_site": "copyright",
    "ugc_platform": "copyright",
    "usenet": "copyright",
    "fraud": "fraud",
    "harassment": "harassment",
    "blocklist": "blocklisting",
    "openservice": "vulnerable_service",
    "open_service": "vulnerable_service",
    "cve": "vulnerable_service",
    "misconfiguration": "vulnerable_service",
    "ssl_freak": "vulnerable_service",
    "ssl_poodle": "vulnerable_service",
    "outdated_dnssec": "vulnerable_service",
}
#: v4 categories that decide on their own whatever the type says.
CATEGORY_CATEGORIES = {"copyright": "copyright"}
#: The X-ARF source/URL member names that carry the abusing resource in the JSON shapes.
URL_MEMBERS = ("SourceUrl", "url", "source_url", "InfringingUrl", "infringing_url")


def taxonomy(category: str, kind: str) -> str | None:
    """The taxonomy label for an X-ARF category/type pair, or ``None`` when not unambiguous."""
    key = kind.strip().lower().replace("-", "_").replace(" ", "_")
    return TYPE_CATEGORIES.get(key) or CATEGORY_CATEGORIES.get(category.strip().lower())


def parse_json(raw: bytes, *, reporter: str | None = None) -> Report:
    """A bare X-ARF JSON document (legacy or v4); raises ``FormatError`` when invalid."""
    if len(raw) > MAX_STRUCTURED_BYTES:
        raise FormatError(f"X-ARF document of {len(raw)} bytes is too large")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FormatError(f"X-ARF JSON does not parse: {exc}") from None
    problem = validate(doc)
    if problem is not None:
        raise FormatError(f"X-ARF JSON invalid: {problem}")
    return _from_v4(doc, reporter) if is_v4(doc) else _from_legacy(doc, reporter)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _source(offenders: OffenderSet, value: str, kind: str = "") -> None:
    """A declared X-ARF source: IP, URL, e-mail or domain, as its type (or shape) says."""
    kind = kind.lower()
    if not value:
        return
    if kind.startswith("ip") or parse_ip(value) is not None:
        if not offenders.declared_ip(value):
            offenders.declared_domain(value, "source")
    elif "://" in value or kind in ("uri", "url"):
        offenders.declared_url(value, "source")
    elif "@" in value:
        offenders.declared_email(value, "source")
    else:
        offenders.declared_domain(value, "source")


def _offender_set(reporter_domain: Any) -> OffenderSet:
    """A collector ignoring the reporter's own domain (its links are never offenders)."""
    own = registrable_domain(_str(reporter_domain))
    return OffenderSet(ignored_domains=frozenset({own} if own else set()))


def _from_legacy(doc: dict[str, Any], reporter: str | None) -> Report:
    info = doc["ReporterInfo"]
    report = doc["Report"]
    klass, kind = _str(report.get("ReportClass")), _str(report.get("ReportType"))
    offenders = _offender_set(info.get("ReporterOrgDomain"))
    source = report.get("Source")
    if isinstance(source, dict):
        value = source.get("IP") or source.get("URL") or source.get("Value")
        _source(offenders, _str(value), _str(source.get("Type")))
    _source(offenders, _str(report.get("SourceIp")), "ip")
    _source(offenders, _str(report.get("AttackerIp")), "ip")
    role = "phishing_url" if kind.lower() == "phishing" else "hosting"
    for member in URL_MEMBERS:
        if isinstance(report.get(member), str):
            offenders.declared_url(report[member], role)
    if isinstance(report.get("RpzDomain"), str):
        offenders.declared_domain(report["RpzDomain"], "malware")
    if isinstance(report.get("SmtpMailFromAddress"), str):
        offenders.declared_email(report["SmtpMailFromAddress"], "sender")
    address = valid_email(_str(info.get("ReporterOrgEmail") or info.get("ReporterContactEmail")))
    fields = {
        "xarf_version": _str(doc.get("Version")),
        "xarf_category": klass,
        "xarf_type": kind,
    }
    if report.get("ReportSubType"):
        fields["xarf_subtype"] = _str(report["ReportSubType"])
    if info.get("ReporterOrgDomain"):
        fields["reporter_domain"] = _str(info["ReporterOrgDomain"]).lower()
    return Report(
        format=FORMAT,
        subject=f"{klass} {kind}".strip(),
        reporter=reporter or (address.lower() if address else None),
        offenders=offenders.result(),
        body=_describe(report),
        evidence=bounded(
            json.dumps(report.get("Samples") or report.get("Attachment") or [], ensure_ascii=False),
            MAX_EVIDENCE_CHARS,
        ),
        fields=fields,
        declared_category=taxonomy(klass, kind),
        date=to_utc(_str(report.get("Date"))),
    )


def _from_v4(doc: dict[str, Any], reporter: str | None) -> Report:
    info = doc["reporter"]
    category, kind = _str(doc.get("category")), _str(doc.get("type"))
    offenders = _offender_set(info.get("domain"))
    _source(offenders, _str(doc.get("source_identifier")))
    role = "phishing_url" if "phishing" in kind.lower() else "hosting"
    for member in URL_MEMBERS:
        if isinstance(doc.get(member), str):
            offenders.declared_url(doc[member], role)
    if isinstance(doc.get("smtp_from"), str):
        offenders.declared_email(doc["smtp_from"], "sender")
    address = valid_email(_str(info.get("contact")))
    fields = {
        "xarf_version": _str(doc.get("xarf_version")),
        "xarf_category": category,
        "xarf_type": kind,
    }
    if info.get("domain"):
        fields["reporter_domain"] = _str(info["domain"]).lower()
    return Report(
        format=FORMAT,
        subject=_str(doc.get("subject")) or f"{category} {kind}",
        reporter=reporter or (address.lower() if address else None),
        offenders=offenders.result(),
        body=_describe({k: v for k, v in doc.items() if k != "evidence"}),
        evidence=bounded(
            json.dumps(doc.get("evidence") or [], ensure_ascii=False), MAX_EVIDENCE_CHARS
        ),
        fields=fields,
        declared_category=taxonomy(category, kind),
        date=to_utc(_str(doc.get("timestamp"))),
    )


def _describe(obj: dict[str, Any]) -> str:
    """The report's scalar members as ``Name: value`` lines, the text the classifier reads."""
    lines = [f"{k}: {v}" for k, v in obj.items() if isinstance(v, str | int | float)]
    return bounded("\n".join(lines), MAX_BODY_CHARS)


#: Keys only an X-ARF JSON document has (v4 ``xarf_version``; v0.3 ``ReporterInfo``…).
_JSON_MARKERS = ('"xarf_version"', '"ReporterInfo"', '"Report-Type"')


def find_report_parts(ctx: Context) -> list[tuple[str, str]]:
    """Every X-ARF report part of a mail, in order: ``("yaml", text)`` or ``("json", text)``.

    Some reporters (WebIron) attach one report part per incident to the same mail.
    """
    # Detection asks first, then the parser: look through the parts once per message.
    return list(ctx.remember("xarf.report_parts", lambda: _find_report_parts(ctx)))


def _find_report_parts(ctx: Context) -> tuple[tuple[str, str], ...]:
    found = []
    declared = bool(header_text(ctx.headers, "X-XARF"))
    for part in ctx.tree.parts:
        if part.text is None or part.message_index != 0:
            continue
        text = part.text.lstrip()
        # Reporters attach plain JSON too (webhook payloads, scanner exports): a JSON part is
        # an X-ARF report only when the mail says so or the document carries X-ARF's keys.
        if (part.content_type == "application/json" or text.startswith("{")) and (
            declared or any(marker in text[:8192] for marker in _JSON_MARKERS)
        ):
            found.append(("json", part.text))
            continue
        head = text[:4096].lower()
        if "report-type:" in head and (text.startswith("---") or "\nsource:" in head):
            found.append(("yaml", part.text))
    return tuple(found)


def find_report_part(ctx: Context) -> tuple[str, str] | None:
    """The first X-ARF report part of a mail, if it has one."""
    found = find_report_parts(ctx)
    return found[0] if found else None


def parse_mail(ctx: Context) -> Report:
    """An X-ARF mail: the first report part decides, every report part adds its offenders."""
    found = find_report_parts(ctx)
    if not found:
        raise FormatError("X-ARF mail without a report part")
    reports = [_parse_part(ctx, kind, text) for kind, text in found]
    first = reports[0]
    merged = {(o.kind, o.value): o for r in reversed(reports) for o in r.offenders}
    order = dict.fromkeys((o.kind, o.value) for r in reports for o in r.offenders)
    return Report(
        format=first.format,
        subject=first.subject,
        reporter=first.reporter,
        offenders=tuple(merged[key] for key in order),
        body=first.body,
        evidence=first.evidence,
        fields={**first.fields, "report_parts": str(len(reports))},
        declared_category=first.declared_category,
        date=first.date,
        warnings=tuple(dict.fromkeys(w for r in reports for w in r.warnings)),
    )


def _parse_part(ctx: Context, kind: str, text: str) -> Report:
    if kind == "json":
        report = parse_json(text.encode("utf-8"), reporter=ctx.reporter)
        return Report(
            format=report.format,
            subject=ctx.subject() or report.subject,
            reporter=report.reporter,
            offenders=report.offenders,
            body=bounded(ctx.report_text() + "\n" + report.body, MAX_BODY_CHARS),
            evidence=report.evidence,
            fields=report.fields,
            declared_category=report.declared_category,
            date=report.date,
            warnings=ctx.tree.warnings,
        )
    return _from_yaml(ctx, text)


#: libyaml's safe loader when PyYAML was built with it: same documents, same types, some
#: 10x faster than the pure-Python ``SafeLoader``, which is the fallback.
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_fields(text: str) -> tuple[dict[str, str], list[str]]:
    warnings: list[str] = []
    document = text[:MAX_STRUCTURED_BYTES]
    try:
        loaded = load_flat(document)
        if loaded is None:  # not the flat shape: the YAML parser decides
            loaded = yaml.load(document, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        loaded = None
        warnings.append("X-ARF report part is not valid YAML: read as Name: value lines")
    except ValueError as exc:  # a well-formed scalar naming an impossible date (2014-13-45)
        loaded = None
        warnings.append(f"X-ARF report part has an impossible value ({exc}): read as Name: "
                        "value lines")
    if isinstance(loaded, dict):
        return {str(k).lower(): _str(v).strip() for k, v in loaded.items()}, warnings
    return {k: v[0] for k, v in field_lines(text).items() if v}, warnings


def _from_yaml(ctx: Context, text: str) -> Report:
    values, warnings = _yaml_fields(text)
    category, kind = values.get("category", ""), values.get("report-type", "")
    own = registrable_domain(values.get("reported-from", "").rsplit("@", 1)[-1])
    offenders = ctx.offender_set(own)
    source = values.get("source", "")
    if not source:
        warnings.append("X-ARF report declares no Source")
    _source(offenders, source, values.get("source-type", ""))
    for member in ("download-link", "url", "source-url"):
        if values.get(member):
            offenders.declared_url(values[member], "malware" if "malware" in kind else "hosting")
    domain = values.get("domain", "")
    if domain and offenders.own_domain(domain):
        warnings.append(f"X-ARF Domain {domain[:60]!r} is the reporter's own: ignored")
    elif domain:
        offenders.declared_domain(domain, "source")
    fields = {
        "xarf_version": values.get("version", "0.1"),
        "xarf_category": category,
        "xarf_type": kind,
    }
    for member in ("service", "port", "report-id", "user-agent"):
        if values.get(member):
            fields[member.replace("-", "_")] = values[member]
    reporter = valid_email(values.get("reported-from", "")) or ctx.reporter
    if ctx.reporter_domain:
        fields["reporter_domain"] = ctx.reporter_domain
    evidence = "\n".join(
        p.text for p in ctx.tree.parts if p.text is not None and p.text is not text and p.filename
    )
    return Report(
        format=FORMAT,
        subject=ctx.subject(),
        reporter=reporter.lower() if reporter else None,
        offenders=offenders.result(),
        body=ctx.report_text(),
        evidence=bounded(evidence, MAX_EVIDENCE_CHARS),
        fields=fields,
        declared_category=taxonomy(category, kind),
        date=to_utc(values.get("date") or ctx.date()),
        warnings=(*ctx.tree.warnings, *warnings),
    )
