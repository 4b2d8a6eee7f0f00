from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from influencers.views import workspace_switch

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workspace/switch/", workspace_switch, name="workspace-switch"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_router")),
]

handler404 = "influencers.api.handlers.not_found"
handler500 = "influencers.api.handlers.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
