"""The verification page's forms: field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from association.forms import Form

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class CodeForm(Form):
    """A verification code, typed from paper; sent by GET so that the result can be bookmarked."""

    class Meta:
        csrf = False  # a GET look-up changes nothing

    code = StringField(
        _l("Verification code or number"),
        validators=[DataRequired(), Length(max=200)],
        description=_l(
            "Printed on the document next to its QR code, e.g. 7K3M-QX9D-2HBT-W4NC; or a memorandum's "
            "registry number (AMT/MOU/2022/0001) or a park's membership number (AMT-KZ-0001)."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    look_up = SubmitField(_l("Look up"))


class UploadForm(Form):
    document = FileField(
        _l("PDF document"),
        validators=[
            FileRequired(_l("Choose the PDF file to check.")),
            FileSize(max_size=MAX_UPLOAD_BYTES, message=_l("The file may be at most 20 MB.")),
        ],
        description=_l("The file is checked and then discarded; it is not stored."),
        render_kw={"accept": "application/pdf,.pdf"},
    )
    check = SubmitField(_l("Check the document"))
