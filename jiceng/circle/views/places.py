"""Service places: the list, a place with its photos, and a photo itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.circle import services
from jiceng.circle.forms import PhotoForm
from jiceng.circle.models import PlaceKind, PlacePhoto, ServicePlace
from jiceng.circle.queries.places import place_list_for
from jiceng.circle.views import STAFF
from jiceng.core.scope import get_scoped_or_404, require_role


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    kind = request.GET.get("kind", "")
    page = Paginator(place_list_for(request.user, kind=kind), 50).get_page(request.GET.get("page"))
    return render(request, "circle/places.html", {"page": page, "kind": kind, "kinds": PlaceKind.choices})


@login_required
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    place = get_scoped_or_404(
        request.user, ServicePlace.objects.select_related("community"), region="community", pk=pk
    )
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_photo_add(
                place=place,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                actor=request.user,
            )
        except services.CircleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("照片已上传"))
            return redirect("circle:place", pk=place.pk)
    return render(request, "circle/place.html", {"place": place, "form": form, "photos": place.photos.all()})


@login_required
def place_photo(request: HttpRequest, pk: int) -> FileResponse:
    require_role(request.user, *STAFF)
    photo = get_scoped_or_404(request.user, PlacePhoto.objects.all(), region="place__community", pk=pk)
    try:
        return FileResponse(photo.image.open("rb"))
    except OSError:
        raise Http404 from None
