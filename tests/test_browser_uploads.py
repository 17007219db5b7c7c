"""Files in Chromium: a picture attached with the paperclip (a progress bar, then "Ready"),
a file dropped on the chat; the others see the picture inline as its thumbnail and the file
as a download, live and after a reload."""
from __future__ import annotations

import io
import re

import pytest

from tests.browser_people import messages_saying, new_account, ready_to_write
from tests.browser_support import assert_no_errors, expect, screenshot

pytestmark = pytest.mark.browser


def sunset_png() -> bytes:
    """A 640x400 picture: an orange-to-purple sky over a dark roof line."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400))
    draw = ImageDraw.Draw(image)
    for y in range(400):
        draw.line([(0, y), (640, y)], fill=(250 - y // 3, 140 - y // 4, 60 + y // 3))
    draw.rectangle([(0, 330), (640, 400)], fill=(30, 30, 40))
    draw.ellipse([(280, 230), (360, 310)], fill=(255, 210, 120))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def drop_file(page, name: str, text: str) -> None:
    """Drop a text file on the chat pane, as dragging one from the desktop does."""
    page.evaluate("""([name, text]) => {
        const data = new DataTransfer();
        data.items.add(new File([text], name, { type: "text/plain" }));
        const pane = document.querySelector(".chat-pane");
        for (const type of ["dragover", "drop"]) {
          pane.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
        }
    }""", [name, text])


def test_a_picture_and_a_file_reach_the_others(browser_context, tmp_path):
    ana = new_account(browser_context, "ana.lima", "Ana Lima")
    ben = new_account(browser_context, "ben.okafor", "Ben Okafor")
    for page in (ana, ben):
        page.goto("/rooms/5")
        ready_to_write(page)

    ana.locator("#upload-input").set_input_files(
        {"name": "sunset.png", "mimeType": "image/png", "buffer": sunset_png()})
    tray = ana.get_by_role("list", name="Files to send")
    expect(tray.locator(".upload")).to_contain_text("sunset.png")
    expect(tray.locator(".upload-status")).to_have_text("Ready")
    ana.locator("#composer").fill("Sunset from the library roof")
    ana.locator("#composer").press("Enter")
    expect(tray).to_be_hidden()

    picture = messages_saying(ben, "Sunset from the library roof").get_by_role(
        "img", name="sunset.png")
    expect(picture).to_be_visible()
    ben.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert picture.get_attribute("width") == "320" and picture.get_attribute("height") == "200"
    link = messages_saying(ben, "Sunset from the library roof").locator("a.attachment-image")
    expect(link).to_have_attribute("href", re.compile(r"^/api/uploads/"))

    # A file dropped on the chat goes with the next message, even one without words.
    drop_file(ana, "reading-list.txt", "Dune\nHyperion\nThe Dispossessed\n")
    expect(tray.locator(".upload-status")).to_have_text("Ready")
    ana.locator("#composer").press("Enter")
    file_link = ben.locator("#messages a.attachment-file").filter(has_text="reading-list.txt")
    expect(file_link).to_be_visible()
    expect(file_link).to_have_attribute("download", "reading-list.txt")
    ben.mouse.move(0, 0)
    screenshot(ben, "picture", tmp_path)

    # After a reload the page shows them the same way.
    ben.reload()
    ready_to_write(ben)
    expect(messages_saying(ben, "Sunset from the library roof").get_by_role("img", name="sunset.png")
           ).to_have_attribute("width", "320")
    expect(ben.locator("#messages a.attachment-file").filter(has_text="reading-list.txt")
           ).to_contain_text(re.compile(r"\d+ Bytes"))
    for page in (ana, ben):
        assert_no_errors(page.context)
