from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import available_timezones

from babel.core import get_global
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from association.auth.passwords import MIN_PASSWORD_LENGTH
from association.forms import Form
from association.languages import LANGUAGES

# After the member parks' own zones, the association's region (UTC+3 to UTC+6) and UTC.
REGION_TIMEZONES = [
    "Asia/Almaty",
    "Europe/Istanbul",
    "Asia/Baku",
    "Asia/Tashkent",
    "Asia/Bishkek",
    "Europe/Moscow",
    "Asia/Ashgabat",
    "Asia/Dushanbe",
    "Asia/Qyzylorda",
    "Asia/Hebron",
    "Europe/Budapest",
    "UTC",
]


def timezone_choices(
    member_countries: Sequence[str] = (),
) -> dict[str, list[tuple[str, str]]]:
    """Two groups: the zones of the member parks' countries (given most parks first) and the
    region's, each named with its country; then every other zone, alphabetically (a select
    finds one by typing its first letters)."""
    territory_zones = get_global("territory_zones")
    leading: list[str] = []
    for country in member_countries:
        # A country's familiar zone first (Asia/Almaty before Asia/Aqtau).
        zones = territory_zones.get(country, [])
        leading += sorted(zones, key=lambda zone: (zone not in REGION_TIMEZONES, zone))
    leading = [zone for zone in dict.fromkeys([*leading, *REGION_TIMEZONES]) if zone in _ALL_ZONES]
    rest = sorted(_ALL_ZONES - set(leading))
    return {
        _("The members' time zones"): [(zone, _zone_label(zone)) for zone in leading],
        _("Every other time zone"): [(zone, zone.replace("_", " ")) for zone in rest],
    }


_ALL_ZONES = frozenset(available_timezones())


def _zone_label(zone: str) -> str:
    countries = get_global("zone_territories")
    territory = countries.get(zone)
    name = get_locale().territories.get(territory) if territory else None
    label = zone.replace("_", " ")
    return f"{label} ({name})" if name else label


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class NewPasswordForm(Form):
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


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=320)])
    submit = SubmitField(_l("Send me a link"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("Change password"))


class PreferencesForm(Form):
    language = SelectField(_l("Language"), choices=LANGUAGES)
    timezone = SelectField(
        _l("Time zone"), description=_l("Times of meetings and votes are shown in this zone.")
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, member_countries: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices(member_countries)


class SecondFactorForm(Form):
    code = StringField(
        _l("Authentication code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "autofocus": True},
    )
    submit = SubmitField(_l("Continue"))


class EnrolmentForm(Form):
    code = StringField(
        _l("The code your app shows now"),
        validators=[DataRequired(), Length(max=16)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Turn on"))


class TurnOffSecondFactorForm(Form):
    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Turn the second factor off"))
