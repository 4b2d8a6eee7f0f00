"""Recording a creator's consent (or refusal) to be contacted, with where it came from.

Consent is evidence, so it is never changed silently: every change names its source ("TikTok
DM, 2026-12-01"), is stamped with the time and leaves an activity event on the creator's
timeline. A creator's consent covers the email addresses the pool holds for them (the launch
writes only to consented addresses); a refusal withdraws it from all of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from influencers import policy
from influencers.models import ActivityEvent, ContactMethod, Creator
from influencers.services.readiness import readiness_schedule

MAX_SOURCE = 200


def creators_record_consent(
    *, workspace, actor, creator_ids, consent: bool, source: str
) -> list[int]:
    """Record `consent` for the workspace's creators among `creator_ids`; returns the ids of
    those whose consent or source changed (the others already said the same)."""
    policy.require(actor, workspace, policy.Action.CHANGE)
    source = " ".join((source or "").split())
    if not source:
        raise ValidationError(
            {"source": _('Say where the creator said so, e.g. "TikTok DM, 2026-12-01".')}
        )
    if len(source) > MAX_SOURCE:
        raise ValidationError({"source": _("At most %(max)s characters.") % {"max": MAX_SOURCE}})
    now = timezone.now()
    with transaction.atomic():
        creators = (
            Creator.objects.filter(workspace=workspace, pk__in=list(creator_ids))
            .exclude(consent_to_contact=consent, consent_source=source)
            .select_for_update()
        )
        ids = sorted(creators.values_list("pk", flat=True))
        if not ids:
            return []
        Creator.objects.filter(pk__in=ids).update(
            consent_to_contact=consent,
            consent_source=source,
            consent_recorded_at=now,
            updated_at=now,
        )
        ContactMethod.objects.filter(
            creator_id__in=ids, kind=ContactMethod.Kind.EMAIL, agency__isnull=True
        ).update(consent=consent, updated_at=now)
        ActivityEvent.objects.bulk_create(
            ActivityEvent(
                workspace=workspace,
                verb=ActivityEvent.Verb.CONSENT_RECORDED,
                actor=actor,
                creator_id=pk,
                data={"consent": consent, "source": source},
            )
            for pk in ids
        )
        # Contactability is part of readiness: the scores follow the new consent.
        readiness_schedule(workspace_id=workspace.pk, creator_ids=ids)
    return ids
