from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from association.forms import Form, TranslationForm, Translations, add_translations
from association.voting.models import BallotKind, InitiativeKind, Majority

KIND_LABELS = {
    InitiativeKind.GENERAL: _l("General"),
    InitiativeKind.ADMISSION: _l("Admission of a member"),
    InitiativeKind.MEMORANDUM_APPROVAL: _l("Approval of a memorandum"),
    InitiativeKind.MINUTES_APPROVAL: _l("Approval of minutes"),
    InitiativeKind.BUDGET: _l("Budget"),
    InitiativeKind.PROGRAMME: _l("Programme"),
}

MAJORITY_LABELS = {
    Majority.SIMPLE: _l("Simple: more For than Against"),
    Majority.ABSOLUTE: _l("Absolute: For from more than half of the ballots cast"),
    Majority.TWO_THIRDS: _l("Two-thirds of For and Against"),
    Majority.THREE_QUARTERS: _l("Three-quarters of For and Against"),
    Majority.CONSENSUS: _l("Consensus: no ballot Against"),
}

BALLOT_LABELS = {
    BallotKind.YES_NO: _l("For / Against / Abstain"),
    BallotKind.OPTIONS: _l("A list of options (choose one)"),
}

QUORUM_CHOICES = [
    ("1/2", _l("One half of the electorate")),
    ("2/3", _l("Two-thirds of the electorate")),
    ("3/4", _l("Three-quarters of the electorate")),
    ("1/3", _l("One third of the electorate")),
    ("1/1", _l("The whole electorate")),
    ("0/1", _l("No quorum")),
]

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class InitiativeTranslationForm(TranslationForm):
    """The title and summary in one more language, under the English ones' rules."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])


class InitiativeForm(Translations, Form):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("In English; the other languages below are optional."),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Two or three sentences, shown in lists and e-mails."),
    )
    body_markdown = TextAreaField(
        _l("Full text"),
        validators=[Optional(), Length(max=200_000)],
        description=_l("Markdown: # headings, **bold**, lists, [links](https://…)."),
        render_kw={"rows": 12},
    )
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    proposer = SelectField(_l("Proposed by"), coerce=int)
    ballot_kind = SelectField(
        _l("Kind of ballot"), choices=[(k.value, label) for k, label in BALLOT_LABELS.items()]
    )
    options = TextAreaField(
        _l("Options"),
        validators=[Optional(), Length(max=6000)],
        description=_l("For an option ballot: one option per line."),
    )
    quorum = SelectField(
        _l("Quorum"),
        choices=QUORUM_CHOICES,
        default="1/2",
        description=_l("The share of the electorate that must cast a ballot; abstentions count."),
    )
    majority = SelectField(
        _l("Majority"),
        choices=[(m.value, label) for m, label in MAJORITY_LABELS.items()],
        description=_l("For option ballots the most votes wins and a tie decides nothing."),
    )
    secret = BooleanField(_l("Secret ballot: only totals are ever shown"))
    changes_allowed = BooleanField(
        _l("A park may change its vote until voting closes"), default=True
    )
    attachments = MultipleFileField(
        _l("Attachments"), description=_l("PDF or office documents, at most 5 files of 10 MB each.")
    )
    submit = SubmitField(_l("Save draft"))


add_translations(InitiativeForm, InitiativeTranslationForm)


# The two forms share a page: their fields and buttons carry their own ids, so that each
# label points at its own field.
class ScheduleForm(Form):
    opens_at = DateTimeLocalField(
        _l("Voting opens"),
        format=DATETIME_FORMAT,
        validators=[DataRequired()],
        id="schedule-opens-at",
    )
    closes_at = DateTimeLocalField(
        _l("Voting closes"),
        format=DATETIME_FORMAT,
        validators=[DataRequired()],
        id="schedule-closes-at",
    )
    submit = SubmitField(_l("Schedule voting"), id="schedule-submit")


class OpenNowForm(Form):
    closes_at = DateTimeLocalField(
        _l("Voting closes"),
        format=DATETIME_FORMAT,
        validators=[DataRequired()],
        id="open-closes-at",
    )
    submit = SubmitField(_l("Open voting now"), id="open-submit")


class CloseVoteForm(Form):
    # Required by close_vote when voting closes before its deadline; the page says so.
    reason = TextAreaField(
        _l("Reason for closing now"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Kept in the audit log and shown with the result to every park."),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Close voting and publish the final result"))
