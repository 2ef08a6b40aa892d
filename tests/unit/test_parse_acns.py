"""ACNS copyright notices: the XML's Source IP_Address is the declared offender."""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing import parse_message

NOTICE = (
    "From: notices@rights-agent.org\r\nTo: abuse@isp.net\r\nSubject: Notice of Infringement\r\n"
    "Content-Type: text/plain\r\n\r\nDear Sir or Madam, please act.\r\n"
    '<Infringement xmlns="http://www.acns.net/ACNS"><Case><ID>42</ID></Case>'
    "<Source><TimeStamp>2015-11-16T05:45:49Z</TimeStamp><IP_Address>8.8.4.4</IP_Address>"
    "<Port>51413</Port><Type>BitTorrent</Type></Source></Infringement>\r\n"
)


def test_acns_source_address_is_a_declared_copyright_offender() -> None:
    """The notice's Source IP_Address is the source; the notice declares copyright."""
    report = parse_message(NOTICE.encode())
    assert isinstance(report, Report) and report.format == "acns"
    assert [o.to_json() for o in report.offenders] == [
        {"kind": "ip", "value": "8.8.4.4", "role": "source"}
    ]
    assert report.declared_category == "copyright"
    assert report.date is not None and report.date.isoformat() == "2015-11-16T05:45:49+00:00"


def test_acns_entities_are_not_expanded() -> None:
    """An entity-expansion payload is read as text, never expanded."""
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + NOTICE.split("\r\n\r\n", 1)[1]
    raw = NOTICE.split("\r\n\r\n", 1)[0] + "\r\n\r\n" + bomb
    report = parse_message(raw.encode())
    assert isinstance(report, Report) and report.format == "acns"
