"""The OpenAPI document at /api/v1/openapi.json and the reference a person reads at /api/docs."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.factories import login

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_document_is_valid_openapi_3_1(client):
    document = _document(client)
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on the first error


def test_every_operation_has_an_id_a_tag_and_a_summary(client):
    document = _document(client)
    operations = list(_operations(document))
    assert operations
    ids = [operation.get("operationId") for _path, _method, operation in operations]
    assert all(ids), ids
    assert len(set(ids)) == len(ids)
    for path, method, operation in operations:
        assert operation.get("tags"), f"{method.upper()} {path} has no tag"
        assert operation.get("summary"), f"{method.upper()} {path} says nothing of itself"


def test_every_error_answer_is_a_problem_in_its_own_media_type(client):
    document = _document(client)
    for path, method, operation in _operations(document):
        answers = operation["responses"]
        errors = {status: answer for status, answer in answers.items() if status[0] in "45"}
        assert {"400", "401", "403", "422", "429"} <= set(errors), f"{method.upper()} {path}"
        for status, answer in errors.items():
            assert list(answer["content"]) == ["application/problem+json"], (
                f"{method.upper()} {path} {status}"
            )
            schema = answer["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}


def test_operations_with_an_identifier_in_the_path_declare_not_found(client):
    document = _document(client)
    for path, method, operation in _operations(document):
        if "{" in path:
            assert "404" in operation["responses"], f"{method.upper()} {path}"


def test_a_token_is_a_bearer_token(client):
    schemes = _document(client)["components"]["securitySchemes"]
    assert schemes == {
        "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token"}
    }


def test_the_document_is_the_same_with_and_without_a_token(client, bearer, make_token, delegate):
    assert (
        _document(client)
        == client.get("/api/v1/openapi.json", headers=bearer(make_token(delegate))).get_json()
    )


# --- /api/docs -------------------------------------------------------------------------


class _Page(HTMLParser):
    """What a CSP without 'unsafe-inline' and with 'self' only would refuse, and the text."""

    def __init__(self):
        super().__init__()
        self.addresses: list[str] = []  # every src, href, action
        self.inline_scripts: list[str] = []
        self.inline_handlers: list[str] = []
        self.inline_styles: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "formaction") and value is not None:
                self.addresses.append(value)
            if name.startswith("on"):
                self.inline_handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.inline_styles.append(f"<{tag} style>")
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script" and data.strip():
            self.inline_scripts.append(data.strip()[:80])
        elif self._in == "style" and data.strip():
            self.inline_styles.append("<style>")
        else:
            self.text.append(data)


def _reference(client, headers=None) -> tuple[object, _Page]:
    response = client.get("/api/docs", headers=headers or {})
    page = _Page()
    page.feed(response.get_data(as_text=True))
    return response, page


@pytest.mark.parametrize("reader", ["visitor", "token"])
def test_the_reference_lists_every_operation_of_the_document(
    client, bearer, make_token, delegate, reader
):
    headers = bearer(make_token(delegate)) if reader == "token" else None
    response, page = _reference(client, headers)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    text = " ".join(" ".join(page.text).split())
    for path, method, operation in _operations(_document(client)):
        assert f"{method.upper()} {path}" in text
        assert " ".join(operation["summary"].split()) in text, f"{method.upper()} {path}"


def test_a_signed_in_person_reads_the_reference_signed_in(client, delegate):
    # /api/docs is a page: only /api/v1/ ignores the cookie.
    login(client, delegate)
    page = client.get("/api/docs").get_data(as_text=True)
    assert delegate.full_name in page
    assert client.get("/api/v1/me").status_code == 401


def test_the_reference_needs_nothing_the_csp_refuses(client):
    response, page = _reference(client)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.inline_scripts == []
    assert page.inline_handlers == []
    assert page.inline_styles == []
    external = [
        address
        for address in page.addresses
        if urlsplit(address).scheme not in ("", "http")
        or urlsplit(address).netloc not in ("", "localhost")
    ]
    assert external == []
    assert not [a for a in page.addresses if a.startswith("//") or a.startswith("javascript:")]


def _body_schema(document: dict, path: str) -> dict:
    reference = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    name = reference["schema"]["$ref"].rsplit("/", 1)[-1]
    return {**document["components"]["schemas"][name], "components": document["components"]}


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        pytest.param({"code": "7K3M-QX9D-2HBT-W4NC"}, True, id="a code"),
        pytest.param({"pdf_base64": "JVBERi0="}, True, id="a pdf"),
        pytest.param({}, False, id="neither"),
        pytest.param({"code": "7K3M-QX9D-2HBT-W4NC", "pdf_base64": "JVBERi0="}, False, id="both"),
        pytest.param({"code": None, "pdf_base64": None}, False, id="both null"),
    ],
)
def test_the_document_allows_the_verify_bodies_the_api_accepts(client, body, accepted):
    # Found by Schemathesis: the document allowed `{}`, which the API refuses (422).
    schema = _body_schema(_document(client), "/api/v1/verify")
    assert Draft202012Validator(schema).is_valid(body) is accepted
    response = client.post("/api/v1/verify", json=body)
    assert (response.status_code == 200) is accepted
    if not accepted:
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
