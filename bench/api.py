"""API look-ups/s: `GET /v1/dnsbl/{ip}` against a bare Starlette endpoint, same client, one run.

    .venv/bin/python bench/api.py [--requests 20000] [--connections 16] [--rounds 3]

Each server runs alone in a child process under uvicorn (uvloop) on 127.0.0.1, with the
client — a minimal HTTP/1.1 keep-alive client on asyncio streams, so the client is not what is
measured — in this process (the machine has 2 cores: one each). Two servers:

* ``bare Starlette`` (anchor): one route returning a fixed, same-sized JSON body; no auth, no
  validation, no engine — the framework's floor on this machine;
* ``abuse-pipeline API``: the real app — bearer token check (constant time over 3 tokens),
  scope, rate limit, target validation, the DNSBL engine (DQS-keyed ZEN zone on rbldnsd,
  answers cached after a warm-up pass), JSON encoding, metrics and an access log record.

The ratio says what share of the framework's throughput the API keeps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TOKENS = [f"bench-token-{i}-0123456789abcdef" for i in range(3)]
TARGETS = [f"192.0.2.{i}" for i in range(1, 201)]


def _serve(kind: str, nameserver: str, body: bytes, ports: Any) -> None:
    """Child process: build the server of ``kind`` and serve until terminated."""
    import uvloop
    from pydantic import SecretStr
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from pipeline.api.app import create_app
    from pipeline.api.server import ApiServer
    from pipeline.config import ApiConfig, ApiTokenConfig, DnsblConfig, DnsblZoneConfig
    from pipeline.dnsbl.engine import DnsblEngine
    from tests.support.rbldnsd import DQS_KEY, DQS_ZEN

    logging.getLogger().setLevel(logging.INFO)  # the access log record is built, as in service
    logging.getLogger().handlers[:] = [logging.NullHandler()]

    async def main() -> None:
        if kind == "bare":

            async def fixed(request: Request) -> Response:
                return Response(body, media_type="application/json")

            app: Any = Starlette(routes=[Route("/v1/dnsbl/{target:path}", fixed)])
            engine = None
        else:
            engine = DnsblEngine(
                DnsblConfig(
                    zones=(DnsblZoneConfig(name=DQS_ZEN, kind="zen", dqs=True),),
                    nameservers=(nameserver,),
                    dqs_key=SecretStr(DQS_KEY),
                    health_checks=False,
                )
            )
            await engine.start()
            tokens = tuple(
                ApiTokenConfig(name=f"t{i}", token=SecretStr(t), rate_limit=10_000_000)
                for i, t in enumerate(TOKENS)
            )
            app = create_app(ApiConfig(tokens=tokens, port=0), engine)
        server = ApiServer(app, "127.0.0.1", 0)
        await server.start()
        ports.put(server.port)
        await asyncio.Event().wait()

    uvloop.run(main())


async def _client(port: int, paths: list[str], results: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    auth = f"Authorization: Bearer {TOKENS[-1]}\r\n"
    for path in paths:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n{auth}\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        if status != 200:
            raise SystemExit(f"unexpected status {status} for {path}")
        results.append(1.0)
    writer.close()
    await writer.wait_closed()


async def _load(port: int, requests: int, connections: int) -> float:
    paths = [f"/v1/dnsbl/{TARGETS[i % len(TARGETS)]}" for i in range(requests)]
    shares = [paths[i::connections] for i in range(connections)]
    done: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_client(port, share, done) for share in shares))
    elapsed = time.perf_counter() - started
    assert len(done) == requests
    return requests / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from tests.support.rbldnsd import start_rbldnsd

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "zones"
        root.mkdir()
        proc, rbldnsd = start_rbldnsd(root)
        try:
            body = _sample_body()
            best: dict[str, float] = {}
            for _round in range(args.rounds):
                for kind in ("bare", "api"):
                    ports = ctx.Queue()
                    child = ctx.Process(target=_serve, args=(kind, rbldnsd.nameserver, body, ports))
                    child.start()
                    try:
                        port = ports.get(timeout=30)
                        asyncio.run(_load(port, len(TARGETS), 4))  # warm-up: fills the cache
                        rate = asyncio.run(_load(port, args.requests, args.connections))
                    finally:
                        child.terminate()
                        child.join(10)
                    best[kind] = max(best.get(kind, 0.0), rate)
        finally:
            proc.terminate()
            proc.wait(10)
    print(
        f"{args.requests} requests, {args.connections} keep-alive connections, "
        f"{len(TARGETS)} distinct IPs (cached), best of {args.rounds} rounds"
    )
    print(f"bare Starlette (anchor):  {best['bare']:8.0f} req/s")
    print(f"abuse-pipeline API:       {best['api']:8.0f} req/s")
    print(f"ratio API/anchor: {best['api'] / best['bare']:.2f}")


def _sample_body() -> bytes:
    """A body shaped and sized like the API's answer for a listed IP."""
    zone = {
        "zone": "zen.dq.spamhaus.net",
        "status": "listed",
        "listings": [{"code": "127.0.0.2", "name": "SBL", "description": "x" * 48}],
        "reason": "https://www.spamhaus.org/sbl/query/SBL123456",
        "error": None,
        "cached_age": 1.234,
    }
    target = {"target": "192.0.2.2", "kind": "ip", "listed": True, "complete": True}
    return json.dumps({**target, "zones": [zone]}).encode()


if __name__ == "__main__":
    main()
