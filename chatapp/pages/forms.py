"""The web pages' forms. Every one carries a CSRF token (Flask-WTF); ``csrf`` also checks the
token on every other non-API POST, so a form added without one is refused, not left open.

The forms only parse and require fields; the rules for usernames, passwords, avatars and
lengths live in :mod:`chatapp.actions.accounts` (one place), whose errors the views attach to
the field they name.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Optional

from chatapp.actions.accounts import (
    AVATAR_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    STATUS_MAX,
)

csrf = CSRFProtect()

# Client-side hints only (the server checks again): what the browser can tell before a round trip.
USERNAME_HINTS = {"autocomplete": "username", "maxlength": 32, "spellcheck": "false",
                  "autocapitalize": "none"}
NEW_PASSWORD_HINTS = {"autocomplete": "new-password", "minlength": PASSWORD_MIN,
                      "maxlength": PASSWORD_MAX}

# Action error field names (the JSON API's spelling) -> form field names.
ACTION_FIELDS = {"displayName": "display_name", "avatar": "avatar", "status": "status",
                 "username": "username", "password": "password", "isPrivate": "is_private",
                 "email": "email",
                 "startsAt": "starts_at", "endsAt": "ends_at",
                 "chatBeforeStart": "chat_before_start"}


class RegisterForm(FlaskForm):
    username = StringField("Username", [DataRequired()], render_kw=USERNAME_HINTS,
                           description="3-32 letters, digits, '.', '_' or '-'.")
    email = StringField("Email (optional)", [Optional()],
                        render_kw={"maxlength": EMAIL_MAX, "type": "email",
                                   "autocomplete": "email"},
                        description="You can sign in with it instead of your username.")
    display_name = StringField("Display name (optional)", [Optional()],
                               render_kw={"maxlength": DISPLAY_NAME_MAX})
    password = PasswordField("Password", [DataRequired()], render_kw=NEW_PASSWORD_HINTS,
                             description=f"At least {PASSWORD_MIN} characters.")
    confirm = PasswordField("Repeat the password",
                            [DataRequired(), EqualTo("password", "The passwords differ.")],
                            render_kw=NEW_PASSWORD_HINTS)
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    # Accounts made through the old REST auth (or imported) have an email, not a username.
    username = StringField("Username or email", [DataRequired()],
                           render_kw={**USERNAME_HINTS, "maxlength": EMAIL_MAX})
    password = PasswordField("Password", [DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    """Only a CSRF token: logging out is a POST so another site cannot log a user out."""

    submit = SubmitField("Sign out")

    def __init__(self, *args, **kwargs) -> None:
        # The header's form is on every page, next to others: a prefix keeps its ids distinct.
        super().__init__(*args, prefix="logout", **kwargs)


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", [Optional()],
                               render_kw={"maxlength": DISPLAY_NAME_MAX})
    avatar = StringField("Avatar URL", [Optional()],
                         render_kw={"maxlength": AVATAR_MAX, "type": "url",
                                    "placeholder": "https://"},
                         description="An http or https address of an image.")
    status = StringField("Status", [Optional()], render_kw={"maxlength": STATUS_MAX})
    submit = SubmitField("Save profile")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="profile", **kwargs)


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", [DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password = PasswordField("New password", [DataRequired()], render_kw=NEW_PASSWORD_HINTS,
                             description=f"At least {PASSWORD_MIN} characters.")
    confirm = PasswordField("Repeat the new password",
                            [DataRequired(), EqualTo("password", "The passwords differ.")],
                            render_kw=NEW_PASSWORD_HINTS)
    submit = SubmitField("Change password")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, prefix="pw", **kwargs)


def attach_errors(form: FlaskForm, fields: dict[str, str], message: str,
                  default: str) -> None:
    """Put an action's field errors on the form's fields (``default`` when it names none)."""
    placed = False
    for name, problem in fields.items():
        field = getattr(form, ACTION_FIELDS.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, problem[:1].upper() + problem[1:]]
            placed = True
    if not placed:
        field = getattr(form, default)
        field.errors = [*field.errors, message[:1].upper() + message[1:]]
