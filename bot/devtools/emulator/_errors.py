"""Telegram-style API errors.

Handlers raise :class:`ApiError`; the HTTP layer turns it into the exact JSON body and HTTP
status Telegram would send, so aiogram maps it to the same exception class as in production.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answer of the Bot API (``{"ok": false, ...}``)."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body exactly as Telegram shapes it."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's ``Bad Request: ...`` prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """403 with Telegram's ``Forbidden: ...`` prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 carrying ``parameters.retry_after`` (aiogram raises TelegramRetryAfter on it)."""
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


NOT_FOUND = ApiError(404, "Not Found")
UNAUTHORIZED = ApiError(401, "Unauthorized")
