"""Every form derives from core's base: plain Chinese messages, and a length limit on every text field."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core import validators
from django.urls import reverse
from django.utils import translation

import jiceng
from jiceng.core import forms as core_forms


def _form_classes():
    found = []
    for info in pkgutil.iter_modules(jiceng.__path__):
        try:
            module = importlib.import_module(f"jiceng.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def _stock_fragments() -> set[str]:
    """The fixed words of every Django message a form can show, in Chinese."""
    messages = []
    for cls in vars(forms).values():
        if inspect.isclass(cls) and issubclass(cls, forms.Field):
            for klass in cls.__mro__:
                messages += getattr(klass, "default_error_messages", {}).values()
    for v in (
        validators.MinValueValidator(1),
        validators.MaxValueValidator(1),
        validators.MaxLengthValidator(1),
        validators.MinLengthValidator(1),
        validators.ProhibitNullCharactersValidator(),
        validators.StepValueValidator(1),
    ):
        messages.append(v.message)
    messages += validators.DecimalValidator(5, 2).messages.values()
    fragments = set()
    with translation.override("zh-hans"):
        for m in messages:
            text = str(
                m
                % {
                    "limit_value": 1,
                    "show_value": 2,
                    "value": "x",
                    "max": 1,
                    "pk": 1,
                    "length": 1,
                    "max_pk": 1,
                    "list": 1,
                }
            )
            for part in text.replace("1", "|").replace("2", "|").replace("x", "|").split("|"):
                if len(part.strip()) >= 4:
                    fragments.add(part.strip())
    assert "这个字段是必填项。" in fragments and any("确保该值大于或等于" in f for f in fragments)
    return fragments


def test_every_form_derives_from_the_base_form():
    classes = _form_classes()
    assert len(classes) > 30
    bare = [c.__qualname__ for c in classes if not issubclass(c, core_forms.Form | core_forms.ModelForm)]
    assert bare == []


def _resident_forms():
    from jiceng.alliance.forms import RateForm, ResidentNeedForm
    from jiceng.bank.forms import ClaimForm, DonateForm, ReasonForm
    from jiceng.bank.models import EarningRule
    from jiceng.diary.forms import DiaryForm

    bad = {
        "text": "善" * 3000,
        "title": "",
        "description": "说" * 3000,
        "witness": "张" * 101,
        "minutes": "0",
        "deed_date": "昨天",
        "date": "2024-13-45",
        "points": "-5",
        "category": "不存在",
        "urgency": "x",
        "rating": "9",
        "reason": "",
        "message": "\x00",
        "rule": "999999",
    }
    return [
        ClaimForm(bad, rules=EarningRule.objects.all()),
        ClaimForm(bad | {"minutes": "十", "text": ""}, rules=EarningRule.objects.all()),
        DiaryForm(bad),
        DonateForm(bad),
        DonateForm(bad | {"points": "两百"}),
        ResidentNeedForm(bad),
        RateForm(bad),
        ReasonForm(bad),
        core_forms.LoginForm({}),
    ]


@pytest.mark.django_db
def test_resident_forms_show_no_stock_django_message():
    fragments = _stock_fragments()
    shown = []
    with translation.override("zh-hans"):
        for form in _resident_forms():
            assert not form.is_valid()
            shown += [str(m) for errors in form.errors.values() for m in errors]
    assert len(shown) > 20
    stock = [m for m in shown if any(f in m for f in fragments)]
    assert stock == []
    assert "这一项还没有填写，请填写后再提交" in shown
    assert "这一项最多填 1000 个字，现在有 3000 个字，请删减一些" in shown
    assert "这里的数字不能小于 1，请改一下" in shown


def test_a_text_field_without_a_limit_gets_one():
    class Note(core_forms.Form):
        note = forms.CharField()

    form = Note({"note": "字" * (core_forms.TEXT_MAX_LENGTH + 1)})
    assert not form.is_valid() and "最多填 2000 个字" in form.errors["note"][0]
    assert not Note({"note": "好\ud800"}).is_valid()


def test_the_claim_page_speaks_plainly(client, personas, regions):
    from jiceng.bank.services.rules import rule_catalogue_seed

    rule_catalogue_seed(district=regions["district"])
    client.force_login(personas["resident"])
    page = client.post(reverse("bank:claim_new"), {"text": "", "minutes": "0"}).content.decode()
    assert "这一项还没有填写" in page
    assert not [f for f in _stock_fragments() if f in page]
