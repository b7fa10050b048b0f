from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("手机号或用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)
