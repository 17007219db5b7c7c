"""Account pages: register, sign in, sign out, profile and password.

Thin adapters over :mod:`chatapp.actions.accounts`: parse a form (CSRF checked), call one
action, and show its refusal next to the field it names. The browser session holds only the
user id and the account's ``token_version``, so logging out or changing the password (which
bump the version) revokes every cookie issued before, wherever it was copied to.
"""
from __future__ import annotations

import math
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError

from chatapp.actions.accounts import (
    do_authenticate,
    do_change_password,
    do_logout,
    do_register,
    do_update_profile,
)
from chatapp.actions.sessions import do_create_guest
from chatapp.errors import ChatError, RateLimited
from chatapp.extensions import db
from chatapp.models import User
from chatapp.pages.chat_forms import GuestForm
from chatapp.pages.forms import (
    LoginForm,
    LogoutForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    attach_errors,
)
from chatapp.security.client_address import client_ip
from chatapp.security.identity import Actor, user_from_session
from chatapp.security.sessions import GUEST_KEY

auth = Blueprint("auth", __name__)


def current_user() -> User | None:
    """The account this browser is signed in as, looked up once per request."""
    if "current_user" not in g:
        g.current_user = user_from_session(session)
    return g.current_user


def current_actor() -> Actor | None:
    user = current_user()
    return Actor.of(user) if user is not None else None


def start_session(user: User) -> None:
    """Sign the browser in as ``user`` in a fresh session: whatever the session held before
    (a CSRF token, anything planted by someone who knew the old cookie) is dropped, and the
    cookie is issued anew."""
    session.clear()
    session["user_id"] = user.id
    session["token_version"] = user.token_version
    if user.is_guest:
        session[GUEST_KEY] = True  # a guest's cookie lasts GUEST_TOKEN_MAX_AGE, not 7 days
    session.permanent = True
    g.current_user = user


def safe_next(target: object) -> str | None:
    """``target`` if it is a path on this site (``/rooms/1?x=y``), else None: never another
    host, including ``//host``, ``/\\host`` or a path hiding a tab or newline that browsers
    drop (``/\\t/host``)."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            here = request.full_path if request.query_string else request.path
            flash("Please sign in first.", "info")
            return redirect(url_for("auth.login", next=here))
        return view(*args, **kwargs)
    return wrapped


@auth.app_context_processor
def inject_current_user() -> dict:
    try:
        user = current_user()
    except SQLAlchemyError:  # an error page about a broken database must still render
        db.session.rollback()
        user = None
    return {"current_user": user, "logout_form": LogoutForm() if user is not None else None}


def refuse_rate_limited(form, error: RateLimited, message: str, field: str
                        ) -> tuple[int, dict]:
    """Show ``message`` (with ``{wait}`` seconds) next to ``field``: 429 and Retry-After."""
    wait = max(1, math.ceil(error.retry_after or 0))
    attach_errors(form, {}, message.format(wait=wait), field)
    return 429, {"Retry-After": str(wait)}


@auth.route("/register", methods=["GET", "POST"])
def register():
    if current_user() is not None:
        return redirect(url_for("auth.profile"))
    form, status = RegisterForm(), 200
    if form.validate_on_submit():
        try:
            user = do_register(form.username.data, form.password.data,
                               display_name=form.display_name.data or None,
                               email=form.email.data or None)
        except ChatError as error:
            db.session.rollback()
            attach_errors(form, error.fields, error.message, "username")
            status = error.status
        else:
            start_session(user)
            flash(f"Welcome, {user.display_name or user.username}! Your account is ready.",
                  "success")
            return redirect(url_for("pages.lobby"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/register.html", form=form), status


@auth.route("/login", methods=["GET", "POST"])
def login():
    form, status, headers = LoginForm(), 200, {}
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = do_authenticate(form.username.data, form.password.data, client_ip=client_ip())
        except RateLimited as error:
            status, headers = refuse_rate_limited(
                form, error, "Too many failed sign-ins; try again in {wait} seconds.", "password")
        except ChatError as error:
            db.session.rollback()
            attach_errors(form, {}, "Wrong username or password.", "password")
            status = 400 if error.status == 401 else error.status
        else:
            start_session(user)
            flash(f"Signed in as {user.display_name or user.username}.", "success")
            return redirect(safe_next(form.next.data) or url_for("pages.lobby"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@auth.route("/guest", methods=["GET", "POST"])
def guest():
    """Chat without an account: the server makes a guest user and signs the browser in as it
    (the browser's sockets are then identified by the session cookie, like an account's)."""
    if current_user() is not None:
        return redirect(url_for("pages.lobby"))
    form, status, headers = GuestForm(), 200, {}
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            user = do_create_guest(form.username.data, client_ip=client_ip())
        except RateLimited as error:
            status, headers = refuse_rate_limited(
                form, error, "Too many new guests from your address; try again in {wait} "
                             "seconds or sign in.", "username")
        except ChatError as error:
            attach_errors(form, error.fields, error.message, "username")
            status = error.status
        else:
            start_session(user)
            flash(f"Welcome, {user.username}! You are chatting as a guest.", "success")
            return redirect(safe_next(form.next.data) or url_for("pages.lobby"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/guest.html", form=form), status, headers


@auth.post("/logout")
def logout():
    """POST only, with a CSRF token (checked by ``csrf`` before this runs)."""
    user = current_user()
    if user is not None:
        do_logout(user)  # revokes this cookie, every token and closes the user's sockets
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("pages.lobby"))


def profile_form(user: User) -> ProfileForm:
    return ProfileForm(data={"display_name": user.display_name or "",
                             "avatar": user.avatar or "", "status": user.status or ""})


@auth.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user()
    form, status = profile_form(user), 200
    if form.validate_on_submit():
        try:
            do_update_profile(user, {"displayName": form.display_name.data or None,
                                     "avatar": form.avatar.data or None,
                                     "status": form.status.data or None})
        except ChatError as error:
            db.session.rollback()  # the action may have set some fields before refusing one
            attach_errors(form, error.fields, error.message, "display_name")
            status = error.status
        else:
            flash("Profile saved.", "success")
            return redirect(url_for("auth.profile"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/profile.html", user=user, form=form,
                           password_form=PasswordForm(formdata=None)), status


@auth.post("/profile/password")
@login_required
def change_password():
    user = current_user()
    form, status = PasswordForm(), 400
    if form.validate_on_submit():
        try:
            do_change_password(user, form.current_password.data, form.password.data)
        except ChatError as error:
            db.session.rollback()
            attach_errors(form, error.fields, error.message, "current_password")
            status = error.status if error.status != 401 else 400
        else:
            # Every other session and token is revoked; this browser stays signed in.
            start_session(user)
            flash("Password changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", user=user, form=profile_form(user),
                           password_form=form), status
