"""The service circle's forms: the map's filters, an import's upload and a place's photo."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.circle.coverage import DEFAULT_LIMIT_M, DEFAULT_WALK_SPEED_M_PER_MIN, limit_from_minutes
from jiceng.circle.models import PlaceKind, PlacePhoto
from jiceng.circle.queries.params import CircleParams
from jiceng.core.forms import Form, ModelForm
from jiceng.core.photos import PhotoError, image_open_checked
from jiceng.people.forms import ImportForm


class CircleFilterForm(Form):
    """The map's filters. Every field is optional; a bad value falls back to the default."""

    region = forms.CharField(required=False, widget=forms.HiddenInput)
    limit = forms.IntegerField(
        label=_("步行距离（米）"),
        required=False,
        min_value=50,
        max_value=5000,
        help_text=_("默认 1000 米：GB 50180-2018 中 15 分钟生活圈的步行距离上限"),
        widget=forms.NumberInput(attrs={"step": 50, "placeholder": "1000"}),
    )
    minutes = forms.DecimalField(
        label=_("或步行时间（分钟）"),
        required=False,
        min_value=1,
        max_value=60,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": 1, "placeholder": "15"}),
    )
    speed = forms.DecimalField(
        label=_("步速（米/分钟）"),
        required=False,
        min_value=20,
        max_value=150,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": 1, "placeholder": f"{DEFAULT_WALK_SPEED_M_PER_MIN:.1f}"}),
        help_text=_("老年人步速约 50 米/分钟"),
    )
    kinds = forms.MultipleChoiceField(
        label=_("计入的阵地类型（不选即全部）"),
        required=False,
        choices=PlaceKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    open_at = forms.TypedChoiceField(
        label=_("只算此时开放的阵地"),
        required=False,
        choices=[("", _("不限时间"))]
        + [(t, t) for t in (f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30))],
        coerce=lambda value: dt.datetime.strptime(value, "%H:%M").time(),
        empty_value=None,
        help_text=_("全天开放的阵地始终计入"),
    )

    def params(self) -> CircleParams:
        self.is_valid()  # a bad field drops out of cleaned_data and takes its default
        data = getattr(self, "cleaned_data", {})  # unbound: every default
        kinds = tuple(sorted(data.get("kinds") or ()))
        open_at = data.get("open_at")
        minutes = data.get("minutes")
        if minutes is not None:
            speed = float(data.get("speed") or DEFAULT_WALK_SPEED_M_PER_MIN)
            return CircleParams(
                limit_m=limit_from_minutes(float(minutes), speed),
                kinds=kinds,
                open_at=open_at,
                minutes=float(minutes),
                speed_m_per_min=speed,
            )
        return CircleParams(limit_m=float(data.get("limit") or DEFAULT_LIMIT_M), kinds=kinds, open_at=open_at)


class PhotoForm(ModelForm):
    class Meta:
        model = PlacePhoto
        fields = ["image", "caption"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image and image.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("照片超过 10 MB，请压缩后再上传"))
        if image:
            try:
                image_open_checked(image)
            except PhotoError as exc:
                raise forms.ValidationError(str(exc)) from None
            image.seek(0)
        return image


__all__ = ["CircleFilterForm", "ImportForm", "PhotoForm"]
