"""A real rbldnsd on 127.0.0.1 serving Spamhaus-like test zones, as a session fixture.

Register with ``pytest_plugins = ["tests.support.rbldnsd"]`` (tests/conftest.py does). The
``rbldnsd`` fixture yields a ``RbldnsdServer`` (``nameserver`` is ``"127.0.0.1:PORT"``) and the
``silent_nameserver`` fixture an address that receives queries and never answers (timeouts).
The zones and the targets they list are described in ``tests/data/rbldnsd/README.md``; the
constants below name the targets so tests read in the abuse desk's words.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "rbldnsd"
#: The DQS key of the test zones (a real key is 26 letters and digits; this one is fake).
DQS_KEY = "testkey0123456789abcdefghi"
START_TIMEOUT = 10.0
#: RFC 1035 §4.2.1: DNS listens on port 53.
DNS_PORT = 53

ZEN = "zen.spamhaus.org"
DBL = "dbl.spamhaus.org"
DQS_ZEN = "zen.dq.spamhaus.net"
DQS_ZRD = "zrd.dq.spamhaus.net"
PUBLIC_RESOLVER_ZONE = "public.zen.test"
RATE_LIMITED_ZONE = "ratelimit.zen.test"
TYPO_ZONE = "typo.zen.test"
EXPIRED_KEY = "expiredkey0"
HIJACK_ZONE = "hijack.zen.test"

# Targets and what ZEN answers for them.
SBL_XBL_PBL = "192.0.2.2"  # 127.0.0.2 + .4 + .10, TXT SBL123456
SBL_REFERENCE = "https://www.spamhaus.org/sbl/query/SBL123456"
CSS = "192.0.2.3"
XBL = "192.0.2.4"
XBL_LEGACY = ("192.0.2.5", "192.0.2.6", "192.0.2.7")
DROP_SBL = "192.0.2.9"  # DROP with its SBL record
PBL_ONLY = "192.0.2.10"
PBL_SPAMHAUS = "192.0.2.11"
CLEAN_IP = "192.0.2.200"
SBL_V6 = "2001:db8::2"
XBL_V6 = "2001:db8:4::77"
CLEAN_V6 = "2001:db8:ffff::1"
# DBL names and codes.
DBL_CODES = {
    "spam.test": ("127.0.1.2", "DBL_SPAM"),
    "phish.test": ("127.0.1.4", "DBL_PHISH"),
    "malware.test": ("127.0.1.5", "DBL_MALWARE"),
    "botnet.test": ("127.0.1.6", "DBL_BOTNET_CC"),
    "abused-spam.test": ("127.0.1.102", "DBL_ABUSED_SPAM"),
    "abused-redirector.test": ("127.0.1.103", "DBL_ABUSED_REDIRECTOR"),
    "abused-phish.test": ("127.0.1.104", "DBL_ABUSED_PHISH"),
    "abused-malware.test": ("127.0.1.105", "DBL_ABUSED_MALWARE"),
    "abused-botnet.test": ("127.0.1.106", "DBL_ABUSED_BOTNET_CC"),
}
CLEAN_DOMAIN = "clean.test"
ZRD_YOUNG = "young.test"  # 127.0.2.5: first seen 5 hours ago


@dataclass(frozen=True)
class RbldnsdServer:
    host: str
    port: int
    root: Path
    dqs_key: str = DQS_KEY

    @property
    def nameserver(self) -> str:
        """``host:port`` as ``--nameserver`` and ``DnsblConfig.nameservers`` take it."""
        return f"{self.host}:{self.port}"


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _loopback_free_port() -> tuple[str, int]:
    return "127.0.0.1", _free_udp_port()


def loopback_port_53() -> tuple[str, int]:
    """A random 127.53.x.y on the DNS port: where resolv.conf can point (it names no port).

    A random address per attempt keeps concurrent test runs from colliding; binding port 53
    needs root, which the fixture's rbldnsd has before it drops to ``nobody``.
    """
    return f"127.53.{random.randrange(256)}.{random.randrange(1, 255)}", DNS_PORT


def _zone_args() -> list[str]:
    zen = [f"ip4set:zen-{n}.txt" for n in ("sbl", "css", "xbl", "drop", "pbl")]
    zen.append("ip6trie:zen-v6.txt")
    args = [f"{ZEN}:{d}" for d in zen]
    args += [f"{DQS_KEY}.{DQS_ZEN}:{d}" for d in zen]
    args += [f"{DBL}:dnset:dbl.txt", f"{DQS_KEY}.{DQS_ZRD}:dnset:zrd.txt"]
    refusing = {
        f"{EXPIRED_KEY}.{DQS_ZEN}": 250,
        TYPO_ZONE: 252,
        PUBLIC_RESOLVER_ZONE: 254,
        RATE_LIMITED_ZONE: 255,
    }
    for zone, code in refusing.items():
        args += [f"{zone}:ip4set:base.txt", f"{zone}:acl:refuse-{code}.acl"]
    args.append(f"{HIJACK_ZONE}:ip4trie:hijack.txt")
    return args


def _answers(host: str, port: int) -> bool:
    query = dns.message.make_query(f"2.0.0.127.{ZEN}", "A")
    try:
        reply = dns.query.udp(query, host, port=port, timeout=0.2)
    except (OSError, dns.exception.Timeout):
        return False
    return reply.rcode() == dns.rcode.NOERROR and bool(reply.answer)


def start_rbldnsd(
    root: Path,
    extra_files: Mapping[str, str] | None = None,
    extra_zones: Sequence[str] = (),
    *,
    address: Callable[[], tuple[str, int]] = _loopback_free_port,
) -> tuple[subprocess.Popen[bytes], RbldnsdServer]:
    """Copy the zones into ``root`` and start rbldnsd on a free loopback port.

    ``extra_files`` (name to content) and ``extra_zones`` (``zone:type:file`` arguments) add
    zones beside the test data, e.g. the benchmark's generated list. ``address`` gives the
    ``(host, port)`` to try on each attempt (``loopback_port_53`` for a resolv.conf target).
    """
    binary = shutil.which("rbldnsd") or (
        "/usr/sbin/rbldnsd" if Path("/usr/sbin/rbldnsd").exists() else None
    )
    if binary is None:
        pytest.fail(
            "rbldnsd is not installed: the DNSBL integration tests need Debian's rbldnsd "
            "(apt-get install rbldnsd; scripts/setup.sh installs it)",
            pytrace=False,
        )
    for item in DATA.iterdir():
        shutil.copy(item, root / item.name)
    for name, content in (extra_files or {}).items():
        (root / name).write_text(content)
    root.chmod(0o755)
    for item in root.iterdir():
        item.chmod(0o644)
    last_error = ""
    for _attempt in range(3):
        host, port = address()
        # rbldnsd refuses to run as root; it chroots into root (-r) and reads zones as nobody.
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        chroot = ["-r", str(root), "-w", "/"] if os.geteuid() == 0 else ["-w", str(root)]
        cmd = [
            binary,
            "-n",
            "-c",
            "0",
            "-b",
            f"{host}/{port}",
            *user,
            *chroot,
            *_zone_args(),
            *extra_zones,
        ]
        log_path = root.parent / f"{root.name}.log"  # outside the chroot, never served
        with log_path.open("wb") as log_file:
            proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if _answers(host, port):
                return proc, RbldnsdServer(host=host, port=port, root=root)
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=5)
        last_error = log_path.read_text(errors="replace")[-2000:]
    pytest.fail(f"rbldnsd did not start: {last_error}", pytrace=False)


@pytest.fixture(scope="session")
def rbldnsd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RbldnsdServer]:
    """A running rbldnsd with the Spamhaus-like test zones, for the whole test session."""
    proc, server = start_rbldnsd(tmp_path_factory.mktemp("rbldnsd"))
    try:
        yield server
    finally:
        stop_rbldnsd(proc)


def stop_rbldnsd(proc: subprocess.Popen[bytes]) -> None:
    """Terminate an rbldnsd started by ``start_rbldnsd`` (killed if it does not go)."""
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def silent_nameserver() -> Iterator[str]:
    """``host:port`` of a UDP socket that takes queries and never answers them."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{sock.getsockname()[1]}"
