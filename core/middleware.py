"""Chinese is the platform's language: the browser's Accept-Language does not switch it; only
the user's explicit choice (the language cookie set by /i18n/setlang/) does."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ExplicitLanguageOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
