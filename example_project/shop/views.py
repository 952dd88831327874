from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.debug import sensitive_post_parameters
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


# Django's own mark for sensitive fields: the recorder masks them too (they are
# blocked, replayed as empty boxes, if MASK_ALL_INPUTS is turned off).
@sensitive_post_parameters("username", "password")
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
def consent(request: HttpRequest) -> HttpResponse:
    """A page that records only after the visitor consents (autostart=False)."""
    return render(request, "shop/consent.html")


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    """A tiny JSON endpoint, so the home page can make a network call to record."""
    return JsonResponse({"ok": True, "time": timezone.now().isoformat()})


@require_GET
def boom(request: HttpRequest) -> HttpResponse:
    """Raises, so Django answers its 500 page: the exception, its frames and the
    "Internal Server Error" log line land on the session's timeline (docs/server.md)."""
    raise RuntimeError("Server error (on purpose)")


LAB_TABS = {"overview": "Overview", "details": "Details"}


def other_origin(request: HttpRequest) -> str | None:
    """This site under its other local name (127.0.0.1 <-> localhost): another
    origin for the lab's cross-origin frame, with no second server."""
    host, _, port = request.get_host().rpartition(":")
    if not host:
        host, port = port, ""
    other = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(host)
    if other is None:
        return None
    return f"{request.scheme}://{other}{':' + port if port else ''}"


@require_GET
def lab(request: HttpRequest, tab: str = "overview") -> HttpResponse:
    """Page features a replay must cope with: an open shadow root with a
    constructed stylesheet, a canvas, a same-origin and a cross-origin iframe,
    and single-page-app navigation (shop/static/shop/lab.js)."""
    if tab not in LAB_TABS:
        tab = "overview"
    other = other_origin(request)
    return render(
        request,
        "shop/lab.html",
        {
            "tab": tab,
            "tabs": LAB_TABS,
            "tab_title": LAB_TABS[tab],
            # Canvas recording is opt-in: this page turns it on with the tag's
            # record_canvas argument, unless ?canvas=off.
            "record_canvas": request.GET.get("canvas") != "off",
            "cross_origin_frame": f"{other}/lab-frame/" if other else None,
        },
    )


@require_GET
@xframe_options_exempt  # framed by the lab page, from its own and the other origin
def lab_frame(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/lab_frame.html", {"host": request.get_host()})
