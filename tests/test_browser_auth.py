"""Accounts through the real forms in Chromium: register, sign out, sign in, protected pages."""
from __future__ import annotations

import re

import pytest

from tests.browser_people import (
    expect_signed_in,
    expect_signed_out,
    fill_sign_in,
    header,
    register,
    sign_in,
    sign_out,
)
from tests.browser_support import assert_no_errors, expect

pytestmark = pytest.mark.browser


def test_register_sign_out_and_sign_in_again(browser_context, unique):
    context = browser_context()
    page = context.new_page()
    name = unique("ana")

    register(page, name, display_name="Ana Lima")  # the header greets her by display name
    expect(page.get_by_text("Welcome, Ana Lima!")).to_be_visible()

    sign_out(page)
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(header(page)).not_to_contain_text("Ana Lima")

    sign_in(page, name, shown_name="Ana Lima")
    expect(page.get_by_text("Signed in as Ana Lima.")).to_be_visible()
    assert_no_errors(context)


def test_the_profile_page_asks_a_stranger_to_sign_in_then_returns_there(browser_context,
                                                                        unique):
    owner = browser_context().new_page()
    name = unique("ben")
    register(owner, name)
    sign_out(owner)

    page = owner
    page.goto("/profile")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)profile$"))
    expect(page.get_by_text("Please sign in first.")).to_be_visible()
    expect_signed_out(page)

    fill_sign_in(page, name)
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect_signed_in(page, name)
    assert_no_errors(owner.context)


def test_two_browsers_are_two_people(browser_context, unique):
    ana, stranger = browser_context().new_page(), browser_context().new_page()
    register(ana, unique("ana"), display_name="Ana Lima")

    stranger.goto("/")
    expect_signed_out(stranger)  # Ana's cookie stays in Ana's browser
    stranger.goto("/profile")
    expect(stranger).to_have_url(re.compile(r"/login"))

    ana.reload()
    expect_signed_in(ana, "Ana Lima")


def test_a_wrong_password_is_refused_and_said_so(browser_context, unique):
    context = browser_context()
    page = context.new_page()
    name = unique("cara")
    register(page, name)
    sign_out(page)

    page.goto("/login")
    fill_sign_in(page, name, "not the password")
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    expect_signed_out(page)
    assert_no_errors(context, allow=r"status of 400")  # the refused POST answers 400
