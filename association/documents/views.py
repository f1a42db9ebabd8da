"""The public verification pages (/verify, /verify/<code>), and serving stored PDFs for every area."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from association.documents import service
from association.documents.forms import CodeForm, UploadForm
from association.documents.models import StoredDocument
from association.documents.seal import load_signer
from association.extensions import db, limiter

bp = Blueprint("documents", __name__)


def _association_certificate():
    return load_signer(current_app.config, Path(current_app.instance_path)).signing_cert


def _viewer():
    return current_user if current_user.is_authenticated else None


@bp.get("/verify")
def verify():
    code_form = CodeForm(request.args)
    if "code" in request.args and code_form.validate():
        code = service.normalise_code(code_form.code.data)
        if code is not None:
            return redirect(url_for("documents.by_code", code=code))
        document = service.find_by_number(db.session(), code_form.code.data, _viewer())
        if document is not None:
            return redirect(url_for("documents.by_code", code=document.verification_code))
        if service.normalise_number(code_form.code.data) is not None:
            code_form.code.errors.append(
                _(
                    "No issued memorandum or member park has this number. Check it, or type the verification code printed on the document."
                )
            )
        else:
            code_form.code.errors.append(
                _(
                    "This is not a verification code: a code has 16 letters and digits, like 7K3M-QX9D-2HBT-W4NC. A memorandum's registry number (AMT/MOU/2022/0001) or a park's membership number (AMT-KZ-0001) will do too."
                )
            )
    return render_template(
        "documents/verify.html", code_form=code_form, upload_form=UploadForm(), verdict=None
    )


# Checking a file costs a few milliseconds to a second: enough to bound per address.
@bp.post("/verify")
@limiter.limit("30 per minute")
def verify_upload():
    upload_form = UploadForm()
    verdict = None
    status = 200
    if upload_form.validate_on_submit():
        pdf = upload_form.document.data.read()
        verdict = service.verify_upload(db.session(), pdf, _association_certificate())
    else:
        status = 400
    return (
        render_template(
            "documents/verify.html",
            code_form=CodeForm(formdata=None),
            upload_form=upload_form,
            verdict=verdict,
        ),
        status,
    )


@bp.get("/verify/<code>")
def by_code(code: str):
    normal = service.normalise_code(code)
    if normal is not None and normal != code:
        # The one written form, so that every link to a document is the same address.
        return redirect(url_for("documents.by_code", code=normal), 301)
    document = service.find_by_code(db.session(), normal)
    if document is None and normal is None:
        # /verify/AMT-KZ-0001: a membership number in the address leads to its certificate.
        by_number = service.find_by_number(db.session(), code, _viewer())
        if by_number is not None:
            return redirect(url_for("documents.by_code", code=by_number.verification_code))
    if document is None:
        # Malformed and unknown codes get the same answer: nothing to learn by trying.
        return render_template("documents/unknown.html", code_form=CodeForm(formdata=None)), 404
    state = service.describe(db.session(), document)
    return render_template(
        "documents/document.html",
        document=document,
        state=state,
        kind_label=service.kind_label(document.kind),
    )


def send_stored(document: StoredDocument, *, as_attachment: bool = False) -> Response:
    """The stored PDF as it was issued, with its SHA-256 as ETag; 304 when the client has it.

    Every area's PDF address (a park's certificate, published minutes, an issued
    memorandum) answers with this, after its own permission check.
    """
    response = send_file(
        BytesIO(document.content),
        mimetype="application/pdf",
        as_attachment=as_attachment,
        download_name=document.filename,
        etag=document.sha256,
        last_modified=document.issued_at,
        conditional=True,
        max_age=None,
    )
    # Stored, but asked about again each time: the address may later give a re-issued document.
    response.cache_control.no_cache = True
    response.cache_control.private = True
    response.cache_control.public = False
    return response
