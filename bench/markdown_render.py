"""What rendering a message's ``html`` costs on the send path (chatapp/formatting.py).

    .venv/bin/python bench/markdown_render.py

Prints microseconds per message for a plain sentence (the shortcut), the same sentence sent
through the full path (markdown-it-py, linkify, nh3), and a formatted message with a link, a
list and code. Every room message renders once when sent; history pages render each message
they return.
"""
from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from chatapp.formatting import render_markdown, render_markdown_fully  # noqa: E402

CALLS = 2_000
PLAIN = "see you at the station at nine, bring the tickets please"
FORMATTED = ("**deploy** went fine, see https://example.org/runs/42 and:\n\n"
             "- check `config.py`\n- _then_ ping ~~me~~ the team")


def per_call_us(function) -> float:
    return min(timeit.repeat(function, number=CALLS, repeat=3)) / CALLS * 1e6


def main() -> None:
    print(f"plain sentence (shortcut): {per_call_us(lambda: render_markdown(PLAIN)):8.1f} us")
    print(f"plain sentence (full path): {per_call_us(lambda: render_markdown_fully(PLAIN)):7.1f} us")
    print(f"formatted message:          {per_call_us(lambda: render_markdown(FORMATTED)):7.1f} us")


if __name__ == "__main__":
    main()
