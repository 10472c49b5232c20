from django import forms
from unfold.forms import UserChangeForm as UnfoldUserChangeForm
from unfold.forms import UserCreationForm as UnfoldUserCreationForm

from accounts.models import User
from accounts.validators import normalize_mobile


class MobileField(forms.CharField):
    """A mainland mobile number, normalised (+86, spaces, full-width digits) before checks."""

    def to_python(self, value):
        return normalize_mobile(super().to_python(value))


class AdminUserCreationForm(UnfoldUserCreationForm):
    class Meta:
        model = User
        fields = ("phone", "display_name", "email")
        field_classes = {"phone": MobileField}


class AdminUserChangeForm(UnfoldUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"phone": MobileField}
