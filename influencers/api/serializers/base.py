"""Input validation shared by every resource: unknown fields are refused, text is bounded,
NUL and lone surrogates are refused (DRF's CharField validators), related ids resolve only
inside the caller's workspace."""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MAX_TEXT_LENGTH = 10_000
MAX_ID = 2**63 - 1


class StrictMixin:
    """Refuse fields the endpoint does not know (a typo must not be silently ignored).
    `ignored_fields` are output-only names a client may echo back from a GET."""

    ignored_fields: tuple[str, ...] = ("id", "created_at", "updated_at")

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            known = set(self.fields) | set(self.ignored_fields)
            unknown = sorted(str(k) for k in data if k not in known)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
            data = {k: v for k, v in data.items() if k in self.fields}
            # DRF's CharField would turn 12 or true into "12"/"True": a wrong type is an error.
            wrong = {
                name: [_("A string is required.")]
                for name, value in data.items()
                if isinstance(self.fields[name], serializers.CharField)
                and value is not None
                and not isinstance(value, str)
            }
            # The same inside lists of text (tags: [1, 2] is not ["1", "2"]).
            for name, value in data.items():
                field = self.fields[name]
                if (
                    isinstance(field, serializers.ListField)
                    and isinstance(field.child, serializers.CharField)
                    and isinstance(value, list)
                ):
                    items = {
                        i: [_("A string is required.")]
                        for i, item in enumerate(value)
                        if item is not None and not isinstance(item, str)
                    }
                    if items:
                        wrong[name] = items
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)


class StrictSerializer(StrictMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictMixin, serializers.ModelSerializer):
    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and "max_length" not in kwargs:
            kwargs["max_length"] = MAX_TEXT_LENGTH
        return field_class, kwargs


class WorkspacePrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id of a record in the caller's workspace; any other id is 'does not exist'."""

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        workspace = self.context.get("workspace")
        return self.model.objects.filter(workspace=workspace)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int) or not 0 < data <= MAX_ID:
            if isinstance(data, str) and data.isdigit() and 0 < int(data) <= MAX_ID:
                data = int(data)
            else:
                self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class WorkspaceMemberField(WorkspacePrimaryKeyField):
    """A user id that is a member of the caller's workspace."""

    def __init__(self, **kwargs):
        super().__init__(get_user_model(), **kwargs)

    def get_queryset(self):
        workspace = self.context.get("workspace")
        return get_user_model().objects.filter(memberships__workspace=workspace)
