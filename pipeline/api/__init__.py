"""The HTTP API: DNSBL look-ups, ROKSO matches, health, metrics and the OpenAPI document.

``pipeline.api.app.create_app`` builds the Starlette app around a shared DNSBL engine and the
ROKSO register; ``pipeline.api.server.ApiServer`` runs it under uvicorn as a component of
``abuse-pipeline run``. (Nothing is imported here, so ``python -m pipeline.api.openapi`` and
light users do not pull in Starlette and uvicorn.)
"""
