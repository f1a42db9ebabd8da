from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from association.auth.forms import timezone_choices
from association.forms import Form, TranslationForm, Translations, add_translations
from association.languages import ENGLISH, LANGUAGES
from association.meetings.models import AttendanceStatus, MeetingKind

KIND_LABELS = {
    MeetingKind.GENERAL_ASSEMBLY: _l("General Assembly"),
    MeetingKind.BOARD: _l("Board"),
    MeetingKind.WORKING_GROUP: _l("Working group"),
}
ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("present"),
    AttendanceStatus.ABSENT: _l("absent"),
    AttendanceStatus.EXCUSED: _l("excused"),
}
LINK_LABELS = {"": _l("Nothing"), "initiative": _l("Initiative"), "memorandum": _l("Memorandum")}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def http_only(form, field):
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError(_l("An online meeting's link starts with http:// or https://."))


class MeetingTranslationForm(TranslationForm):
    """The title in one more language, under the English title's rules."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])


class _MeetingDetails(Translations, Form):
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("In English; the other languages below are optional."),
    )
    timezone = SelectField(
        _l("Time zone of the meeting"),
        description=_l("Start and end are given in this zone; members see them in their own."),
    )
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=300)],
        description=_l("e.g. IT Park, 15 Mustaqillik Avenue, Tashkent"),
    )
    online_url = StringField(
        _l("Online link"),
        validators=[Optional(), URL(require_tld=False), http_only, Length(max=500)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


add_translations(_MeetingDetails, MeetingTranslationForm)


class _Times(Form):
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[DataRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format=DATETIME_FORMAT, validators=[DataRequired()])


class MeetingForm(_MeetingDetails, _Times):
    submit = SubmitField(_l("Schedule the meeting"))


class PastMeetingForm(_MeetingDetails, _Times):
    agenda = TextAreaField(
        _l("Agenda"),
        validators=[Optional(), Length(max=15000)],
        description=_l("One item per line, in order. The minutes start from these headings."),
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("Record the meeting"))


class MeetingEditForm(_MeetingDetails):
    submit = SubmitField(_l("Save"))


class RescheduleForm(_Times):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Sent to the members with the new times."),
    )
    submit = SubmitField(_l("Reschedule and tell the members"))


class CancelForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Sent to the members."),
    )
    submit = SubmitField(_l("Cancel the meeting"))


class AgendaItemForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    presenter = StringField(_l("Presenter"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=10000)], description=_l("Markdown.")
    )
    # Values "initiative:<id>" (the view offers the initiatives that exist, newest first).
    link = SelectField(
        _l("Linked to"),
        choices=[("", _l("Nothing"))],
        validators=[Optional()],
        description=_l(
            "The initiative or memorandum this item is about: for an initiative the page shows its vote and, "
            "once closed, its result."
        ),
    )
    submit = SubmitField(_l("Save the item"))

    def linked(self) -> tuple[str | None, int | None]:
        """The chosen link as (type, id); (None, None) for none."""
        kind, _sep, number = (self.link.data or "").partition(":")
        if not kind:
            return None, None
        return kind, int(number)

    def validate_link(self, field):
        kind, _sep, number = (field.data or "").partition(":")
        if kind and (kind not in LINK_LABELS or not number.isdigit()):
            raise ValidationError(_l("Please choose what the item links to from the list."))


class MinutesVoteForm(Form):
    days = IntegerField(
        _l("Voting period in days"),
        default=14,
        validators=[DataRequired(), NumberRange(1, 90)],
        description=_l(
            "The member parks' delegates vote. Passed: the minutes are approved. "
            "Rejected: they go back to draft. No quorum: they stay circulated."
        ),
    )
    submit = SubmitField(_l("Put to a vote"))


class AttendanceRowForm(Form):
    class Meta:
        csrf = False

    park_id = HiddenField()
    status = SelectField(
        _l("Attendance"), choices=[(s.value, label) for s, label in ATTENDANCE_LABELS.items()]
    )
    represented_by = StringField(_l("Represented by"), validators=[Optional(), Length(max=300)])


class AttendanceForm(Form):
    rows = FieldList(FormField(AttendanceRowForm))
    submit = SubmitField(_l("Save the attendance"))


class MinutesForm(Form):
    body = TextAreaField(
        _l("Minutes"),
        validators=[Optional(), Length(max=200_000)],
        render_kw={"rows": 18},
        description=_l("Markdown: # headings, **bold**, lists, tables, links."),
    )
    decisions = TextAreaField(
        _l("Decisions"),
        validators=[Optional(), Length(max=50_000)],
        render_kw={"rows": 8},
        description=_l("Markdown; one numbered item per decision."),
    )
    document_language = SelectField(
        _l("Language of the PDF"),
        choices=LANGUAGES,
        default=ENGLISH,
        description=_l(
            "The PDF's headings, labels and closing box are in this language, when the minutes "
            "are published; the minutes' own text stays as written."
        ),
    )
    submit = SubmitField(_l("Save the draft"))


class CommentForm(Form):
    text = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Send the comment"))
