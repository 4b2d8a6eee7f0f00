from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from influencers.admin.my_day import digest_settings_view, my_day_view
from influencers.views import workspace_switch
from influencers.views.answers import invitation_answer_view

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workspace/switch/", workspace_switch, name="workspace-switch"),
    # "My day" and its digest setting: admin pages that belong to no model (staff only).
    path("admin/my-day/", admin.site.admin_view(my_day_view), name="my-day"),
    path(
        "admin/my-day/digest/<int:membership_id>/",
        admin.site.admin_view(digest_settings_view),
        name="my-day-digest",
    ),
    path("admin/", admin.site.urls),
    # Public: a creator answers a switch-over invitation (signed, expiring link; no login).
    path("answer/<str:token>/", invitation_answer_view, name="switchover-answer"),
    path("api/", include("config.api_router")),
]

handler404 = "influencers.api.handlers.not_found"
handler500 = "influencers.api.handlers.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
