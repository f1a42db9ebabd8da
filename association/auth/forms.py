from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from association.auth.passwords import MIN_PASSWORD_LENGTH
from association.parks.models import LANGUAGES

# The members' own zones first (UTC+3 to UTC+6), then every other zone.
MEMBER_TIMEZONES = [
    "Europe/Istanbul",
    "Asia/Baku",
    "Asia/Tashkent",
    "Asia/Ashgabat",
    "Asia/Dushanbe",
    "Asia/Bishkek",
    "Asia/Almaty",
    "Asia/Qyzylorda",
    "Asia/Hebron",
    "Europe/Budapest",
    "UTC",
]


def timezone_choices() -> list[tuple[str, str]]:
    rest = sorted(available_timezones() - set(MEMBER_TIMEZONES))
    return [(zone, zone.replace("_", " ")) for zone in MEMBER_TIMEZONES + rest]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500)],
        description=_l(
            "At least %(count)d characters. A phrase of several words is easy to remember and hard to guess.",
            count=MIN_PASSWORD_LENGTH,
        ),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )
    submit = SubmitField(_l("Set password"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=320)])
    submit = SubmitField(_l("Send me a link"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("Change password"))


class PreferencesForm(FlaskForm):
    language = SelectField(_l("Language"), choices=LANGUAGES)
    timezone = SelectField(
        _l("Time zone"), description=_l("Times of meetings and votes are shown in this zone.")
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Authentication code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "autofocus": True},
    )
    submit = SubmitField(_l("Continue"))


class EnrolmentForm(FlaskForm):
    code = StringField(
        _l("The code your app shows now"),
        validators=[DataRequired(), Length(max=16)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Turn on"))


class TurnOffSecondFactorForm(FlaskForm):
    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Turn the second factor off"))
