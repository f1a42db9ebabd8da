"""The OpenAPI document with the meetings, memoranda, applications, certificates, audit and
residency resources: valid, and each model under a name of its own (the document uses bare
class names, so two models of one name would silently become one)."""

from __future__ import annotations

import inspect
from collections import Counter

from openapi_spec_validator import validate
from pydantic import BaseModel

from association.api import common, pagination
from association.api.area import RESOURCES

MODULES = (common, pagination, *RESOURCES)


def test_the_document_validates_and_holds_the_resources(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert {
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/memoranda",
        "/api/v1/memoranda/{memorandum_id}",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}",
        "/api/v1/certificates",
        "/api/v1/audit/events",
        "/api/v1/audit/checkpoints",
        "/api/v1/residency/calls",
        "/api/v1/residency/calls/{call_id}",
        "/api/v1/residency/applications",
        "/api/v1/residency/applications/{application_id}",
        "/api/v1/residency/residencies",
    } <= set(document["paths"])


def test_every_model_of_the_api_has_a_name_of_its_own():
    declared = {
        model
        for module in MODULES
        for _name, model in inspect.getmembers(module, inspect.isclass)
        if issubclass(model, BaseModel) and model.__module__ == module.__name__
    }
    names = Counter(model.__name__ for model in declared)
    assert [name for name, count in names.items() if count > 1] == []
