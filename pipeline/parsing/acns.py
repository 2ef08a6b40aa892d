"""ACNS copyright notices (the Automated Copyright Notice System XML that DMCA senders embed).

The ``<Infringement>`` document declares the infringing source (``<Source><IP_Address>``,
``<Port>``, ``<URL_Base>``), so its address is a declared offender even when reserved.
The XML is read with bounded regular expressions, never an XML parser: no entity expansion,
no external references, whatever the sender put in it.
"""

from __future__ import annotations

import re

from pipeline.models import Report
from pipeline.parsing.context import Context, bounded
from pipeline.parsing.dates import to_utc
from pipeline.parsing.limits import MAX_EVIDENCE_CHARS

FORMAT = "acns"
ACNS_NAMESPACE = "acns.net/ACNS"
_INFRINGEMENT = re.compile(r"<Infringement\b.{0,200000}?</Infringement>", re.DOTALL)
_SOURCE = re.compile(r"<Source>(.{0,20000}?)</Source>", re.DOTALL)


def _element(name: str, xml: str) -> str:
    match = re.search(rf"<{name}>([^<]{{0,2048}})</{name}>", xml)
    return match.group(1).strip() if match else ""


def notice_text(ctx: Context) -> str | None:
    """The first ACNS ``<Infringement>`` document in the report's text, if any."""
    # Detection searches for it, then the parser: the lazy search over the text runs once.
    return ctx.remember("acns.notice", lambda: _find_notice(ctx))


def _find_notice(ctx: Context) -> str | None:
    for part in ctx.parts_of(0):
        if part.text and ACNS_NAMESPACE in part.text:
            found = _INFRINGEMENT.search(part.text)
            if found:
                return found.group(0)
    return None


def parse(ctx: Context) -> Report:
    xml = notice_text(ctx) or ""
    offenders = ctx.offender_set()
    warnings: list[str] = []
    source = _SOURCE.search(xml)
    block = source.group(1) if source else ""
    address = _element("IP_Address", block)
    if not address or not offenders.declared_ip(address):
        warnings.append(f"ACNS notice without a usable Source IP_Address ({address[:60]!r})")
    url = _element("URL_Base", block)
    if url:
        offenders.declared_url(url, "hosting")
    fields = {
        "acns_case": _element("ID", xml),
        "acns_type": _element("Type", block),
        "source_port": _element("Port", block),
    }
    return ctx.report(
        FORMAT,
        offenders,
        evidence=bounded(xml, MAX_EVIDENCE_CHARS),
        fields={k: v for k, v in fields.items() if v},
        # ACNS exists for one thing only: copyright infringement notices.
        declared_category="copyright",
        date=to_utc(_element("TimeStamp", block)),
        warnings=warnings,
    )
