"""The creator's page opens on a profile (issue 13 item 3): a summary card, KPI tiles with one
ROI meaning and a currency, a trend chart and a timeline in plain words, in both languages, at
a query cost that does not grow with the creator's history."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from influencers import models as m
from influencers.services.notes import note_add
from tests.factories import (
    ContentPostFactory,
    CreatorFactory,
    MetricSnapshotFactory,
    PlatformAccountFactory,
)
from tests.test_admin import _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def creator(workspace, member):
    creator = CreatorFactory(
        workspace=workspace,
        display_name="émilie Rose",
        followers=125_000,
        engagement_rate=Decimal("4.25"),
        rollup_gmv=Decimal("12345.50"),
        rollup_orders=321,
        rollup_cost=Decimal("836.70"),
        rollup_roi=Decimal("13.7550"),
    )
    PlatformAccountFactory(creator=creator, handle="emilie.rose", followers=125_000)
    note_add(creator=creator, actor=member, kind=m.Note.Kind.EMAIL, body="Sent the brief")
    post = ContentPostFactory(creator=creator)
    now = timezone.now()
    for weeks_ago, sales in ((3, "100.00"), (2, "250.00"), (1, "40.00")):
        MetricSnapshotFactory(
            creator=creator,
            post=post,
            captured_at=now - dt.timedelta(weeks=weeks_ago),
            sales=Decimal(sales),
            orders=2,
            views=1000 * (4 - weeks_ago),
        )
    return creator


def _page(client, creator, language="en"):
    response = client.get(_url(m.Creator, "change", creator.pk), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _section(html, element_id, end="</section>"):
    start = html.find(f'id="{element_id}"')
    assert start >= 0, f"#{element_id} is not on the page"
    return html[start : html.index(end, start)]


def test_the_page_opens_on_a_summary_card_with_kpis(member_client, creator):
    html = _page(member_client, creator)

    profile = _section(html, "creator-profile")
    assert "émilie Rose" in profile
    assert ">É<" in profile  # the avatar initial
    assert "TikTok @emilie.rose" in html
    kpis = html[html.index('id="profile-kpis"') :][:3000]
    assert "125,000" in kpis
    assert "4.25%" in kpis
    assert "12,345.50 USD" in kpis
    assert "321" in kpis
    assert "1,375.5%" in kpis
    readiness = _section(html, "profile-readiness", "</div>")
    assert re.search(r">\s*\d+\s*<", readiness), readiness  # the score, not a blank


def test_roi_means_the_same_on_the_list_and_the_page(member_client, creator):
    listing = member_client.get(_url(m.Creator, "changelist")).content.decode()
    page = _page(member_client, creator)

    assert "1,375.5%" in listing
    assert "1,375.5%" in page
    assert "13.7550" not in page and "13.755" not in page


def test_the_timeline_is_in_plain_words(member_client, creator):
    english = _page(member_client, creator)
    chinese = _page(member_client, creator, "zh-hans")

    timeline = _section(english, "profile-timeline", "</ol>")
    assert "Note added: Outreach: email" in timeline
    assert "note.added" not in english
    assert '{"kind"' not in english and "{&quot;kind&quot;" not in english
    assert "新增记录" in _section(chinese, "profile-timeline", "</ol>")


def test_the_trend_chart_sums_report_weeks(member_client, creator):
    html = _page(member_client, creator)

    raw = re.search(r'data-type="line" data-value="([^"]+)"', html).group(1)
    chart = json.loads(raw.replace("&quot;", '"'))
    gmv = next(d for d in chart["datasets"] if d["label"] == "GMV")
    assert sorted(gmv["data"]) == [40.0, 100.0, 250.0]  # one point per week, from the readings
    assert sum(gmv["data"]) == 390.0


def test_the_profile_speaks_chinese(member_client, creator):
    html = _page(member_client, creator, "zh-hans")

    for text in ("互动率", "近 26 周趋势", "时间线", "基本资料"):
        assert text in html
    assert "Trend over the last 26 weeks" not in html


def test_the_page_costs_the_same_for_a_long_history(member_client, creator, member):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            _page(member_client, creator)
        return len(ctx.captured_queries)

    before = queries()
    for i in range(40):
        note_add(creator=creator, actor=member, kind=m.Note.Kind.CALL, body=f"Call {i}")
        MetricSnapshotFactory(creator=creator, captured_at=timezone.now() - dt.timedelta(days=i))

    assert queries() == before
