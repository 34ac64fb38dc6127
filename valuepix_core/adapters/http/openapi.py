"""The OpenAPI 3.1 document of the service, written by hand (served at ``/openapi.json``).

Hand-written rather than generated: Starlette has no generator worth the dependency, and the
schema is what schemathesis fuzzes (tests/test_service_schema.py), so it is checked against the
running server."""
from __future__ import annotations

from ... import __version__

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_PROBLEM_CONTENT = {"application/problem+json": {"schema": _PROBLEM}}


def _err(*codes: int) -> dict:
    text = {400: "Bad request (malformed parameter or body)", 401: "Missing or invalid bearer token",
            404: "Not found", 409: "Conflict", 413: "Body or image too large",
            415: "Not an image format the library reads", 422: "Invalid image or argument",
            503: "Not ready / unavailable"}
    return {str(c): {"description": text[c], "content": _PROBLEM_CONTENT} for c in codes}


_IMAGE_BODY = {
    "required": True,
    "description": "The photo: raw bytes (image/jpeg, image/png, image/webp, image/heic, "
                   "application/octet-stream) or multipart/form-data with an `image` file part.",
    "content": {
        "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        "image/png": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {"type": "object", "required": ["image"],
                                           "properties": {"image": {"type": "string", "format": "binary"}}}},
    },
}

_Q_K = {"name": "k", "in": "query", "required": False, "description": "catalog matches to return",
        "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 3}}
_Q_CATEGORY = {"name": "category", "in": "query", "required": False,
               "description": "only match catalog items of this category", "schema": {"type": "string"}}

_SCHEMAS = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status"],
        "description": "RFC 7807 problem details",
        "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                       "detail": {"type": "string"}, "instance": {"type": "string"},
                       "request_id": {"type": "string"}},
    },
    "Label": {"type": "object", "required": ["index", "name", "score"],
              "properties": {"index": {"type": "integer"}, "name": {"type": "string"},
                             "score": {"type": "number"}}},
    "Category": {"type": ["object", "null"], "properties": {"key": {"type": "string"}, "name": {"type": "string"},
                                                            "score": {"type": "number"}}},
    "Valuation": {"type": ["object", "null"], "properties": {
        "low": {"type": "number"}, "likely": {"type": "number"}, "high": {"type": "number"},
        "currency": {"type": "string"}, "confidence": {"type": "number"}, "method": {"type": "string"},
        "explanation": {"type": "string"}, "contributors": {"type": "array", "items": {"type": "object"}}}},
    "Match": {"type": "object", "required": ["unknown", "reason", "matches"], "properties": {
        "unknown": {"type": "boolean"}, "reason": {"type": "string"}, "best": {"type": ["string", "null"]},
        "top_similarity": {"type": "number"}, "margin": {"type": "number"},
        "sim_threshold": {"type": "number"}, "margin_threshold": {"type": "number"},
        "model_id": {"type": ["string", "null"]},
        "matches": {"type": "array", "items": {"type": "object", "properties": {
            "item_id": {"type": "string"}, "name": {"type": "string"}, "similarity": {"type": "number"},
            "confidence": {"type": "number"}, "category": {"type": ["string", "null"]},
            "value_low": {"type": ["number", "null"]}, "value_high": {"type": ["number", "null"]},
            "currency": {"type": "string"}, "attributes": {"type": "object"}}}},
        "valuation": {"$ref": "#/components/schemas/Valuation"},
        "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}}}},
    "IdentifyResponse": {"type": "object", "required": ["model_id", "labels", "timings_ms"], "properties": {
        "model_id": {"type": "string"},
        "labels": {"type": "array", "items": {"$ref": "#/components/schemas/Label"}},
        "category": {"$ref": "#/components/schemas/Category"},
        "categories": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}},
        "match": {"oneOf": [{"$ref": "#/components/schemas/Match"}, {"type": "null"}]},
        "valuation": {"$ref": "#/components/schemas/Valuation"},
        "batch_size": {"type": "integer"},
        "embedding": {"type": "array", "items": {"type": "number"}},
        "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}}}},
    "ItemFields": {"type": "object", "required": ["item_id", "name"], "properties": {
        "item_id": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1},
        "category": {"type": ["string", "null"]},
        "value_low": {"type": ["number", "null"], "minimum": 0},
        "value_high": {"type": ["number", "null"], "minimum": 0},
        "currency": {"type": "string", "default": "USD"},
        "attributes": {"type": "object"}}},
    "ItemCreate": {"allOf": [{"$ref": "#/components/schemas/ItemFields"}, {"type": "object", "properties": {
        "embeddings": {"type": "array", "minItems": 1,
                       "items": {"type": "array", "minItems": 1, "items": {"type": "number"}}},
        "model_id": {"type": "string"}}}]},
    "Item": {"type": "object", "required": ["item_id", "name"], "properties": {
        "item_id": {"type": "string"}, "name": {"type": "string"}, "category": {"type": ["string", "null"]},
        "value_low": {"type": ["number", "null"]}, "value_high": {"type": ["number", "null"]},
        "currency": {"type": "string"}, "attributes": {"type": "object"},
        "source": {"type": ["string", "null"]}, "updated": {"type": ["string", "null"]},
        "reference_count": {"type": "integer"}}},
}


def document(config=None) -> dict:
    secured = bool(config is not None and config.token)
    sec = [{"bearer": []}] if secured else []
    auth_err = (401,) if secured else ()
    item_path = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}}
    paths = {
        "/healthz": {"get": {"summary": "Liveness", "operationId": "healthz", "security": [],
                             "responses": {"200": {"description": "alive", "content": {"application/json": {
                                 "schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}}}}},
        "/readyz": {"get": {"summary": "Readiness (models loaded)", "operationId": "readyz", "security": [],
                            "responses": {"200": {"description": "ready", "content": {"application/json": {
                                "schema": {"type": "object"}}}}, **_err(503)}}},
        "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics", "security": [],
                             "responses": {"200": {"description": "Prometheus text format",
                                                   "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/v1/identify": {"post": {
            "summary": "Identify the photographed item (labels, category, catalog match and valuation)",
            "operationId": "identify", "security": sec,
            "parameters": [
                {"name": "top_k", "in": "query", "required": False, "description": "labels to return",
                 "schema": {"type": "integer", "minimum": 1, "maximum": config.top_k if config else 5}},
                {"name": "match", "in": "query", "required": False,
                 "description": "match against the catalog (when the server has one)", "schema": {"type": "boolean"}},
                {"name": "embedding", "in": "query", "required": False, "description": "include the embedding",
                 "schema": {"type": "boolean"}},
                _Q_K, _Q_CATEGORY],
            "requestBody": _IMAGE_BODY,
            "responses": {"200": {"description": "identified", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/IdentifyResponse"}}}},
                **_err(400, *auth_err, 413, 415, 422)}}},
        "/v1/catalog/items": {
            "post": {"summary": "Create a catalog item from photos (multipart) or embeddings (JSON)",
                     "operationId": "createItem", "security": sec,
                     "requestBody": {"required": True, "content": {
                         "application/json": {"schema": {"$ref": "#/components/schemas/ItemCreate"}},
                         "multipart/form-data": {"schema": {"type": "object", "required": ["item", "image"],
                                                            "properties": {
                                                                "item": {"$ref": "#/components/schemas/ItemFields"},
                                                                "image": {"type": "array", "minItems": 1, "maxItems": 16, "items": {
                                                                    "type": "string", "format": "binary"}}}},
                                                 "encoding": {"item": {"contentType": "application/json"}}}}},
                     "responses": {"201": {"description": "created", "content": {"application/json": {
                         "schema": {"$ref": "#/components/schemas/Item"}}}},
                         **_err(400, *auth_err, 404, 409, 413, 415, 422)}},
            "get": {"summary": "List catalog items (sorted by id)", "operationId": "listItems", "security": sec,
                    "parameters": [
                        {"name": "category", "in": "query", "required": False, "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
                        {"name": "offset", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 0, "maximum": 1000000000, "default": 0}}],
                    "responses": {"200": {"description": "a page of items", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                            "count": {"type": "integer"}, "total": {"type": "integer"},
                            "offset": {"type": "integer"}, "limit": {"type": "integer"}}}}}},
                        **_err(400, *auth_err, 404)}}},
        "/v1/catalog/items/{item_id}": {
            "get": {"summary": "One catalog item", "operationId": "getItem", "security": sec,
                    "parameters": [item_path],
                    "responses": {"200": {"description": "the item", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Item"}}}}, **_err(*auth_err, 404)}},
            "delete": {"summary": "Delete a catalog item and its reference embeddings", "operationId": "deleteItem",
                       "security": sec, "parameters": [item_path],
                       "responses": {"204": {"description": "deleted"}, **_err(*auth_err, 404)}}},
        "/v1/catalog/match": {"post": {
            "summary": "Match a photo (raw / multipart) or an embedding (JSON) against the catalog",
            "operationId": "match", "security": sec, "parameters": [_Q_K, _Q_CATEGORY],
            "requestBody": {"required": True, "content": {
                **_IMAGE_BODY["content"],
                "application/json": {"schema": {"type": "object", "required": ["embedding"], "properties": {
                    "embedding": {"type": "array", "minItems": 1, "items": {"type": "number"}},
                    "k": {"type": "integer", "minimum": 1, "maximum": 50},
                    "category": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ranked items, open-set verdict, valuation",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Match"}}}},
                          **_err(400, *auth_err, 404, 413, 415, 422)}}},
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "ValuePix inference service", "version": __version__,
                 "description": "Identify a photographed item, value it through a catalog, dictate a "
                                "description. WebSocket dictation at /v1/dictate speaks the vosk-server "
                                "protocol (not expressible in OpenAPI; see docs/service.md)."},
        "paths": paths,
        "components": {"schemas": _SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
    if secured:
        doc["security"] = [{"bearer": []}]
    return doc
