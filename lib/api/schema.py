from __future__ import annotations

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from lib.sheets.export import XLSX_TYPE

from .errors import ErrorSerializer
from .viewsets import FORMAT_PARAMETER, KEY_PARAMETER


class AutoSchema(BaseAutoSchema):
    """Lists also document `?format=` and their CSV and XLSX bodies; every operation its
    errors."""

    def _is_sheet_list(self) -> bool:
        return (
            self.method == "GET"
            and self._is_list_view()
            and bool(getattr(self.view, "sheet_columns", None))
        )

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters.append(KEY_PARAMETER)
        if self._is_sheet_list():
            parameters.append(FORMAT_PARAMETER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if self._is_sheet_list() and "200" in bodies:
            content = bodies["200"].get("content", {})
            content["text/csv"] = {"schema": {"type": "string"}}
            content[XLSX_TYPE] = {"schema": {"type": "string", "format": "binary"}}
        errors = {
            "400": "Bad input: the body or query string, field by field.",
            "401": "Not signed in, or an invalid or revoked token.",
            "403": "Signed in, but not staff or without the permission (a read-only token "
            "never writes).",
            "429": "Too many wrong tokens or keys from your address; wait Retry-After seconds.",
        }
        if self.method == "DELETE":
            errors["409"] = "Still in use by other records (a protected link); not deleted."
        if self.method != "GET" or not self._is_list_view():
            errors["404"] = "Not found, or another team's record."
        elif self._is_list_view():
            errors["404"] = "No such page, or a format other than json, csv or xlsx."
        for code, description in errors.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description),
                    code,
                )
        for code, body in bodies.items():
            # Errors are always JSON, whatever format was asked for.
            if not code.startswith("2") and "application/json" in body.get("content", {}):
                body["content"] = {"application/json": body["content"]["application/json"]}
        return bodies


DETAIL_PATH = re.compile(r"^(?P<collection>.*/)\{(?P<key>[^{}/]+)\}/$")
FIRST_ROW = "results/0/"


def add_record_links(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: OpenAPI links from each response that carries a record (a create,
    a read, an update, an action such as accept; a list's first row) to the operations on that
    same record (`/x/{id}/` and its actions), for clients and for stateful tests to follow. A
    response with an ETag passes it on as the If-Match of the writes that take one."""
    paths = result.get("paths", {})
    schemas = result.get("components", {}).get("schemas", {})
    for detail in paths:
        match = DETAIL_PATH.match(detail)
        if match is None:
            continue
        key = match["key"]
        targets = [
            operation
            for path, operations in paths.items()
            if path.startswith(detail) and "{" not in path[len(detail) :]
            for operation in operations.values()
        ]
        collection = paths.get(match["collection"], {})
        sources = [(operation, "") for operation in targets]
        if "post" in collection:
            sources.append((collection["post"], ""))
        if "get" in collection:
            sources.append((collection["get"], FIRST_ROW))
        for source, pointer in sources:
            for code, response in source.get("responses", {}).items():
                if not code.startswith("2") or not _carries(response, pointer + key, schemas):
                    continue
                for target in targets:
                    if target is not source:
                        parameters = {key: f"$response.body#/{pointer}{key}"}
                        if "ETag" in response.get("headers", {}) and _takes_if_match(target):
                            parameters["header.If-Match"] = "$response.header.ETag"
                        response.setdefault("links", {})[target["operationId"]] = {
                            "operationId": target["operationId"],
                            "parameters": parameters,
                        }
    return result


def _takes_if_match(operation: dict[str, Any]) -> bool:
    return any(
        parameter.get("in") == "header" and parameter.get("name") == "If-Match"
        for parameter in operation.get("parameters", [])
    )


def _carries(response: dict[str, Any], pointer: str, schemas: dict[str, Any]) -> bool:
    """Whether the JSON body that `response` documents has a property at `pointer`
    (`id`, or `results/0/id` in a page of records)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    schema = _resolve(schema, schemas)
    *steps, name = pointer.split("/")
    for step in steps:
        if step.isdigit():
            schema = _resolve(schema.get("items", {}), schemas)
        else:
            schema = _resolve(schema.get("properties", {}).get(step, {}), schemas)
    return name in schema.get("properties", {})


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref", "")
    if reference.startswith("#/components/schemas/"):
        return schemas.get(reference.rsplit("/", 1)[1], {})
    return schema


__all__ = ["AutoSchema", "OpenApiTypes", "add_record_links"]
