from django import forms


class SignupForm(forms.Form):
    """A sign-up form whose inputs the recorder masks (the password always)."""

    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
