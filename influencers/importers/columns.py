"""The one place where column headers are mapped to fields.

Headers are compared by `header_key()`: NFKC, case-folded, bracketed parts such as "(USD)" or
"(14d)" dropped, every character that is not a letter or digit removed. So "Rate (USD)",
"rate", "RATE" and "报价(美元)"/"报价" match the same alias. Adding an alias is one line in
ALIASES below (write it as it appears in the file; it is keyed the same way).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# field -> (label shown in the mapping select, aliases as they appear in real files)
# fmt: off
ALIASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "display_name": (_("Creator name"), (
        "Creator Name", "Name", "Creator", "Display name", "Full name", "Influencer",
        "Creator nickname", "Nickname", "Influencer name",
        "达人昵称", "达人名称", "达人", "昵称", "姓名", "名称", "红人", "网红")),
    "tiktok": (_("TikTok handle"), (
        "TikTok", "TikTok handle", "TikTok account", "TikTok username", "TikTok URL",
        "TikTok profile", "Creator username", "Username", "Handle", "TT",
        "TikTok账号", "抖音账号", "TikTok用户名", "达人账号", "账号", "用户名")),
    "instagram": (_("Instagram handle"), (
        "Instagram", "Instagram handle", "IG", "Instagram URL", "Instagram account",
        "Instagram账号", "INS", "INS账号")),
    "youtube": (_("YouTube channel"), (
        "YouTube", "YouTube channel", "YouTube handle", "YouTube URL", "YouTube账号", "油管")),
    "x": (_("X (Twitter) handle"), ("X", "Twitter", "X handle", "Twitter handle", "推特")),
    "twitch": (_("Twitch handle"), ("Twitch", "Twitch handle")),
    "followers": (_("Followers"), (
        "Followers", "Follower count", "Followers count", "Fans", "Subscribers",
        "粉丝数", "粉丝", "粉丝量", "关注者")),
    "average_views": (_("Average views"), (
        "Average views", "Avg views", "Avg. views", "平均播放", "平均播放量")),
    "engagement_rate": (_("Engagement rate (%)"), (
        "Engagement", "Engagement %", "Engagement rate", "ER", "互动率")),
    "email": (_("Email"), (
        "Email", "E-mail", "Emails", "Email address", "Mail", "邮箱", "电子邮件", "邮件")),
    "phone": (_("Phone"), (
        "Phone", "Phone / WhatsApp", "Phone number", "Mobile", "Tel", "Telephone",
        "电话", "手机", "手机号", "联系电话")),
    "whatsapp": (_("WhatsApp"), ("WhatsApp", "WhatsApp number", "WA")),
    "wechat": (_("WeChat"), ("WeChat", "WeChat ID", "微信", "微信号")),
    "agency": (_("Agency / MCN"), (
        "Agency", "MCN", "Agency / MCN", "MCN / Agency", "Management", "Management company",
        "Talent agency", "机构", "经纪公司", "MCN机构", "所属机构", "所属MCN", "经纪机构")),
    "agency_email": (_("Agency email"), (
        "Agency email", "MCN email", "Agency e-mail", "机构邮箱", "经纪公司邮箱")),
    "agency_phone": (_("Agency phone"), (
        "Agency phone", "MCN phone", "Agency phone number", "机构电话", "经纪公司电话")),
    "consent": (_("Consent to contact"), (
        "Consent", "Consent to contact", "Consents to contact", "Consented", "OK to contact",
        "Opt-in", "Opted in", "同意联系", "是否同意联系", "同意", "联系授权", "是否授权")),
    "consent_source": (_("Consent source"), (
        "Consent source", "Consent given via", "Consent via", "同意来源", "授权来源")),
    "owner": (_("Owner"), (
        "Owner", "Account manager", "Account owner", "负责人", "跟进人", "对接人")),
    "tiktok_shop_status": (_("TikTok Shop status"), (
        "TikTok Shop status", "TikTok Shop affiliate status", "Affiliate status",
        "TikTok Shop联盟状态", "联盟状态")),
    "country": (_("Country"), (
        "Country", "Country/Region", "Region", "Location", "Market",
        "国家", "国家/地区", "地区", "国家地区")),
    "language": (_("Language"), ("Language", "语言")),
    "category": (_("Category / tags"), (
        "Category", "Categories", "Niche", "Niches", "Tags", "Tag",
        "类目", "品类", "标签", "领域")),
    "status": (_("Status"), (
        "Status", "Pipeline status", "Stage", "合作状态", "状态", "跟进状态")),
    "rate": (_("Rate (kept in remarks)"), (
        "Rate", "Rate (USD)", "Price", "Fee", "Quote", "报价", "报价(美元)", "价格", "费用")),
    "last_contacted": (_("Last contacted"), (
        "Last contacted", "Last contact", "Last contact date", "最近联系", "最后联系", "联系日期")),
    "associates_tracking_id": (_("Associates tracking ID"), (
        "Amazon tracking ID", "Tracking ID", "Associates tracking ID", "Associate tag",
        "Store ID", "亚马逊追踪ID", "追踪ID", "联盟ID")),
    "attribution_tag": (_("Amazon Attribution tag"), (
        "Attribution tag", "Amazon Attribution tag", "Attribution", "归因标签")),
    "notes": (_("Notes (kept in remarks)"), (
        "Notes", "Note", "Remarks", "Comments", "Comment", "备注", "说明")),
    # Report columns (TikTok Shop, Amazon Attribution, Amazon Associates)
    "date": (_("Date"), ("Date", "Day", "Report date", "Date range", "日期", "日期范围")),
    "clicks": (_("Clicks"), ("Clicks", "Click-throughs", "点击", "点击量")),
    "detail_page_views": (_("Detail page views"), (
        "Detail page views", "Detail page views (14d)", "DPV", "详情页浏览量")),
    "add_to_carts": (_("Add-to-carts"), (
        "Add to carts", "Add to carts (14d)", "Add to cart", "ATC", "加购")),
    "orders": (_("Orders"), (
        "Orders", "Purchases", "Purchases (14d)", "Items ordered", "订单", "订单数")),
    "units": (_("Units"), (
        "Units", "Units sold", "Units sold (14d)", "Items sold", "Items shipped", "销量", "件数")),
    "sales": (_("Sales (GMV)"), (
        "GMV", "Affiliate GMV", "Affiliate GMV ($)", "Sales", "Total sales", "Total sales (14d)",
        "Revenue", "Revenue($)", "成交金额", "销售额")),
    "commission": (_("Commission"), (
        "Est. commission", "Est. commission ($)", "Estimated commission", "Commission",
        "Earnings", "Earnings($)", "佣金", "预估佣金")),
    "refunded_sales": (_("Refunded GMV"), ("Refunded GMV", "Refunded GMV ($)", "退款金额")),
    "product_id": (_("Product ID"), ("Product ID", "商品ID")),
    "product_name": (_("Product name"), ("Product name", "商品名称")),
    "asin": (_("ASIN"), ("ASIN",)),
    "campaign": (_("Campaign"), ("Campaign", "Campaign name")),
    "ad_group": (_("Ad group"), ("Ad group", "Ad group name")),
    "brand_referral_bonus": (_("Brand Referral Bonus"), ("Brand Referral Bonus",)),
    "videos": (_("Videos"), ("Videos", "视频数")),
    "live_streams": (_("LIVE streams"), ("LIVE streams", "LIVEs", "直播数")),
    "samples": (_("Samples received"), ("Samples received", "Samples", "样品")),
}
# fmt: on

_BRACKETS_RE = re.compile(r"[(（\[【].*?[)）\]】]")
_NOT_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


def header_key(text: object) -> str:
    """The comparison key of a header: "Rate (USD)" -> "rate", "国家/地区" -> "国家地区"."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    stripped = _BRACKETS_RE.sub("", value)
    key = _NOT_WORD_RE.sub("", stripped)
    return key or _NOT_WORD_RE.sub("", value)


# The languages whose field labels are also recognised as headers: the product's own export
# writes each column under its field's label in the exporting user's language.
LABEL_LANGUAGES = ("en", "zh-hans")


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for field, (_label, aliases) in ALIASES.items():
        for alias in (field, *aliases):
            index.setdefault(header_key(alias), field)
    return index


ALIAS_INDEX = _build_index()
FIELDS = tuple(ALIASES)


@functools.cache
def _label_index() -> dict[str, str]:
    """Each field's label in every product language (built on first use: translations are
    only ready once Django is set up)."""
    index: dict[str, str] = {}
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            for field, (label, _aliases) in ALIASES.items():
                index.setdefault(header_key(str(label)), field)
    return index


def field_label(field: str):
    return ALIASES[field][0] if field in ALIASES else field


def field_for_header(header: object) -> str | None:
    key = header_key(header)
    return ALIAS_INDEX.get(key) or _label_index().get(key)


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str | None  # None: not imported


def map_columns(headers: list, overrides: dict | None = None) -> list[Column]:
    """Map each header to a field by alias, then apply the user's overrides (header -> field,
    "" to ignore). A field is taken by its first column only; later columns with the same field
    are left unmapped (shown in the preview so the user can decide)."""
    overrides = overrides or {}
    columns: list[Column] = []
    taken: set[str] = set()
    for index, raw in enumerate(headers):
        header = "" if raw is None else str(raw).strip()
        if header in overrides:
            field = overrides[header] or None
            if field is not None and field not in ALIASES:
                field = None
        else:
            field = field_for_header(header) if header else None
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        columns.append(Column(index=index, header=header, field=field))
    return columns


def recognised_count(headers: list, overrides: dict | None = None) -> int:
    return sum(1 for column in map_columns(headers, overrides) if column.field)
