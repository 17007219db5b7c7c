"""Errors turned into responses in one place: JSON ``{"error": {code, message}}`` under /api,
a plain page elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from chatapp.errors import ChatError
from chatapp.extensions import db
from chatapp.observability import logs, metrics

log = logging.getLogger(__name__)

HTTP_CODES = {400: "invalid", 401: "not_logged_in", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large",
              415: "unsupported_media_type", 429: "rate_limited"}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def error_response(status: int, body: dict):
    if wants_json():
        return {"error": body}, status
    return render_template("error.html", status=status, error=body), status


def count_refusal(code: str) -> None:
    metrics.refused(code, "http")
    logs.log_refusal("http", f"{request.method} {request.path}", code)


def handle_chat_error(error: ChatError):
    db.session.rollback()
    count_refusal(error.code)
    response = error_response(error.status, error.to_dict())
    if error.retry_after is not None:
        response = (*response, {"Retry-After": str(int(error.retry_after + 0.999))})
    return response


def handle_http_error(error: HTTPException):
    code = HTTP_CODES.get(error.code or 500, "error")
    count_refusal(code)
    return error_response(error.code or 500, {"code": code, "message": error.description})


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    metrics.refused("internal", "http")
    db.session.rollback()
    return error_response(500, {"code": "internal", "message": "the server could not process this request"})


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(ChatError, handle_chat_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
