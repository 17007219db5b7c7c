"""How log lines look: readable text (default) or one JSON object per line (``LOG_FORMAT=json``).

This module imports the standard library only, and nothing from ``chatapp``: gunicorn's
arbiter loads it by file path (see ``gunicorn.conf.py``) to format its own lines the same way
before any worker has imported the app (and before gevent patched anything).

A record's context (``request_id``, ``user_id``, ``sid``) and any ``extra=`` fields a call
passes become JSON keys; in text they are appended as ``key=value``. Callers must never pass
message contents, tokens or passwords as fields.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

# Attributes every LogRecord has; anything else on a record came from ``extra=`` or a filter.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName"}
# Context keys, in the order they are printed, before the call's own fields.
CONTEXT_KEYS = ("request_id", "user_id", "sid")


def record_fields(record: logging.LogRecord) -> dict:
    """The context and ``extra=`` fields of a record, context first, None values left out."""
    fields = {key: getattr(record, key) for key in CONTEXT_KEYS
              if getattr(record, key, None) is not None}
    for key, value in vars(record).items():
        if key not in _STANDARD_ATTRIBUTES and key not in fields and value is not None \
                and not key.startswith("_") and key not in CONTEXT_KEYS:
            fields[key] = value
    return fields


def _utc_time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC), ``level``, ``logger``, ``message``, ``pid``,
    the context and fields, and ``exception`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        body = {"time": _utc_time(record), "level": record.levelname, "logger": record.name,
                "message": record.getMessage(), "pid": record.process}
        body.update(record_fields(record))
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            body["exception"] = record.exc_text
        if record.stack_info:
            body["stack"] = self.formatStack(record.stack_info)
        # default=str: a field that is not JSON (a datetime, an id object) is still one line.
        return json.dumps(body, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``2026-01-02T03:04:05.678Z INFO chatapp.access [pid] message key=value ...``."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{key}={value}" for key, value in record_fields(record).items())
        line = f"{_utc_time(record)} {record.levelname} {record.name} [{record.process}] " \
               f"{record.getMessage()}" + (f" {fields}" if fields else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        elif record.exc_text:
            line += "\n" + record.exc_text
        return line


def formatter_for(log_format: str | None) -> logging.Formatter:
    """The formatter ``LOG_FORMAT`` names: ``json``, or text for anything else (the default)."""
    return JsonFormatter() if (log_format or "").strip().lower() == "json" else TextFormatter()


def gunicorn_logconfig(log_format: str | None, level: str = "INFO") -> dict:
    """A ``logging.config.dictConfig`` for gunicorn: its own lines (``gunicorn.error``) go
    through the root handler, formatted as the app formats its lines."""
    formatter_class = JsonFormatter if (log_format or "").strip().lower() == "json" \
        else TextFormatter
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"chat": {"()": formatter_class}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "chat",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
            # Alembic says which plugins it set up whenever the app is imported.
            "alembic": {"level": "WARNING"},
        },
    }
