from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .catalog import PRODUCTS
from .forms import SignupForm
from .manual import manual as manual_sections


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/home.html", {"featured": PRODUCTS[:3]})


@require_GET
def products(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/products.html", {"products": PRODUCTS})


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            # A demo: nobody is created. Post/redirect/get, so a reload does not re-post.
            request.session["signup_username"] = form.cleaned_data["username"]
            return redirect("signup_thanks")
    else:
        form = SignupForm()
    return render(request, "shop/signup.html", {"form": form})


@require_GET
def signup_thanks(request: HttpRequest) -> HttpResponse:
    username = request.session.pop("signup_username", None)
    return render(request, "shop/thanks.html", {"username": username})


@require_GET
def manual(request: HttpRequest) -> HttpResponse:
    """A long page: ?paragraphs=N (12,000 by default, about 1.3 MB of HTML)."""
    try:
        paragraphs = max(1, min(100_000, int(request.GET.get("paragraphs", 12_000))))
    except ValueError:
        paragraphs = 12_000
    context = {"sections": manual_sections(paragraphs), "paragraphs": paragraphs}
    return render(request, "shop/manual.html", context)


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    """A tiny JSON endpoint, so the home page can make a network call to record."""
    return JsonResponse({"ok": True, "time": timezone.now().isoformat()})
