"""Form widgets shared by the chapters."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It reads and writes only ISO dates (2025-03-18), whatever
    the locale: Chinese formats render a date as 2025/03/18, which the picker discards, so an
    edit form would show a stored date as empty and lose it on save."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
