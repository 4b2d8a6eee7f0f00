"""Merging creators: the request body of POST /creators/{id}/merge/ and the rows of
GET /merge-suggestions/."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencers.selectors.merge_suggestions import REASON_CHOICES

from .base import MAX_ID, StrictSerializer

MAX_MERGE_OTHERS = 19  # with the survivor, 20 creators in one merge (as in the admin)


class CreatorMergeInputSerializer(StrictSerializer):
    """The creators to fold into the one in the path."""

    others = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=MAX_MERGE_OTHERS,
        help_text=_("Ids of the creators to fold into this one (same workspace)."),
    )

    def validate_others(self, value):
        return list(dict.fromkeys(value))  # duplicates are the same creator


class SuggestedCreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class MergeSuggestionSerializer(serializers.Serializer):
    """One group of probable duplicates."""

    reason = serializers.ChoiceField(choices=REASON_CHOICES)
    reason_display = serializers.CharField(help_text=_("The reason in words."))
    value = serializers.CharField(
        help_text=_("The shared email or phone number (masked for viewers), or the handle.")
    )
    creators = SuggestedCreatorSerializer(many=True)
