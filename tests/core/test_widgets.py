"""FastSelect renders what Django's Select renders, without a template per option."""

from __future__ import annotations

import re

import pytest
from django import forms

from core.widgets import FastSelect

CHOICES = [
    ("", "请选择"),
    ("130100", "石家庄市"),
    ("130102", "石家庄 · 长安区"),
    ("x<y", "名字里有 <b>尖括号</b> & 符号"),
    ("河北", [("130200", "唐山市"), ("130300", "秦皇岛市")]),
]


def _normalise(html: str) -> str:
    # Django's templates put newlines and indentation between options.
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"\s+>", ">", html)


@pytest.mark.parametrize("value", ["", "130102", "130300", "x<y", None, "nope"])
@pytest.mark.parametrize("multiple", [False, True])
def test_same_markup_as_django(value, multiple):
    django_cls = forms.SelectMultiple if multiple else forms.Select
    fast_cls = type("FastMultiple", (FastSelect,), {"allow_multiple_selected": True})
    fast_cls = fast_cls if multiple else FastSelect
    attrs = {"id": "id_region", "required": True, "aria-invalid": "true"}
    value = [value, "130100"] if multiple else value
    expected = django_cls(choices=CHOICES).render("region", value, attrs=attrs)
    actual = fast_cls(choices=CHOICES).render("region", value, attrs=attrs)
    assert _normalise(actual) == _normalise(str(expected))


def test_first_duplicate_only_selected_in_single_select():
    html = FastSelect(choices=[("1", "a"), ("1", "b")]).render("n", "1")
    assert html.count("selected") == 1


def test_escapes_labels_and_values():
    html = FastSelect(choices=CHOICES).render("region", None)
    assert "<b>" not in html
    assert "&lt;b&gt;尖括号&lt;/b&gt; &amp; 符号" in html
    assert 'value="x&lt;y"' in html


@pytest.mark.django_db
def test_hotline_form_region_uses_it(regions):
    from hotline.forms import RequestSubmitForm

    form = RequestSubmitForm()
    html = str(form["region"])
    assert isinstance(form.fields["region"].widget, FastSelect)
    assert html.count("<option") > 150  # 11 cities and their counties
    assert "required" in html and 'id="id_region"' in html
