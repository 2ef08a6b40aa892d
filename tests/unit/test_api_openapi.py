"""The OpenAPI document: committed, and naming exactly the routes the app serves."""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.routing import Route

from pipeline.api.app import create_app
from pipeline.api.openapi import openapi_document
from pipeline.config import ApiConfig, DnsblConfig
from pipeline.dnsbl.engine import DnsblEngine

COMMITTED = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"


def test_document_equals_committed_file() -> None:
    """schemas/openapi.json is the document the code builds (regenerate it when this fails)."""
    assert openapi_document() == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_document_covers_every_route_and_method() -> None:
    """Every route of the app, with its methods, has an operation in the document."""
    app = create_app(ApiConfig(), DnsblEngine(DnsblConfig(nameservers=("127.0.0.1:53",))))
    served = {
        (re.sub(r":\w+}", "}", route.path), method.lower())
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {
        (path, method) for path, ops in openapi_document()["paths"].items() for method in ops
    }
    assert served == documented
