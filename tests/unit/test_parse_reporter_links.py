"""Free-text noise: the reporter's own links, reference sites and footers are never offenders."""

from __future__ import annotations

from pipeline.models import Report
from pipeline.parsing import parse_message
from pipeline.parsing.offenders import is_reserved_domain


def complaint(body: str, headers: str = "") -> bytes:
    return (
        f"From: Desk <noreply@alerts.watchdog.io>\r\nTo: abuse@isp.net\r\n{headers}"
        "Subject: malware\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def values(raw: bytes) -> set[str]:
    report = parse_message(raw)
    assert isinstance(report, Report), report
    return {o.value for o in report.offenders}


def test_reply_to_domain_links_are_the_reporters_own() -> None:
    """A link under the Reply-To domain is the reporter's service page, not an offender."""
    raw = complaint(
        "Bad: http://evil-pages.shop/x More: https://portal.csirt-help.net/faq",
        "Reply-To: team@csirt-help.net\r\n",
    )
    assert values(raw) == {"http://evil-pages.shop/x", "evil-pages.shop"}


def test_return_path_dkim_and_message_id_domains_are_the_reporters_own() -> None:
    """Return-Path, DKIM d= and Message-ID name the reporter's own mail system's domains."""
    headers = (
        "Return-Path: <bounce@mailer-one.net>\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=signer-two.net; s=k; b=x\r\n"
        "Message-ID: <1@www.three-sirt.org>\r\n"
    )
    body = "http://mailer-one.net/a http://signer-two.net/b http://www.three-sirt.org/c"
    assert values(complaint(body, headers)) == set()


def test_desk_domain_in_return_path_is_not_treated_as_the_reporters() -> None:
    """A Return-Path rewritten to the desk's own domain never hides customers under it."""
    raw = complaint("Phish at http://shop.isp.net/login", "Return-Path: <srs=x@isp.net>\r\n")
    assert "http://shop.isp.net/login" in values(raw)


def test_reference_and_lookup_sites_are_not_offenders() -> None:
    """Blocklist, registry and standards links in a complaint are references, not abusers."""
    body = (
        "See https://www.spamhaus.org/sbl/query/SBL1 https://apps.db.ripe.net/search "
        "https://www.virustotal.com/gui/url/abc https://datatracker.ietf.org/doc/rfc5965 "
        "and the phish http://login-bank.shop/"
    )
    assert values(complaint(body)) == {"http://login-bank.shop/", "login-bank.shop"}


def test_links_below_the_signature_separator_are_dropped() -> None:
    """Everything after the RFC 3676 '-- ' signature line is the sender's own footer."""
    body = "Spam advertises http://pills-cheap.shop/\r\n-- \r\nJane, https://janes-blog.org/"
    assert values(complaint(body)) == {"http://pills-cheap.shop/", "pills-cheap.shop"}


def test_links_below_an_underscore_footer_rule_are_dropped() -> None:
    """A rule of underscores starts a template footer whose links are the sender's own."""
    body = "Host 8.8.4.4 scans us.\r\n__________\r\nUnsubscribe: https://notices-hub.org/u"
    assert values(complaint(body)) == {"8.8.4.4"}


def test_shortener_info_pages_are_dropped_but_short_links_kept() -> None:
    """bit.ly/x+ (the shortener's info page) is a reference; bit.ly/x is the spam link."""
    assert values(complaint("https://bit.ly/3abc+ https://bit.ly/3abc")) == {
        "https://bit.ly/3abc",
        "bit.ly",
    }


def test_platform_urls_keep_the_page_but_not_the_platform_domain() -> None:
    """A spammer's page on a shared platform is an offender; the platform's domain is not."""
    assert values(complaint("Profile: https://plus.google.com/+SpamShop")) == {
        "https://plus.google.com/+SpamShop"
    }


def test_page_resources_are_not_spamvertised() -> None:
    """Web-font and CDN resource links of an HTML mail are neither URL nor domain offenders."""
    body = "http://fonts.googleapis.com/css?family=Sans http://deals-now.shop/"
    assert values(complaint(body)) == {"http://deals-now.shop/", "deals-now.shop"}


def test_html_escaped_ampersands_are_unescaped_in_urls() -> None:
    """An href copied from HTML source carries '&amp;'; the offender URL has a bare '&'."""
    assert "http://track.spam.shop/c?a=1&b=2" in values(
        complaint("http://track.spam.shop/c?a=1&amp;b=2")
    )


def test_example_labels_under_any_suffix_are_documentation_names() -> None:
    """example.co.jp or example.ed.jp are reserved for documentation like example.com."""
    assert is_reserved_domain("mx.example.co.jp") and is_reserved_domain("example.ed.jp")
    assert not is_reserved_domain("examples.shop")
