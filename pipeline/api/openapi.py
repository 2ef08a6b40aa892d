"""The API's OpenAPI 3.1 document, built here and committed as ``schemas/openapi.json``.

A test checks that the served document equals the committed file, so a change to the API
shows up in review as a change to the contract. Regenerate with
``python -m pipeline.api.openapi > schemas/openapi.json``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

#: The API contract's version (``/v1``), independent of the package version.
API_VERSION = "1.0.0"
JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _reply(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _error(description: str) -> dict[str, Any]:
    return _reply(description, "Error")


_AUTH_ERRORS = {
    "401": {
        **_error("No token, a malformed header or an unknown token"),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "403": {
        **_error("The token lacks the scope this operation needs"),
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    "429": {
        **_error("The token's rate limit is used up"),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
}

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "detail"],
        "properties": {
            "error": {"type": "string", "examples": ["invalid_target"]},
            "detail": {"type": "string"},
        },
        "additionalProperties": True,
    },
    "Listing": {
        "type": "object",
        "required": ["code", "name", "description"],
        "properties": {
            "code": {"type": "string", "examples": ["127.0.0.4"]},
            "name": {"type": "string", "examples": ["XBL"]},
            "description": {"type": "string"},
        },
    },
    "ZoneResult": {
        "type": "object",
        "required": ["zone", "status", "listings", "reason", "error", "cached_age"],
        "properties": {
            "zone": {"type": "string", "description": "Display name; never holds a DQS key"},
            "status": {"enum": ["listed", "not_listed", "error", "unknown"]},
            "listings": {"type": "array", "items": _ref("Listing")},
            "reason": {"type": ["string", "null"], "description": "The zone's TXT text"},
            "error": {
                "type": ["string", "null"],
                "examples": ["public_resolver", "rate_limited", "timeout"],
            },
            "cached_age": {
                "type": ["number", "null"],
                "description": "Seconds since the answer was fetched, when served from cache",
            },
        },
    },
    "TargetResult": {
        "type": "object",
        "required": ["target", "kind", "listed", "complete", "zones"],
        "properties": {
            "target": {"type": "string"},
            "kind": {"enum": ["ip", "domain"]},
            "listed": {"type": "boolean"},
            "complete": {
                "type": "boolean",
                "description": "Every zone answered listed or not_listed",
            },
            "zones": {"type": "array", "items": _ref("ZoneResult")},
        },
    },
    "BatchRequest": {
        "type": "object",
        "required": ["targets"],
        "properties": {
            "targets": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        },
    },
    "BatchResponse": {
        "type": "object",
        "required": ["results"],
        "properties": {"results": {"type": "array", "items": _ref("TargetResult")}},
    },
    "RoksoMatch": {
        "type": "object",
        "required": ["record_id", "operation", "kind", "value", "listed", "reference_url"],
        "properties": {
            "record_id": {"type": "string", "examples": ["ROK8801"]},
            "operation": {"type": "string"},
            "kind": {
                "enum": [
                    "ip_in_netblock",
                    "netblock_overlap",
                    "domain",
                    "subdomain",
                    "name",
                    "alias",
                    "sbl_reference",
                ]
            },
            "value": {"type": "string", "description": "What was looked at"},
            "listed": {"type": "string", "description": "The record's entry it matched"},
            "reference_url": {"type": ["string", "null"]},
        },
    },
    "RoksoResponse": {
        "type": "object",
        "required": ["query", "register_version", "listed", "matches"],
        "properties": {
            "query": {"type": "string"},
            "register_version": {"type": ["integer", "null"]},
            "listed": {"type": "boolean"},
            "matches": {"type": "array", "items": _ref("RoksoMatch")},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "zones"],
        "properties": {
            "status": {"enum": ["ok", "degraded", "down"]},
            "zones": {"type": "object", "additionalProperties": {"type": "object"}},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """The document ``GET /openapi.json`` serves."""
    target_param = {
        "name": "target",
        "in": "path",
        "required": True,
        "description": "An IPv4/IPv6 address or a domain name",
        "schema": {"type": "string"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "abuse-pipeline API",
            "version": API_VERSION,
            "description": "DNSBL look-ups with exact Spamhaus semantics, ROKSO matches, "
            "health and metrics of the abuse desk.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _SCHEMAS,
        },
        "security": [{"bearer": []}],
        "paths": {
            "/v1/dnsbl/{target}": {
                "get": {
                    "operationId": "dnsblLookup",
                    "summary": "Is this IP or domain listed, where, why? (scope dnsbl:read)",
                    "parameters": [target_param],
                    "responses": {
                        "200": _reply("Per-zone results", "TargetResult"),
                        "422": _error("Not an IP address or domain; no DNS query was made"),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/v1/dnsbl/batch": {
                "post": {
                    "operationId": "dnsblBatch",
                    "summary": "Many targets in one request (scope dnsbl:read)",
                    "description": "Bounded by api.max_batch. Each target counts against "
                    "the token's rate limit. Any invalid target refuses the whole batch.",
                    "requestBody": {
                        "required": True,
                        "content": {JSON: {"schema": _ref("BatchRequest")}},
                    },
                    "responses": {
                        "200": _reply("Results in request order", "BatchResponse"),
                        "413": _error("More targets than api.max_batch, or body too large"),
                        "422": _error("Malformed body or invalid targets (listed by index)"),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/v1/rokso/{query}": {
                "get": {
                    "operationId": "roksoLookup",
                    "summary": "Match an IP, netblock, domain or name (scope rokso:read)",
                    "parameters": [
                        {
                            "name": "query",
                            "in": "path",
                            "required": True,
                            "description": "IP, CIDR netblock, domain, SBL id or operation name",
                            "schema": {"type": "string", "maxLength": 256},
                        }
                    ],
                    "responses": {
                        "200": _reply("Matches of the register in force", "RoksoResponse"),
                        "422": _error("Empty, too long or non-printable query"),
                        "503": _error("The register is not open"),
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Zones' health (no token needed)",
                    "security": [],
                    "responses": {
                        "200": _reply("All zones usable (ok) or some (degraded)", "Health"),
                        "503": _reply("No zone usable", "Health"),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Prometheus text exposition (scope metrics:read)",
                    "responses": {
                        "200": {
                            "description": "Metrics",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                        **_AUTH_ERRORS,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document (any valid token)",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {JSON: {"schema": {"type": "object"}}},
                        },
                        **_AUTH_ERRORS,
                    },
                }
            },
        },
    }


if __name__ == "__main__":
    json.dump(openapi_document(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
