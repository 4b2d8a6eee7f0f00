import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from influencers import models as m


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw")
    is_staff = True


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Workspace

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = m.Membership.Role.MEMBER


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Tag

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"niche-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Agency

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Creator
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    display_name = factory.Sequence(lambda n: f"Creator {n}")
    country = "US"
    language = "en"
    consent_to_contact = True

    @factory.post_generation
    def readiness(obj, create, extracted, **fields):
        """CreatorFactory(readiness__score=80, readiness__reasons=[...]): the readiness row
        (added by the database trigger) is set to these values."""
        if create and fields:
            m.CreatorReadiness.objects.filter(creator=obj).update(**fields)


class PlatformAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PlatformAccount

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    platform = m.Platform.TIKTOK
    handle = factory.Sequence(lambda n: f"@handle{n}")
    handle_normalised = factory.LazyAttribute(lambda o: o.handle.lstrip("@").lower())
    followers = 10_000
    engagement_rate = Decimal("4.50")


class ContactMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ContactMethod

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    kind = m.ContactMethod.Kind.EMAIL
    value = factory.Sequence(lambda n: f"creator{n}@example.com")
    value_normalised = factory.LazyAttribute(lambda o: o.value.lower())
    is_primary = True
    consent = True


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Product

    workspace = factory.SubFactory(WorkspaceFactory)
    asin = factory.Sequence(lambda n: f"B0{n:08d}")
    title = factory.Sequence(lambda n: f"Product {n}")
    price = Decimal("29.99")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Campaign

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    starts_on = dt.date(2026, 6, 1)
    ends_on = dt.date(2026, 7, 31)


class CollaborationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Collaboration

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    kind = m.CollaborationType.PAID_POST
    fee = Decimal("100.00")


class ContentPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ContentPost

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    platform = m.Platform.TIKTOK
    url = factory.Sequence(lambda n: f"https://www.tiktok.com/@someone/video/{7000000 + n}")
    posted_on = dt.date(2026, 6, 10)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Note

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    kind = m.Note.Kind.REMARK
    body = "Nice to work with."


class MetricSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MetricSnapshot

    creator = factory.SubFactory(CreatorFactory)
    workspace = factory.SelfAttribute("creator.workspace")
    captured_at = factory.LazyFunction(timezone.now)
    views = 1000
    orders = 3
    sales = Decimal("90.00")


def api_token_for(user, workspace, name="test"):
    """(token row, raw secret) through the real service, as the admin and command do."""
    from influencers.services.tokens import api_token_create

    return api_token_create(user=user, workspace=workspace, name=name)
