"""Offender extraction: IPs, domains, URLs and mailboxes, refanged, validated and deduplicated.

Two ways in. A *declared* offender (ARF Source-IP, X-ARF Source, SpamCop's source line) is kept
as declared, flagged ``reserved`` when it lies in a private, documentation or otherwise
non-global range. A *heuristic* offender (found in text, tables or a Received chain) in such a
range, or on a reserved example domain, or on the reporter's own domain, is dropped: those are
relays, anonymised placeholders or the reporter's boilerplate, never the abuser.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from pipeline.models import Offender, OffenderKind
from pipeline.parsing import ip_ranges
from pipeline.parsing.limits import MAX_OFFENDERS, MAX_SCAN_CHARS
from pipeline.parsing.mailboxes import valid_email
from pipeline.parsing.memo import HOST_CACHE_SIZE, HostCache
from pipeline.parsing.psl import has_known_suffix, registrable_domain

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: RFC 2606 / RFC 6761 names reserved for documentation and testing: never real abusers.
RESERVED_SUFFIXES = (".test", ".example", ".invalid", ".localhost", ".local", ".localdomain")
RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org", "localhost"})
#: Sites that reports link to for reference, never the abuser. Curated by kind, each entry
#: because notices link to it as boilerplate: standards bodies and format specs (RFCs, X-ARF,
#: ACNS, M3AAWG); blocklists and reputation/lookup services (delisting and "more info" pages,
#: including Unspam, which runs Project Honey Pot); regional internet registries (whois
#: look-ups); CERT/CSIRT coordination sites; antivirus vendors whose "checked for viruses"
#: footer links the sending client appends. A spamvertised or phishing domain is never here.
REFERENCE_DOMAINS = frozenset(
    {
        # standards bodies and report-format specifications
        "ietf.org",
        "rfc-editor.org",
        "w3.org",
        "iana.org",
        "x-arf.org",
        "xarf.org",
        "acns.net",
        "m3aawg.org",
        "maawg.org",
        "mipassoc.org",
        # blocklists, reputation and look-up services
        "spamhaus.org",
        "spamcop.net",
        "abuseat.org",
        "sorbs.net",
        "barracudacentral.org",
        "uceprotect.net",
        "surbl.org",
        "uribl.com",
        "projecthoneypot.org",
        "unspam.com",
        "abuseipdb.com",
        "mxtoolbox.com",
        "virustotal.com",
        "abuse.ch",
        "phishtank.com",
        "senderscore.org",
        "senderbase.org",
        "talosintelligence.com",
        "stopforumspam.com",
        "dnsbl.info",
        "spamassassin.apache.org",
        # regional internet registries (whois look-ups)
        "ripe.net",
        "arin.net",
        "apnic.net",
        "lacnic.net",
        "afrinic.net",
        "icann.org",
        # antivirus footers that the sender's mail client appends ("checked for viruses by")
        "avast.com",
        "avg.com",
        # CERT / CSIRT coordination
        "cert.org",
        "first.org",
        "cisa.gov",
        "us-cert.gov",
        "cert.at",
        "ncsc.nl",
        "jpcert.or.jp",
    }
)
#: Shared platforms hosting many unrelated users: a URL on them names the abusive page (kept),
#: but the platform's registrable domain is not the abuser and is never a domain offender.
PLATFORM_DOMAINS = frozenset(
    {
        "google.com",
        "youtube.com",
        "facebook.com",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "instagram.com",
        "prezi.com",
        "github.com",
        "wordpress.com",
    }
)
#: Page resources (web fonts, script CDNs) that HTML mail loads: neither URL nor domain is
#: what the mail advertises.
RESOURCE_DOMAINS = frozenset({"googleapis.com", "gstatic.com", "cloudflare.com", "jsdelivr.net"})
#: URL shorteners whose *info/preview* pages (not the short links) notices link to.
SHORTENER_INFO = re.compile(
    r"^https?://(?:(?:bit\.ly|bitly\.com|goo\.gl|t\.co)/[^\s?#]+\+$|preview\.tinyurl\.com/)",
    re.IGNORECASE,
)
#: Top-level domains that are also common file extensions: ``setup.zip``, ``run.py`` and
#: ``notes.md`` in a complaint are file names, not hosts (bare names only; URLs are kept).
FILE_LIKE_TLDS = frozenset({"zip", "mov", "py", "pl", "sh", "rs", "md", "ps", "so", "cc"})
#: PGP key servers that signed notices link to.
REFERENCE_HOSTS = frozenset({"pgp.mit.edu", "keys.openpgp.org", "keyserver.ubuntu.com"})
#: Registries reserve the label ``example`` for documentation under their own suffixes too
#: (RFC 2606 for .com/.net/.org; JPRS for example.jp, example.co.jp, example.ed.jp…).
DOCUMENTATION_LABEL = "example"

# Defanging conventions seen in abuse reports, undone before extraction.
_DEFANG = (
    (re.compile(r"\bhxxp(s?)", re.IGNORECASE), r"http\1"),
    (re.compile(r"\bfxp://", re.IGNORECASE), "ftp://"),
    (re.compile(r"\[:\]//|\[://\]|\(:\)//"), "://"),
    (re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\sdot\s(?=[a-z0-9])", re.IGNORECASE), "."),
    (re.compile(r"\[@\]|\[at\]|\(at\)", re.IGNORECASE), "@"),
)
#: A literal part of every convention above, in lower case. A text holding none of them (the
#: usual case) needs no substitution; checking that is far cheaper than any of the scans.
_DEFANG_MARKS = (
    "hxxp",
    "fxp://",
    "[:]//",
    "[://]",
    "(:)//",
    "[.]",
    "(.)",
    "{.}",
    "[dot]",
    "(dot)",
    "[@]",
    "[at]",
    "(at)",
)
#: Pieces of the marks that a fast substring scan finds: one scan for a bracket (or ``xp``)
#: rules out every mark holding it, where each mark took a scan of its own.
_GATE_PIECES = ("[", "(", "{", "xp")
#: ``_DEFANG_MARKS`` grouped under the first gate piece each holds.
_DEFANG_GATES = tuple(
    (piece, tuple(m for m in _DEFANG_MARKS if next(p for p in _GATE_PIECES if p in m) == piece))
    for piece in _GATE_PIECES
)
#: Per gate, one search for all of its marks: the bracket marks share their first character,
#: which the regex engine skips to as fast as a substring scan, so one pass replaces one scan
#: per mark. The ``xp`` marks share no first character (a search for them would test every
#: position), so those stay substring scans, run only when ``xp`` is there at all.
_GATE_SEARCHES = tuple(
    (piece, None if piece == "xp" else re.compile("|".join(map(re.escape, marks))).search, marks)
    for piece, marks in _DEFANG_GATES
)
#: ``\sdot\s`` written to start on the literal, which the regex engine finds fast.
_SPACED_DOT = re.compile(r"dot(?<=\sdot)\s")

#: An IPv4 address exactly as ``ipaddress`` accepts it: four decimal octets 0-255, no leading
#: zeros (RFC 6943 §3.1.1 dotted-decimal; ASCII digits only).
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_DOTTED_QUAD = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
#: ``(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}``, led by a digit so the regex engine skips to digits
#: (a leading look-behind makes it try every position); ``(?<![\d.]\d)`` is that look-behind.
_IPV4 = re.compile(r"\d(?<![\d.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\d.]*\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
#: ``\b(?:https?|ftp)://…`` in any letter case, spelled out: with ``IGNORECASE`` or a leading
#: ``\b`` the regex engine tries every position of the text, which made this the costliest
#: scan of a report; led by the letter it skips ahead. ``(?<!\w.)`` is the ``\b`` before it.
_URL = re.compile(
    r"[HhFf](?<!\w.)(?:(?<=[Hh])[Tt][Tt][Pp][Ss]?|(?<=[Ff])[Tt][Pp])://[^\s<>\"'`{}|\\^\[\]]+"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}\b")
_HOST = re.compile(
    r"(?<![\w.@/-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![\w@-])"
)
_URL_TRAIL = ".,;:!?)'\"*>"
#: ``scheme://host[:port]`` and then a path, query, fragment or the end, the host plain
#: letters, digits, dots and hyphens (RFC 3986 §3.1-3.2): ``urlsplit`` would return that host
#: in lower case, so the common URL needs no ``urlsplit``, the costliest step of a link.
_PLAIN_URL_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?::[0-9]*)?(?=[/?#]|\Z)")


def refang(text: str) -> str:
    """Undo ``hxxp://``, ``[.]``, ``(dot)``, ``[:]//``, ``[at]`` so the values parse."""
    if not _looks_defanged(text):
        return text
    for pattern, replacement in _DEFANG:
        text = pattern.sub(replacement, text)
    return text


def _looks_defanged(text: str) -> bool:
    if text.isascii():
        return _marked(text.lower(), spaced_dot=True)
    # Lower-casing non-ASCII text goes character by character through the Unicode tables.
    # Every mark is ASCII without ``i`` or ``k``, the only letters a non-ASCII character
    # lower-cases to, so a mark in the lowered text is a run of ASCII characters of the text:
    # the text with its non-ASCII characters dropped holds it too. That check can only err
    # towards "maybe", and "maybe" is settled on the whole lowered text. A spaced ``dot`` may
    # be spaced by non-ASCII blanks, which dropping removes: its word alone says "maybe".
    if not _marked(text.encode("ascii", "ignore").decode("ascii").lower(), spaced_dot=False):
        return False
    return _marked(text.lower(), spaced_dot=True)


def _marked(lowered: str, *, spaced_dot: bool) -> bool:
    """Whether lower-case ``lowered`` holds a defang mark or (``spaced_dot``) a spaced dot."""
    for piece, search, marks in _GATE_SEARCHES:
        if piece in lowered and (
            search(lowered) is not None if search else any(m in lowered for m in marks)
        ):
            return True
    return "dot" in lowered and (not spaced_dot or _SPACED_DOT.search(lowered) is not None)


@HostCache
def parse_ip(value: str) -> IpAddress | None:
    """An IP address from a declared value (``192.0.2.1 (host.example)`` → ``192.0.2.1``)."""
    token = value.strip().split()[0] if value.strip() else ""
    token = token.strip("[]<>(),;")
    if token.lower().startswith("ipv6:"):
        token = token[5:]
    # Most values are host names: an IPv4 address is digits and dots, an IPv6 one has a
    # colon, and skipping the rest spares two failed parses (each raising) per name.
    if ":" not in token and not token.replace(".", "").isdigit():
        return None
    dotted = _DOTTED_QUAD.fullmatch(token)
    if dotted is not None:  # what ``ip_address`` accepts as IPv4, read without its parser
        a, b, c, d = (int(octet) for octet in dotted.groups())
        return ipaddress.IPv4Address(a << 24 | b << 16 | c << 8 | d)
    try:
        return ipaddress.ip_address(token)
    except ValueError:
        return None


@lru_cache(maxsize=HOST_CACHE_SIZE)
def is_reserved_ip(ip: IpAddress) -> bool:
    """Private, loopback, link-local, documentation, shared, multicast or otherwise non-global."""
    return ip_ranges.is_reserved_ip(ip)


@HostCache
def is_reserved_domain(host: str) -> bool:
    """Documentation/test names (RFC 2606, RFC 6761) that stand for nobody in particular."""
    host = host.lower().rstrip(".")
    base = registrable_domain(host)
    return (
        (base is not None and base.split(".", 1)[0] == DOCUMENTATION_LABEL)
        or host in RESERVED_DOMAINS
        or any(host.endswith("." + d) for d in RESERVED_DOMAINS)
        or host.endswith(RESERVED_SUFFIXES)
    )


@HostCache
def is_boilerplate_host(host: str) -> bool:
    """Documentation names, reference sites, page resources and junk: nobody's abuse host."""
    return (
        is_reserved_domain(host)
        or host.lower() in REFERENCE_HOSTS
        or registrable_domain(host) is None
        or _under(host, REFERENCE_DOMAINS)
        or _under(host, RESOURCE_DOMAINS)
    )


#: A URL host: its address (if it is one), whether it is reserved, and its registrable domain.
_HostVerdict = tuple[IpAddress | None, bool, str | None]


@dataclass
class OffenderSet:
    """Collects offenders in discovery order, one per (kind, value), first role wins."""

    #: Registrable domains of the reporter and trusted relays: never offenders by heuristics.
    ignored_domains: frozenset[str] = frozenset()
    #: The desk's own mailboxes (the report's recipients): never offenders by heuristics.
    ignored_emails: frozenset[str] = frozenset()
    #: Computes both sets above when first needed, if given: reading the reporter's own
    #: domains takes a dozen header look-ups, and reports whose offenders are all declared
    #: addresses never ask.
    ignores: Callable[[], tuple[frozenset[str], frozenset[str]]] | None = field(
        default=None, repr=False, compare=False
    )
    _seen: dict[tuple[OffenderKind, str], Offender] = field(default_factory=dict)
    _hosts: dict[str, _HostVerdict] = field(default_factory=dict, repr=False, compare=False)
    truncated: bool = False

    def _put(self, offender: Offender) -> None:
        key = (offender.kind, offender.value)
        if key in self._seen:
            return
        if len(self._seen) >= MAX_OFFENDERS:
            self.truncated = True
            return
        self._seen[key] = offender

    def _resolve(self) -> None:
        if self.ignores is not None:
            self.ignored_domains, self.ignored_emails = self.ignores()
            self.ignores = None

    def _ignored_host(self, host: str) -> bool:
        if is_boilerplate_host(host):
            return True
        self._resolve()
        return registrable_domain(host) in self.ignored_domains

    def own_domain(self, host: str) -> bool:
        """Whether ``host`` is under the reporter's (or a trusted relay's) own domain."""
        self._resolve()
        return registrable_domain(host) in self.ignored_domains

    def declared_ip(self, value: str, role: str = "source") -> bool:
        """Add an IP a report declares; ``reserved`` when it is not a global address."""
        ip = parse_ip(value)
        if ip is None:
            return False
        self._put(Offender(OffenderKind.IP, ip.compressed, role, reserved=is_reserved_ip(ip)))
        return True

    def declared_domain(self, value: str, role: str) -> bool:
        """Add a declared domain; ``False`` when it is no domain name or a reserved one."""
        host = value.strip().strip(".<>").lower()
        if _HOST.fullmatch(host) and not is_reserved_domain(host):
            self._put(Offender(OffenderKind.DOMAIN, host, role))
            return True
        return False

    def declared_url(self, value: str, role: str) -> None:
        self.url(refang(value.strip()), role, declared=True)

    def declared_email(self, value: str, role: str) -> bool:
        """Add a declared mailbox; ``False`` when it is invalid or on a reserved domain."""
        address = valid_email(value)
        if address is None or is_reserved_domain(address.rsplit("@", 1)[1]):
            return False
        self._put(Offender(OffenderKind.EMAIL, address, role))
        return True

    def heuristic_ip(self, ip: IpAddress, role: str) -> None:
        if not is_reserved_ip(ip):
            self._put(Offender(OffenderKind.IP, ip.compressed, role))

    def url(self, value: str, role: str, *, declared: bool = False) -> None:
        """Add a URL and the registrable domain (or IP) of its host.

        A declared URL is kept as declared (``reserved`` when its host is a documentation
        name); a heuristic one is dropped when it is reference boilerplate or a page resource.
        """
        # HTML source keeps ``&amp;`` inside href values; the URL itself has a bare ``&``.
        value = value.rstrip(_URL_TRAIL).replace("&amp;", "&")
        try:
            host = url_host(value)
        except ValueError:
            return
        if not host:
            return
        verdict = self._hosts.get(host)
        if verdict is None:
            verdict = self._hosts[host] = self._judge_host(host)
        ip, reserved, base = verdict
        if ip is not None:
            if declared or not reserved:
                self._put(Offender(OffenderKind.URL, value, role, reserved))
                self._put(Offender(OffenderKind.IP, ip.compressed, "hosting", reserved))
            return
        if not declared and (self._ignored_host(host) or SHORTENER_INFO.match(value)):
            return
        self._put(Offender(OffenderKind.URL, value, role, reserved=declared and reserved))
        if base and not reserved and base not in PLATFORM_DOMAINS:
            self._put(Offender(OffenderKind.DOMAIN, base, role))

    def _judge_host(self, host: str) -> _HostVerdict:
        """What ``url`` needs to know of a URL's host; a spam body names the same few often."""
        ip = parse_ip(host)
        if ip is not None:
            return ip, is_reserved_ip(ip), None
        return None, is_reserved_domain(host), registrable_domain(host)

    def scan_text(
        self,
        text: str,
        *,
        ip_role: str | None,
        url_role: str,
        email_role: str | None,
        hosts: bool = False,
    ) -> None:
        """Heuristic extraction from free text: addresses, URLs, mailboxes (and bare hosts)."""
        text = refang(text[:MAX_SCAN_CHARS])
        # A spam body repeats its links; a repeat would change nothing, so skip the work.
        for url in dict.fromkeys(links(text)):
            self.url(url, url_role)
        if ip_role is not None:
            for ip in _ips(text):
                self.heuristic_ip(ip, ip_role)
        if email_role is not None:
            self._resolve()
            for match in _EMAIL.finditer(text):
                address = match.group(0)
                if address.lower() in self.ignored_emails:
                    continue
                if not self._ignored_host(address.rsplit("@", 1)[1]):
                    self.declared_email(address, email_role)
        if hosts:
            stripped = _URL.sub(" ", _EMAIL.sub(" ", text))
            for match in _HOST.finditer(stripped):
                host = match.group(0).lower()
                if host.count(".") == 1 and host.rsplit(".", 1)[1] in FILE_LIKE_TLDS:
                    continue
                if has_known_suffix(host) and not self._ignored_host(host):
                    base = registrable_domain(host)
                    if base and base not in PLATFORM_DOMAINS:
                        self._put(Offender(OffenderKind.DOMAIN, base, url_role))

    def result(self) -> tuple[Offender, ...]:
        return tuple(self._seen.values())


#: Where a link can start, counted back from its ``://``: ``https``, ``http`` and ``ftp``.
_SCHEME_LENGTHS = (5, 4, 3)


def links(text: str) -> Iterator[str]:
    """``match.group(0) for match in _URL.finditer(text)``, searched from each ``://``.

    The scan tested every ``h`` and ``f`` of the text for a scheme, each test a regex step:
    the cost of a report was its length. A link starts exactly 3, 4 or 5 characters before
    its ``://``, which a substring search finds at once; trying the pattern at those spots
    only, leftmost first, finds the leftmost link the scan would, and each search resumes
    where the last link ended, as the scan does.
    """
    match = _URL.match
    resume = 0  # where the last link ended: the next one starts here or later
    at = text.find("://", 3)
    while at >= 0:
        for length in _SCHEME_LENGTHS:
            start = at - length
            if start >= resume:
                found = match(text, start)
                if found is not None:
                    yield found.group(0)
                    resume = found.end()
                    break
        at = text.find("://", max(at + 1, resume + 3))


def url_host(url: str) -> str:
    """``urlsplit(url).hostname or ""``; raises ``ValueError`` where ``urlsplit`` does."""
    plain = _PLAIN_URL_HOST.match(url)
    if plain is not None:
        return plain.group(1).lower()
    return urlsplit(url).hostname or ""


def _under(host: str, domains: frozenset[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or below one (PSL private suffixes included)."""
    labels = host.lower().rstrip(".").split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels) - 1))


def _ips(text: str) -> Iterable[IpAddress]:
    for match in _IPV4.finditer(text):
        try:
            yield ipaddress.IPv4Address(match.group(0))
        except ValueError:
            continue
    if ":" in text:
        for match in _IPV6.finditer(text):
            candidate = match.group(0)
            if candidate.count(":") < 2:
                continue
            try:
                yield ipaddress.IPv6Address(candidate)
            except ValueError:
                continue


def find_ips(text: str) -> list[IpAddress]:
    """Every IPv4/IPv6 address in ``text``, in order (reserved ones included)."""
    return list(_ips(text))
