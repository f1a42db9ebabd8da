"""The OpenAPI document at /api/v1/openapi.json and a reference a person reads at /api/docs,
rendered here from that same document: no script, no CDN, nothing the CSP would refuse."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, render_template

from association.api.blueprint import bp, json_answer, operation, spec

pages = Blueprint("api_reference", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


@functools.cache
def document() -> dict[str, Any]:
    """spectree's document, with each problem answer under its own media type
    (`application/problem+json`, RFC 9457), which spectree cannot declare itself."""
    made = copy.deepcopy(spec.spec)
    for item in made["paths"].values():
        for described in item.values():
            for answer in described.get("responses", {}).values():
                content = answer.get("content", {})
                schema = content.get("application/json", {}).get("schema", {})
                if schema.get("$ref", "").endswith("/Problem"):
                    content["application/problem+json"] = content.pop("application/json")
    return made


@bp.get("/openapi.json")
@operation(scope=None)
def openapi_document():
    return json_answer(document())


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str = ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    needs_token: bool
    public: bool
    parameters: list[Field] = field(default_factory=list)
    body: list[Field] = field(default_factory=list)
    responses: list[tuple[str, str, str]] = field(default_factory=list)  # status, text, schema


def _schema(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _type(document: dict, schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1].split(".")[0]
    if "anyOf" in schema:
        return " | ".join(_type(document, part) for part in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(document, schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    return str(schema.get("type", "any"))


def _fields(document: dict, schema: dict) -> list[Field]:
    schema = _schema(document, schema)
    required = set(schema.get("required", ()))
    return [
        Field(name, _type(document, part), name in required, part.get("description", ""))
        for name, part in schema.get("properties", {}).items()
    ]


def operations(document: dict[str, Any]) -> dict[str, list[Operation]]:
    """The document's operations by tag, in the document's order."""
    by_tag: dict[str, list[Operation]] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            found = item[method]
            security = found.get("security") or []
            operation = Operation(
                method=method.upper(),
                path=path,
                # spectree puts a view's docstring in the summary (its first paragraph) and
                # the description (the rest, often empty): the page shows both.
                summary=found.get("summary") or "",
                description="\n\n".join(
                    part for part in (found.get("summary"), found.get("description")) if part
                ),
                needs_token=bool(security) and {} not in security,
                public={} in security,
                parameters=[
                    Field(
                        f"{p['name']} ({p['in']})",
                        _type(document, p.get("schema", {})),
                        p.get("required", False),
                        p.get("description", "") or p.get("schema", {}).get("description", ""),
                    )
                    for p in found.get("parameters", [])
                ],
            )
            body = found.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                operation.body = _fields(document, body["schema"])
            for status, answer in found.get("responses", {}).items():
                content = answer.get("content", {})
                media: dict[str, Any] = next(iter(content.values()), {})
                schema = media.get("schema", {})
                operation.responses.append(
                    (
                        status,
                        answer.get("description", ""),
                        _type(document, schema) if schema else "",
                    )
                )
            for tag in found.get("tags") or ["API"]:
                by_tag.setdefault(tag, []).append(operation)
    return by_tag


@pages.get("/api/docs")
def reference():
    return render_template("api/reference.html", by_tag=operations(document()))
