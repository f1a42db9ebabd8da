"""The audit pages' forms: field validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField, FileSize
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from association.audit.checkpoints import MAX_CHECKPOINT_BYTES
from association.forms import Form


class CheckpointForm(Form):
    """A checkpoint a park kept: pasted, or its JSON file uploaded."""

    text = TextAreaField(
        _l("Paste the checkpoint"),
        validators=[Optional(), Length(max=MAX_CHECKPOINT_BYTES)],
        render_kw={"rows": 6, "spellcheck": "false", "class": "mono"},
    )
    file = FileField(
        _l("or upload its JSON file"),
        validators=[
            FileSize(
                max_size=MAX_CHECKPOINT_BYTES,
                message=_l("A checkpoint file is a few hundred bytes."),
            )
        ],
        render_kw={"accept": "application/json,.json"},
    )
    check = SubmitField(_l("Verify this checkpoint"))


class AuditFilterForm(Form):
    """The audit log's filters; sent by GET so that a filtered page can be bookmarked."""

    class Meta:
        csrf = False  # a GET look-up changes nothing

    action = SelectField(_l("Action"), choices=[], validate_choice=False)
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=200)])
    park = SelectField(_l("Park"), choices=[], validate_choice=False)
    subject = StringField(_l("About"), validators=[Optional(), Length(max=200)])
    since = DateField(lazy_pgettext("date range", "From"), validators=[Optional()])
    until = DateField(lazy_pgettext("date range", "To"), validators=[Optional()])
    apply = SubmitField(_l("Filter"))
