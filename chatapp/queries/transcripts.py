"""An event's whole chat as a downloadable file: text, markdown, JSON or CSV."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from chatapp.timeutil import isoformat_z

FORMATS = {
    "txt": ("text/plain; charset=utf-8", "txt"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}


def _rows(messages: Iterable) -> Iterator[tuple[int, str, str, str]]:
    for message_id, created_at, username, content in messages:
        yield message_id, isoformat_z(created_at), username, content


def _markdown_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|" else ch for ch in text)


def render(fmt: str, event: dict, messages: Iterable,
           questions: Iterable[dict] = ()) -> Iterator[str]:
    """Yield the transcript in ``fmt`` chunk by chunk, so a long chat streams. ``messages``
    yields ``(id, created_at, username, text)`` oldest first. ``questions`` (the audience's
    Q&A, public shapes: an anonymous asker stays anonymous) follow the chat in JSON, text and
    markdown; the CSV stays one table of messages."""
    if fmt == "json":
        yield json.dumps({"event": event})[:-1] + ', "messages": ['
        for i, (mid, ts, user, text) in enumerate(_rows(messages)):
            yield ("," if i else "") + json.dumps(
                {"id": mid, "timestamp": ts, "username": user, "text": text})
        yield '], "questions": ' + json.dumps(list(questions)) + "}"
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "timestamp", "username", "text"])
        for row in _rows(messages):
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
    elif fmt == "md":
        yield f"# {_markdown_escape(event['name'])}\n\n"
        yield f"Status: {event['status']}. Transcript of event `{event['id']}`.\n\n"
        for _, ts, user, text in _rows(messages):
            body = "\n  ".join(_markdown_escape(line) for line in text.splitlines() or [""])
            yield f"- **{_markdown_escape(user)}** ({ts}): {body}\n"
        questions = list(questions)
        if questions:
            yield "\n## Questions\n\n"
        for q in questions:
            yield (f"- {_markdown_escape(q['text'])} ({_markdown_escape(_asker(q))}, "
                   f"{q['votes']} votes, {q['status']})\n")
    else:
        yield f"{event['name']}\nStatus: {event['status']}\n\n"
        for _, ts, user, text in _rows(messages):
            yield f"[{ts}] {user}: " + text.replace("\n", "\n    ") + "\n"
        questions = list(questions)
        if questions:
            yield "\nQuestions\n"
        for q in questions:
            yield f"[{q['votes']} votes, {q['status']}] {_asker(q)}: {q['text']}\n"


def _asker(question: dict) -> str:
    return question["author"]["username"] if question["author"] else "anonymous"
