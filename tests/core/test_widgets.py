"""The date picker receives ISO dates in every locale, so edit forms keep stored dates."""

import datetime as dt

from django import forms
from django.utils import translation

from core.widgets import DateInput


class _Form(forms.Form):
    on = forms.DateField(widget=DateInput(), required=False)


def test_a_stored_date_renders_as_iso_in_chinese():
    with translation.override("zh-hans"):
        html = str(_Form(initial={"on": dt.date(2026, 9, 29)})["on"])
    assert 'type="date"' in html and 'value="2026-09-29"' in html


def test_the_posted_iso_date_is_read_back():
    with translation.override("zh-hans"):
        form = _Form({"on": "2026-09-29"})
        assert form.is_valid() and form.cleaned_data["on"] == dt.date(2026, 9, 29)
