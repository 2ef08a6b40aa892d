"""Google Safe Browsing alerts for network administrators: ``<url_info url=… ip=…/>`` XML.

Each ``url_info`` declares a URL on the recipient's network flagged by Safe Browsing (role
``flagged``: the alert does not say in words what each ``list type`` means, so the classifier,
not this parser, names the category) and, when given, the address hosting it. The XML is
read with bounded regular expressions, never an XML parser (no entity expansion, whatever the
sender put in it).
"""

from __future__ import annotations

import html
import ipaddress
import re

from pipeline.models import Report
from pipeline.parsing.context import Context

FORMAT = "safebrowsing"
_ROOT = re.compile(r"<notification_message\b[^>]{0,500}>", re.IGNORECASE)
_LIST = re.compile(r"<list\s+type=\"(\d{1,3})\"\s*>(.{0,200000}?)</list>", re.DOTALL)
_URL_INFO = re.compile(r"<url_info\b([^>]{0,4096})/?>")
_ATTRIBUTE = re.compile(r"\b(url|ip)=\"([^\"]{0,4096})\"")
#: An unbracketed IPv6 host with a port (``http://fd00::1:2222/``), as anonymised alerts
#: write it; RFC 3986 §3.2.2 requires brackets, which are put back.
_BARE_IPV6 = re.compile(r"^(https?://)([0-9A-Fa-f:]+):(\d{1,5})(/.*)?$")


def looks_like(ctx: Context) -> bool:
    return _ROOT.search(ctx.texts(0, limit=2)[:65536]) is not None


def bracket_ipv6(url: str) -> str:
    """``http://fd00::1:2222/x`` → ``http://[fd00::1]:2222/x``; other URLs unchanged."""
    match = _BARE_IPV6.match(url)
    if match is None:
        return url
    scheme, host, port, path = match.groups()
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return url
    return f"{scheme}[{host}]:{port}{path or ''}"


def parse(ctx: Context) -> Report:
    offenders = ctx.offender_set()
    text = ctx.texts(0, limit=3)
    warnings: list[str] = []
    root = _ROOT.search(text)
    lists = []
    for listed in _LIST.finditer(text):
        lists.append(listed.group(1))
        for info in _URL_INFO.finditer(listed.group(2)):
            attributes = {k: html.unescape(v) for k, v in _ATTRIBUTE.findall(info.group(1))}
            if attributes.get("url"):
                offenders.declared_url(bracket_ipv6(attributes["url"]), "flagged")
            if attributes.get("ip") and not offenders.declared_ip(attributes["ip"], "hosting"):
                warnings.append(f"url_info ip {attributes['ip'][:60]!r} is not an IP address")
    if not offenders.result():
        warnings.append("Safe Browsing alert lists no URLs")
    fields = {"lists": ",".join(lists)}
    asn = re.search(r"asn=\"(\d{1,10})\"", root.group(0)) if root else None
    if asn:
        fields["asn"] = asn.group(1)
    return ctx.report(FORMAT, offenders, fields=fields, warnings=warnings)
