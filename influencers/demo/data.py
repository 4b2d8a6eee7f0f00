"""Fixed material for the demo pool: names, niches, products, campaigns, note templates.

Everything here is plain data; ``builder.py`` draws from it with a seeded ``random.Random`` so the
pool is the same on every run. Contact details use reserved example domains and, where a
country has one, the range set aside for fiction (US/Canada 555-01xx), so no real person is
ever written to by a demo.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

SEED = 20261101
# Generated dates are relative to this day, never to now(): two runs give the same pool.
BASE_DATE = dt.date(2026, 11, 1)

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Brand"
SECOND_SLUG = "second-brand"
SECOND_NAME = "Second Brand"


@dataclass(frozen=True)
class Locale:
    key: str
    country: str
    language: str
    languages: tuple[str, ...]
    weight: int
    # (as written, ASCII romanisation); the romanisation feeds handles and emails.
    first_names: tuple[tuple[str, str], ...]
    last_names: tuple[tuple[str, str], ...]
    # Family name first, no space (Chinese), or with a space (Japanese, Korean).
    family_first: bool = False
    family_sep: str = " "


def _latin(text: str) -> tuple[tuple[str, str], ...]:
    """Split names; pair each with its ASCII form ("Zoë" -> "zoe") for handles and emails."""

    def ascii_of(name: str) -> str:
        folded = unicodedata.normalize("NFKD", name)
        return "".join(c for c in folded if not unicodedata.combining(c)).lower()

    return tuple((n, ascii_of(n).replace("'", "")) for n in text.split())


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Split "陈:chen 王:wang" into (("陈", "chen"), ("王", "wang"))."""
    return tuple(tuple(item.split(":")) for item in text.split())  # type: ignore[misc]


EN_FIRST = _latin(
    "Emma Olivia Ava Sophia Mia Harper Amelia Ella Chloe Grace Madison Hannah Brooke "
    "Kayla Jess Megan Lauren Taylor Ashley Brittany Liam Noah Ethan Mason Logan Jake "
    "Tyler Ryan Caleb Dylan Austin Connor Jordan Marcus Derek Nate Zoe Riley Avery Quinn"
)
EN_LAST = _latin(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
    "Martin Jackson Thompson White Harris Clark Lewis Walker Hall Young King Wright Scott "
    "Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker "
    "Evans Edwards Collins Stewart"
)
UK_FIRST = _latin(
    "Oliver George Harry Jack Charlie Alfie Freddie Archie Isla Poppy Evie Millie Imogen "
    "Niamh Freya Ruby Holly Ellie Rhys Callum"
)
UK_LAST = _latin(
    "Hughes Wood Ward Patel Khan Evans Davies Robinson Wright Thompson Walsh Murphy Kelly "
    "Price Bennett Griffiths Lloyd Shaw Fletcher Barker"
)
ES_FIRST = _latin(
    "María Lucía Sofía Valentina Camila Isabella Daniela Ximena Fernanda Paula Alejandro "
    "Diego Santiago Mateo Sebastián Carlos Javier Andrés Pablo Lucas Guadalupe Regina "
    "Renata Marisol"
)
ES_LAST = _latin(
    "García Martínez López Hernández González Pérez Rodríguez Sánchez Ramírez Flores "
    "Torres Rivera Gómez Díaz Morales Ortiz Castillo Jiménez Ruiz Navarro Vargas Romero "
    "Mendoza Cruz"
)
DE_FIRST = _latin(
    "Lena Hannah Lea Mia Johanna Katharina Anna Laura Jana Marie Lukas Jonas Felix Leon "
    "Maximilian Paul Tim Moritz Jannik Niklas"
)
DE_LAST = _latin(
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch "
    "Richter Klein Wolf Schröder Neumann Schwarz Braun Zimmermann Krüger"
)
FR_FIRST = _latin(
    "Camille Léa Manon Chloé Inès Jade Louise Clémence Océane Juliette Hugo Théo Louis "
    "Raphaël Arthur Mathis Antoine Maxime"
)
FR_LAST = _latin(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèvre Michel Fontaine Chevalier Girard Bonnet"
)
IT_FIRST = _latin("Giulia Chiara Francesca Sara Alessandro Lorenzo Matteo")
IT_LAST = _latin("Rossi Russo Ferrari Esposito Bianchi Romano Colombo")
PT_FIRST = _latin("Ana Beatriz Larissa Gabriela Juliana João Pedro Gustavo Rafael Thiago")
PT_LAST = _latin("Silva Santos Oliveira Souza Lima Pereira Costa Ferreira Almeida Carvalho")
ZH_FAMILY = _pairs(
    "陈:chen 王:wang 李:li 张:zhang 刘:liu 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 林:lin "
    "徐:xu 孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 高:gao 罗:luo 郑:zheng 梁:liang"
)
ZH_GIVEN = _pairs(
    "莉莉:lili 小美:xiaomei 静:jing 婷婷:tingting 欣怡:xinyi 雨涵:yuhan 佳琪:jiaqi 思雨:siyu "
    "晓彤:xiaotong 梦瑶:mengyao 子涵:zihan 可欣:kexin 诗琪:shiqi 浩然:haoran 子轩:zixuan "
    "宇航:yuhang 俊杰:junjie 晨:chen 伟:wei 磊:lei 明轩:mingxuan 一诺:yinuo 安琪:anqi 悦:yue"
)
JA_FAMILY = _pairs(
    "佐藤:sato 鈴木:suzuki 高橋:takahashi 田中:tanaka 伊藤:ito 渡辺:watanabe 山本:yamamoto "
    "中村:nakamura 小林:kobayashi 加藤:kato 吉田:yoshida 山田:yamada"
)
JA_GIVEN = _pairs(
    "花:hana 葵:aoi 陽菜:hina 結衣:yui 美咲:misaki さくら:sakura 春香:haruka 凛:rin "
    "蓮:ren 大翔:hiroto 悠真:yuma 翔太:shota"
)
KO_FAMILY = _pairs("김:kim 이:lee 박:park 최:choi 정:jung 강:kang 윤:yoon")
KO_GIVEN = _pairs("지민:jimin 서연:seoyeon 민지:minji 하은:haeun 지우:jiwoo 도윤:doyun 예린:yerin")

LOCALES: tuple[Locale, ...] = (
    Locale("us_en", "US", "en", ("en",), 30, EN_FIRST, EN_LAST),
    Locale("us_es", "US", "es", ("es", "en"), 5, ES_FIRST, ES_LAST),
    Locale("us_zh", "US", "zh", ("zh", "en"), 6, ZH_GIVEN, ZH_FAMILY, True, ""),
    Locale("gb_en", "GB", "en", ("en",), 8, UK_FIRST, UK_LAST),
    Locale("ca_en", "CA", "en", ("en",), 5, EN_FIRST, EN_LAST),
    Locale("ca_fr", "CA", "fr", ("fr", "en"), 1, FR_FIRST, FR_LAST),
    Locale("ca_zh", "CA", "zh", ("zh", "en"), 1, ZH_GIVEN, ZH_FAMILY, True, ""),
    Locale("au_en", "AU", "en", ("en",), 4, EN_FIRST, EN_LAST),
    Locale("mx_es", "MX", "es", ("es",), 7, ES_FIRST, ES_LAST),
    Locale("es_es", "ES", "es", ("es",), 4, ES_FIRST, ES_LAST),
    Locale("de_de", "DE", "de", ("de", "en"), 5, DE_FIRST, DE_LAST),
    Locale("fr_fr", "FR", "fr", ("fr",), 3, FR_FIRST, FR_LAST),
    Locale("it_it", "IT", "it", ("it", "en"), 1, IT_FIRST, IT_LAST),
    Locale("br_pt", "BR", "pt", ("pt",), 2, PT_FIRST, PT_LAST),
    Locale("jp_ja", "JP", "ja", ("ja",), 4, JA_GIVEN, JA_FAMILY, True),
    Locale("kr_ko", "KR", "ko", ("ko", "en"), 1, KO_GIVEN, KO_FAMILY, True, ""),
    Locale("sg_zh", "SG", "en", ("en", "zh"), 1, ZH_GIVEN, ZH_FAMILY, True, ""),
    Locale("tw_zh", "TW", "zh", ("zh",), 1, ZH_GIVEN, ZH_FAMILY, True, ""),
    Locale("cn_zh", "CN", "zh", ("zh", "en"), 2, ZH_GIVEN, ZH_FAMILY, True, ""),
)
LOCALE_BY_KEY = {loc.key: loc for loc in LOCALES}

# Niche key -> (English tag, Chinese tag, Spanish tag, words for handles, Chinese channel suffix)
NICHES: dict[str, tuple[str, str, str, tuple[str, ...], str]] = {
    "beauty": ("beauty", "美妆", "belleza", ("beauty", "glow", "makeup", "skin"), "爱美妆"),
    "home": ("home", "家居", "hogar", ("home", "nest", "living", "decor"), "的家居好物"),
    "kitchen": ("kitchen", "厨房", "cocina", ("kitchen", "cooks", "eats", "bakes"), "的小厨房"),
    "pets": ("pets", "宠物", "mascotas", ("pets", "paws", "doggo", "catmom"), "的萌宠日记"),
    "fitness": ("fitness", "健身", "fitness", ("fit", "gains", "yoga", "moves"), "健身日记"),
    "tech": ("tech", "数码", "tecnología", ("tech", "gadgets", "unboxed", "setup"), "数码测评"),
    "fashion": ("fashion", "穿搭", "moda", ("style", "ootd", "closet"), "穿搭分享"),
    "parenting": ("parenting", "母婴", "maternidad", ("mom", "family", "littles"), "育儿日常"),
    "outdoor": ("outdoor", "户外", "aire libre", ("outdoors", "trails", "camps"), "户外生活"),
    "gaming": ("gaming", "游戏", "videojuegos", ("plays", "gg", "gaming"), "游戏实况"),
    "cleaning": ("cleaning", "收纳清洁", "limpieza", ("cleans", "cleantok", "tidy"), "收纳整理"),
}
# Labels a team adds besides niches.
EXTRA_TAGS = ("amazon finds", "UGC only", "met at CES 2026", "needs agent", "高潜力", "回复慢")
# Labels earned by results: only given to creators who have worked with the brand.
RESULT_TAGS = ("top performer", "TikTok Shop star", "回购率高")
# "Emma's Kitchen", "Leon Tech": channel-style display names.
CHANNEL_WORDS = {
    "beauty": "Beauty",
    "home": "Home",
    "kitchen": "Kitchen",
    "pets": "Pets",
    "fitness": "Fitness",
    "tech": "Tech",
    "fashion": "Style",
    "parenting": "Family",
    "outdoor": "Outdoors",
    "gaming": "Gaming",
    "cleaning": "Cleans",
}

# Each workspace weighs niches differently (what the brand sells).
DEMO_NICHE_WEIGHTS = {
    "home": 18,
    "kitchen": 16,
    "beauty": 16,
    "pets": 12,
    "cleaning": 9,
    "tech": 8,
    "fitness": 7,
    "parenting": 6,
    "fashion": 4,
    "gaming": 2,
    "outdoor": 2,
}
SECOND_NICHE_WEIGHTS = {"outdoor": 10, "fitness": 8, "tech": 2}

CREATOR_STATUS_WEIGHTS = {
    "prospect": 28,
    "contacted": 20,
    "negotiating": 12,
    "active": 26,
    "paused": 8,
    "do_not_contact": 6,
}

# Follower tiers: (weight, low, high)
FOLLOWER_TIERS = (
    (34, 1_500, 10_000),
    (40, 10_000, 100_000),
    (17, 100_000, 500_000),
    (7, 500_000, 2_000_000),
    (2, 2_000_000, 9_000_000),
)

# Platform -> chance that a creator has an account there (TikTok is the core of the pool).
PLATFORM_CHANCES = (
    ("tiktok", 0.9),
    ("instagram", 0.5),
    ("youtube", 0.22),
    ("x", 0.08),
    ("amazon", 0.18),
    ("linkedin", 0.02),
)

EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
AGENCIES = (
    ("Bright Talent Mgmt", "brighttalent.example.com"),
    ("Northstar Creators", "northstar.example.net"),
    ("Viral Nation Demo", "viralnation.example.org"),
    ("星耀MCN", "xingyao-mcn.example.com"),
    ("Agencia Luna", "agencialuna.example.com"),
)
AGENT_FIRST = ("Sam", "Rachel", "Tom", "Priya", "Kevin", "Ana", "小王", "Mike")

# Phone number shapes per country: (prefix, digits to add). Each draw is checked with
# phonenumbers and redrawn if it is not a valid number. US/CA use the fictional 555-01xx range.
PHONE_SHAPES: dict[str, tuple[tuple[str, int], ...]] = {
    "US": tuple((f"+1{area}55501", 2) for area in (212, 310, 415, 512, 646, 702, 305, 312)),
    "CA": tuple((f"+1{area}55501", 2) for area in (416, 604, 647, 514)),
    "GB": (("+4474", 8),),
    "AU": (("+6141", 7),),
    "MX": (("+5255", 8), ("+5233", 8)),
    "ES": (("+346", 8),),
    "DE": (("+49151", 8), ("+49176", 8)),
    "FR": (("+336", 8),),
    "IT": (("+393", 9),),
    "BR": (("+55119", 8),),
    "JP": (("+8190", 8),),
    "KR": (("+8210", 8),),
    "SG": (("+659", 7),),
    "TW": (("+8869", 8),),
    "CN": (("+86138", 8), ("+86139", 8)),
}

CARRIERS: dict[str, tuple[str, ...]] = {
    "US": ("USPS", "UPS", "FedEx", "Amazon Logistics"),
    "CA": ("Canada Post", "UPS"),
    "GB": ("Royal Mail", "DPD", "Evri"),
    "DE": ("DHL", "Hermes"),
    "FR": ("La Poste", "Colissimo"),
    "ES": ("Correos", "SEUR"),
    "IT": ("Poste Italiane",),
    "MX": ("DHL", "Estafeta"),
    "BR": ("Correios",),
    "JP": ("Yamato", "Japan Post"),
    "KR": ("CJ Logistics",),
    "AU": ("Australia Post",),
    "CN": ("SF Express",),
    "TW": ("SF Express",),
    "SG": ("SingPost",),
}

COUNTRY_MARKETPLACE = {"US": "US", "CA": "CA", "GB": "UK", "DE": "DE", "FR": "FR", "ES": "ES"}
MARKETPLACE_CURRENCY = {
    "US": "USD",
    "CA": "CAD",
    "UK": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "ES": "EUR",
}
AMAZON_HOST = {
    "US": "www.amazon.com",
    "CA": "www.amazon.ca",
    "UK": "www.amazon.co.uk",
    "DE": "www.amazon.de",
    "FR": "www.amazon.fr",
    "ES": "www.amazon.es",
}
# Associates store IDs end in a marketplace suffix.
ASSOCIATES_SUFFIX = {"US": "-20", "CA": "0c-20", "GB": "-21", "DE": "-21", "FR": "-21", "ES": "-21"}


@dataclass(frozen=True)
class ProductSpec:
    asin: str
    title: str
    category: str
    niches: tuple[str, ...]
    price: Decimal
    marketplaces: tuple[str, ...] = ("US",)


DEMO_PRODUCTS = (
    ProductSpec(
        "B0CX7KQ2M4",
        "Silicone Air Fryer Liners, 2-Pack",
        "Kitchen & Dining",
        ("kitchen",),
        Decimal("12.99"),
        ("US", "UK", "DE", "CA"),
    ),
    ProductSpec(
        "B0D1HT8ZQ9",
        "Magnetic Spice Rack Organizer, Set of 4",
        "Kitchen & Dining",
        ("kitchen", "home"),
        Decimal("24.99"),
        ("US", "CA"),
    ),
    ProductSpec(
        "B0BZ6R3WLN",
        "Self-Cleaning Slicker Brush for Dogs & Cats",
        "Pet Supplies",
        ("pets",),
        Decimal("15.99"),
        ("US", "UK", "DE"),
    ),
    ProductSpec(
        "B0C4NPV8XJ",
        "Automatic Cat Water Fountain 2.5 L",
        "Pet Supplies",
        ("pets",),
        Decimal("29.99"),
    ),
    ProductSpec(
        "B0D5GM2KTA",
        "Heatless Hair Curler Set",
        "Beauty & Personal Care",
        ("beauty", "fashion"),
        Decimal("18.99"),
        ("US", "UK", "FR", "ES"),
    ),
    ProductSpec(
        "B0CJ9W4YHF",
        "LED Vanity Mirror with 3 Light Modes",
        "Beauty & Personal Care",
        ("beauty", "home"),
        Decimal("34.99"),
    ),
    ProductSpec(
        "B0CQ3ZLM7E",
        "Under-Sink Expandable Organizer",
        "Home & Kitchen",
        ("home", "cleaning"),
        Decimal("27.99"),
        ("US", "DE"),
    ),
    ProductSpec(
        "B0D8VRK5PC",
        "Portable Neck Fan, 4000 mAh",
        "Electronics",
        ("tech", "outdoor", "fitness"),
        Decimal("22.99"),
    ),
    ProductSpec(
        "B0C2TXJ6NW",
        "Resistance Bands Set with Handles",
        "Sports & Outdoors",
        ("fitness",),
        Decimal("26.99"),
        ("US", "UK"),
    ),
    ProductSpec(
        "B0D3QF9BVS",
        "Cordless Mini Handheld Vacuum",
        "Home & Kitchen",
        ("cleaning", "home", "tech", "pets"),
        Decimal("39.99"),
        ("US", "CA", "UK"),
    ),
    ProductSpec(
        "B0CKM7S1ZD",
        "Silicone Baby Food Freezer Trays",
        "Baby",
        ("parenting", "kitchen"),
        Decimal("16.99"),
    ),
    ProductSpec(
        "B0BX8LD4RQ",
        "Electric Spin Scrubber with 7 Heads",
        "Home & Kitchen",
        ("cleaning",),
        Decimal("45.99"),
        ("US", "DE", "ES"),
    ),
    ProductSpec(
        "B0D6WE3NHM",
        "RGB Desk Light Bar for Monitors",
        "Electronics",
        ("tech", "gaming"),
        Decimal("32.99"),
    ),
    ProductSpec(
        "B0C9PYT2GA",
        "Ceramic Non-Stick Frying Pan, 11 in",
        "Kitchen & Dining",
        ("kitchen",),
        Decimal("36.99"),
        ("US", "FR"),
    ),
)
SECOND_PRODUCTS = (
    ProductSpec(
        "B0CR5TQ8LX",
        "Collapsible Camping Lantern",
        "Sports & Outdoors",
        ("outdoor",),
        Decimal("19.99"),
    ),
    ProductSpec(
        "B0D2MJ7VYC",
        "Insulated Water Bottle 32 oz",
        "Sports & Outdoors",
        ("outdoor", "fitness"),
        Decimal("24.99"),
    ),
    ProductSpec(
        "B0C8HN4WKE", "Hiking Daypack 20 L", "Sports & Outdoors", ("outdoor",), Decimal("49.99")
    ),
    ProductSpec(
        "B0D4KS9PFR", "Non-Slip Yoga Mat 6 mm", "Sports & Outdoors", ("fitness",), Decimal("29.99")
    ),
)


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    budget: Decimal
    description: str


DEMO_CAMPAIGNS = (
    CampaignSpec(
        "Spring Home Refresh 2026",
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 15),
        Decimal("15000"),
        "Gifted samples and paid posts for home, kitchen and cleaning creators.",
    ),
    CampaignSpec(
        "Prime Day 2026 seeding",
        dt.date(2026, 5, 16),
        dt.date(2026, 7, 31),
        Decimal("25000"),
        "Seed 80 creators three weeks before Prime Day; Creator "
        "Connections for the best converters. 提前三周寄样。",
    ),
    CampaignSpec(
        "Back to School 2026 TikTok Shop push",
        dt.date(2026, 8, 1),
        dt.date(2026, 9, 30),
        Decimal("12000"),
        "TikTok Shop affiliate open collaboration plus targeted invites.",
    ),
    CampaignSpec(
        "Black Friday / Cyber Monday 2026",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 5),
        Decimal("30000"),
        "Paid posts and Amazon affiliate links on TikTok for the holiday peak. 黑五网一主推。",
    ),
)
SECOND_CAMPAIGNS = (
    CampaignSpec(
        "Summer Trails 2026",
        dt.date(2026, 5, 1),
        dt.date(2026, 8, 31),
        Decimal("6000"),
        "Outdoor creators, gifted samples.",
    ),
)


@dataclass(frozen=True)
class TeamMember:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    # Language the member writes notes in.
    writes: str


DEMO_TEAM = (
    TeamMember("demo.lily", "Lily", "Chen", "lily@demo-brand.example.com", "manager", "zh"),
    TeamMember("demo.wei", "Wei", "Zhang", "wei@demo-brand.example.com", "member", "zh"),
    TeamMember("demo.sarah", "Sarah", "Miller", "sarah@demo-brand.example.com", "manager", "en"),
    TeamMember("demo.carlos", "Carlos", "Ruiz", "carlos@demo-brand.example.com", "member", "es"),
)
SECOND_TEAM = (
    TeamMember("demo.ana", "Ana", "Souza", "ana@second-brand.example.com", "manager", "en"),
    TeamMember("demo.sarah", "Sarah", "Miller", "sarah@demo-brand.example.com", "viewer", "en"),
)


@dataclass(frozen=True)
class FeaturedCreator:
    """Hand-picked creators placed first, so the demo has familiar faces to search for. Some
    are in both workspaces, under the same handle: each workspace sees only its own record."""

    display_name: str
    roman: tuple[str, str]  # first and family name in ASCII, for emails and codes
    handle: str
    locale: str
    niche: str
    status: str
    tier: int
    platforms: tuple[str, ...]
    amazon_ready: bool = False


FEATURED = (
    FeaturedCreator(
        "Lily Chen 陈莉莉",
        ("lily", "chen"),
        "LilyHomeFinds",
        "us_zh",
        "home",
        "active",
        2,
        ("tiktok", "instagram", "amazon"),
        True,
    ),
    FeaturedCreator(
        "Jake Thompson",
        ("jake", "thompson"),
        "jaketechreviews",
        "us_en",
        "tech",
        "active",
        3,
        ("tiktok", "youtube", "x"),
        True,
    ),
    FeaturedCreator(
        "María García",
        ("maria", "garcia"),
        "maria.belleza",
        "mx_es",
        "beauty",
        "active",
        2,
        ("tiktok", "instagram"),
    ),
    FeaturedCreator(
        "佐藤 花 Hana Sato",
        ("hana", "sato"),
        "hana.kitchen",
        "jp_ja",
        "kitchen",
        "negotiating",
        1,
        ("tiktok", "instagram"),
    ),
    FeaturedCreator(
        "Emma Wilson",
        ("emma", "wilson"),
        "emmas.pawsome.pets",
        "gb_en",
        "pets",
        "paused",
        1,
        ("tiktok", "instagram", "youtube"),
    ),
    FeaturedCreator(
        "王小明 Xiaoming Wang",
        ("xiaoming", "wang"),
        "xiaoming.fitlife",
        "cn_zh",
        "fitness",
        "do_not_contact",
        1,
        ("tiktok",),
    ),
)


@dataclass(frozen=True)
class PlanSpec:
    """A draft switch-over plan, ready to preview: who it would invite and with what message."""

    name: str
    asins: tuple[str, ...]  # products in the plan's marketplace; the first one is linked
    marketplace: str
    commission_rate: Decimal
    countries: tuple[str, ...]
    min_readiness: int
    max_invitations: int
    author: str  # username of the team member who prepared it
    messages: tuple[tuple[str, str, str], ...]  # (language, subject, body)
    # The workspace's Amazon link settings, which build each creator's tracking ID and link.
    store_id: str = ""
    tracking_id_pattern: str = "{handle}-20"
    attribution_tag_template: str = ""


# One line per paragraph: mail clients wrap them to the reader's window.
_INVITATION_EN = "\n\n".join(
    (
        "Hi {{ name }},",
        "thank you for the videos you have made with us. We are moving our TikTok "
        "collaborations to Amazon links: keep posting the way you do, and every sale through "
        "your own link pays you {{ commission }} commission, tracked by Amazon.",
        "Your link for {{ product }}:\n{{ link }}",
        "Yes or no, one click: {{ answer_link }}\n{{ opt_out }}",
        "The {{ brand }} team",
    )
)
_INVITATION_ES = "\n\n".join(
    (
        "Hola {{ name }}:",
        "gracias por los videos que has hecho con nosotros. Pasamos nuestras colaboraciones de "
        "TikTok a enlaces de Amazon: sigue publicando como siempre y cada venta con tu enlace "
        "te paga {{ commission }} de comisión, registrada por Amazon.",
        "Tu enlace para {{ product }}:\n{{ link }}",
        "Sí o no, con un clic: {{ answer_link }}\n{{ opt_out }}",
        "El equipo de {{ brand }}",
    )
)
_INVITATION_ZH = "\n\n".join(
    (
        "{{ name }}，你好！",
        "感谢你和我们一起创作的视频。我们的TikTok合作将改用亚马逊链接：你照常发视频，"
        "通过你专属链接成交的每一单都有{{ commission }}佣金，由亚马逊统计。",
        "{{ product }}的专属链接：\n{{ link }}",
        "是否参与，点一下即可：{{ answer_link }}\n{{ opt_out }}",
        "{{ brand }}团队",
    )
)

DEMO_PLAN = PlanSpec(
    name="Amazon links on TikTok: US, first wave",
    asins=("B0CX7KQ2M4", "B0D1HT8ZQ9", "B0D5GM2KTA"),
    marketplace="US",
    commission_rate=Decimal("12"),
    countries=("US",),
    min_readiness=35,
    max_invitations=150,
    author="demo.sarah",
    messages=(
        ("en", "{{ brand }} x {{ name }}: Amazon links for your TikTok videos", _INVITATION_EN),
        ("es", "{{ brand }} x {{ name }}: enlaces de Amazon para tus videos", _INVITATION_ES),
        ("zh", "{{ brand }} × {{ name }}：TikTok视频改用亚马逊链接", _INVITATION_ZH),
    ),
    store_id="demobrand",
    attribution_tag_template="tt_{handle}",
)


@dataclass(frozen=True)
class WorkspaceSpec:
    slug: str
    name: str
    creators: int
    niche_weights: dict[str, int]
    products: tuple[ProductSpec, ...]
    campaigns: tuple[CampaignSpec, ...]
    team: tuple[TeamMember, ...]
    featured: tuple[FeaturedCreator, ...] = field(default=())
    currency: str = "USD"
    plan: PlanSpec | None = None


def demo_spec(*, slug: str = DEMO_SLUG, creators: int = 320) -> WorkspaceSpec:
    name = DEMO_NAME if slug == DEMO_SLUG else slug.replace("-", " ").title()
    return WorkspaceSpec(
        slug,
        name,
        creators,
        DEMO_NICHE_WEIGHTS,
        DEMO_PRODUCTS,
        DEMO_CAMPAIGNS,
        DEMO_TEAM,
        FEATURED,
        plan=DEMO_PLAN,
    )


def second_spec() -> WorkspaceSpec:
    return WorkspaceSpec(
        SECOND_SLUG,
        SECOND_NAME,
        20,
        SECOND_NICHE_WEIGHTS,
        SECOND_PRODUCTS,
        SECOND_CAMPAIGNS,
        SECOND_TEAM,
        (FEATURED[1], FEATURED[0]),
    )


# --- Text templates. Notes are written by the team, in the language its author writes in.
# Placeholders: {name} creator's first name, {product}, {rate}, {fee}, {views}, {orders},
# {niche}, {days}, {code}.

NOTE_TEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "first_email": {
        "en": (
            "Intro email: loved the {niche} videos; offered a free {product} and {rate}% "
            "commission.",
            "Cold email via the address in bio. Pitched {product}, asked for rate card.",
            "Sent our creator deck + sample offer for {product}.",
        ),
        "zh": (
            "首次邮件联系：很喜欢TA的{niche}视频，提供免费{product}样品和{rate}%佣金。",
            "通过主页邮箱发了合作邀请，介绍了{product}，请对方报价。",
            "发送了品牌介绍和寄样邀请（{product}）。",
        ),
        "es": (
            "Primer correo: le ofrecimos {product} gratis y {rate}% de comisión.",
            "Correo de presentación con nuestra propuesta para {product}.",
        ),
    },
    "first_dm": {
        "en": (
            "DM'd on TikTok after the {niche} video went viral. Asked for an email.",
            "Instagram DM: quick hello + sample offer for {product}.",
        ),
        "zh": (
            "在TikTok上私信了，TA最近的{niche}视频爆了，请对方留邮箱。",
            "Instagram私信打招呼，邀请试用{product}。",
        ),
        "es": ("Mensaje directo en TikTok: le encantó la idea de probar {product}.",),
    },
    "follow_up": {
        "en": (
            "Followed up, no reply to the first message yet.",
            "Bumped the thread; {name} will check the schedule this week.",
            "Second follow-up. If nothing by next week, park it.",
        ),
        "zh": (
            "又跟进了一次，还没有回复。",
            "再次跟进，{name}说这周看一下档期。",
            "跟进：如果下周还没消息就先放一放。",
        ),
        "es": ("Seguimiento, todavía sin respuesta.",),
    },
    "call": {
        "en": (
            "Call with {name}: interested, wants a paid post + sample; quoted ${fee}.",
            "Phone call to agree deliverables and timing for {product}.",
            "Quick WhatsApp call: confirmed shipping address, {product} goes out this week.",
        ),
        "zh": (
            "和{name}通了电话：有兴趣，要求付费+寄样，报价${fee}。",
            "电话沟通了{product}的交付内容和发布时间。",
            "WhatsApp语音：确认了收货地址，本周寄出{product}。",
        ),
        "es": ("Llamada con {name}: acepta el envío de {product} y publicar en dos semanas.",),
    },
    "meeting": {
        "en": (
            "Zoom with {name}: walked through Creator Connections and Amazon links on TikTok; "
            "very keen.",
            "Met at the creator meetup. Talked about a long-term ambassador deal.",
        ),
        "zh": (
            "视频会议：介绍了亚马逊 Creator Connections 和即将上线的 TikTok 亚马逊链接，"
            "对方很感兴趣。",
            "线下达人活动见面，聊了长期合作（品牌大使）的可能。",
        ),
        "es": ("Reunión por Zoom: le explicamos Amazon Creator Connections.",),
    },
    "agreed": {
        "en": (
            "Deal agreed: {deliverables}. Post by {post_by}.",
            "{name} signed off on the brief; goes live before {post_by}.",
        ),
        "zh": (
            "合作确认：{deliverables}，{post_by}前发布。",
            "{name}确认了brief，{post_by}前上线。",
        ),
        "es": ("Acuerdo cerrado: {deliverables}. Publicar antes del {post_by}.",),
    },
    "pitch": {
        "en": (
            "Proposed a {deal} for {product}.",
            "Sent the brief for {product} ({deal}); waiting for a yes.",
            "Pitched {product} ({deal}), {rate}% commission on the table.",
        ),
        "zh": (
            "提出{deal}合作：{product}。",
            "发了{product}的brief（{deal}），等对方确认。",
            "推荐{product}，{deal}，佣金{rate}%。",
        ),
        "es": ("Propuesta de {deal} para {product}.",),
    },
    "check_in": {
        "en": (
            "Checked in about next month's content plan.",
            "Catch-up: {name} wants to try {product} next.",
        ),
        "zh": ("沟通了下个月的内容计划。", "例行沟通：{name}想下次试试{product}。"),
        "es": ("Revisamos el plan de contenido del próximo mes.",),
    },
    "cancelled": {
        "en": (
            "Cancelled: {name} went quiet after the sample arrived.",
            "Cancelled - the timeline slipped past the campaign.",
        ),
        "zh": ("已取消：收到样品后就失联了。", "已取消：档期赶不上活动。"),
        "es": ("Cancelado: dejó de responder tras recibir la muestra.",),
    },
    "declined": {
        "en": (
            "{name} declined: fully booked until next quarter.",
            "Declined, only does paid posts above our budget.",
        ),
        "zh": ("{name}婉拒了：下个季度前档期已满。", "对方拒绝，只接高于预算的付费合作。"),
        "es": ("{name} rechazó la propuesta: no tiene agenda.",),
    },
    "perf_good": {
        "en": (
            "Great video for {product}: {views} views, {orders} orders. On time, strong hook. "
            "Book again.",
            "Top performer: {orders} orders from one video. The audience trusts their picks.",
        ),
        "zh": (
            "{product}视频效果很好：播放{views}，出单{orders}。按时交付，开头很抓人，值得长期合作。",
            "表现最好的达人之一：一条视频带来{orders}单，粉丝信任度高。",
        ),
        "es": ("Excelente video de {product}: {views} vistas y {orders} pedidos.",),
    },
    "perf_ok": {
        "en": (
            "Decent: {views} views, {orders} orders. Content fine, a bit generic.",
            "Average results ({orders} orders). Needed two reminders before posting.",
        ),
        "zh": (
            "效果一般：播放{views}，出单{orders}。内容还可以，但有点模板化。",
            "结果中规中矩（{orders}单），催了两次才发布。",
        ),
        "es": ("Resultados normales: {views} vistas, {orders} pedidos.",),
    },
    "perf_bad": {
        "en": (
            "Posted {days} days late, low-effort video; {orders} orders. Not again at this fee.",
            "Weak: {views} views and barely any clicks. Product barely shown.",
        ),
        "zh": (
            "拖了{days}天才发，视频很敷衍，只出了{orders}单。这个价格不再合作。",
            "效果差：播放{views}，几乎没有点击，产品露出太少。",
        ),
        "es": ("Publicó con {days} días de retraso y el video fue flojo.",),
    },
    "perf_no_sales": {
        "en": (
            "{product} video: {views} views, no sales tracking on this one; {verdict}.",
            "Content is up for {product} ({views} views). Gifted, so no order data; {verdict}.",
        ),
        "zh": ("{product}视频播放{views}（这次没有销售数据）；{verdict}。",),
    },
    "perf_early": {
        "en": ("Video is live; {views} views in the first days. Watching conversions.",),
        "zh": ("视频已上线，头几天播放{views}，继续观察转化。",),
        "es": ("El video ya está publicado: {views} vistas en los primeros días.",),
    },
    "prospect": {
        "en": (
            "Found via #amazonfinds; good {niche} content, check engagement.",
            "Recommended by another creator. Looks like a fit for {product}.",
            "Spotted in TikTok Shop affiliate marketplace, high GMV in {niche}.",
        ),
        "zh": (
            "在#amazonfinds话题下发现，{niche}内容不错，待核实互动率。",
            "其他达人推荐的，适合推{product}。",
            "在TikTok Shop达人广场发现，{niche}类目GMV很高。",
        ),
        "es": ("Encontrada en #amazonfinds, buen contenido de {niche}.",),
    },
    "paused": {
        "en": (
            "Paused: rate went up 3x after the last viral video.",
            "Pausing until Q1: audience overlap with other creators too high.",
        ),
        "zh": (
            "暂停合作：上次爆款之后报价涨了三倍。",
            "先暂停到明年一季度，粉丝和其他达人重合度太高。",
        ),
        "es": ("En pausa: subió mucho su tarifa.",),
    },
    "dnc": {
        "en": (
            "Asked us to stop contacting them. Do not contact.",
            "Replied 'unsubscribe' - removed from outreach. Do not contact.",
        ),
        "zh": ("对方明确要求不要再联系，已标记为勿扰。", "回复退订，已移出外联名单，请勿联系。"),
        "es": ("Pidió que no la contactemos más.",),
    },
}

CREATOR_REMARKS = {
    "en": (
        "Prefers WhatsApp over email.",
        "Only does paid posts, no gifting.",
        "Agent handles all deals - cc the agent.",
        "Films in a small apartment; great for compact home products.",
        "Has a Storefront with 300+ products.",
    ),
    "zh": (
        "更喜欢用微信沟通。",
        "只接受付费合作，不接纯寄样。",
        "所有合作需要通过经纪人，邮件抄送经纪人。",
        "擅长开箱和对比测评。",
        "有亚马逊店铺页，选品眼光好。",
    ),
    "es": ("Prefiere WhatsApp.", "Solo colaboraciones pagadas."),
}

CAPTIONS = {
    "en": (
        "This {product} changed my {niche} routine #amazonfinds #tiktokmademebuyit",
        "Honest review: {product} after 2 weeks #ad #{niche}",
        "POV: you finally found the {product} #founditonamazon",
    ),
    "zh": (
        "{product}真的太好用了！#亚马逊好物 #amazonfinds",
        "真实测评：{product}用了两周 #ad",
    ),
    "es": ("Probé {product} y esto pasó #amazonfinds #publicidad",),
    "de": ("Mein neues Lieblingsteil: {product} #amazonfinds #werbung",),
    "fr": ("J'ai testé {product} #amazonfinds #publicité",),
    "ja": ("{product}を使ってみた #Amazonおすすめ #PR",),
    "pt": ("Testei {product} #achadinhosamazon #publi",),
    "it": ("Ho provato {product} #amazonfinds #adv",),
    "ko": ("{product} 써봤어요 #아마존추천 #광고",),
}

DELIVERABLES = {
    "gifted_sample": ("1 TikTok video if they like it (no obligation)", "1 条TikTok视频（不强制）"),
    "paid_post": (
        "1 TikTok video (30-60 s) + 3 Instagram stories, usage rights 90 days",
        "1 条TikTok视频（30-60秒）+ 3 条Instagram快拍，授权90天",
    ),
    "tiktok_shop_affiliate": (
        "2 TikTok videos with the Shop product link + 1 LIVE",
        "2 条挂车视频 + 1 场直播",
    ),
    "creator_connections": (
        "1 video + Storefront listing, via Creator Connections",
        "1 条视频 + 店铺页上架（Creator Connections）",
    ),
    "amazon_affiliate_tiktok": (
        "2 TikTok videos with our Amazon link in bio (pilot)",
        "2 条TikTok视频，主页挂亚马逊链接（试点）",
    ),
    "other": (
        "Instagram giveaway + 1 Reel, 3 raw clips for our ads",
        "Instagram抽奖 + 1 条Reel，另交3条广告素材",
    ),
}

# A one-line judgement by content rating (1-5), for notes without sales numbers.
VERDICTS = {
    "en": (
        "not worth it again",
        "weak content",
        "decent content",
        "strong content",
        "excellent, book again",
    ),
    "zh": ("不再合作", "内容较差", "内容一般", "内容很好", "非常好，值得长期合作"),
}

# What a collaboration of each kind is called in a note (English, Chinese).
DEAL_NAMES = {
    "gifted_sample": ("gifted sample", "寄样"),
    "paid_post": ("paid post", "付费视频"),
    "tiktok_shop_affiliate": ("TikTok Shop affiliate deal", "TikTok Shop 联盟带货"),
    "creator_connections": ("Creator Connections campaign", "Creator Connections"),
    "amazon_affiliate_tiktok": ("Amazon-links-on-TikTok pilot", "TikTok 亚马逊链接试点"),
    "other": ("giveaway", "抽奖合作"),
}
PROMO_CODE_TEXT = {
    "en": " Promo code {code}.",
    "zh": "专属折扣码 {code}。",
    "es": " Código {code}.",
}

# Chinese names of niches and products, for notes written in Chinese.
NICHE_ZH = {key: value[1] for key, value in NICHES.items()}
PRODUCT_ZH = {
    "B0CX7KQ2M4": "空气炸锅硅胶垫",
    "B0D1HT8ZQ9": "磁吸调料架",
    "B0BZ6R3WLN": "宠物自清洁梳",
    "B0C4NPV8XJ": "猫咪自动饮水机",
    "B0D5GM2KTA": "无热卷发棒",
    "B0CJ9W4YHF": "LED化妆镜",
    "B0CQ3ZLM7E": "水槽下伸缩收纳架",
    "B0D8VRK5PC": "挂脖风扇",
    "B0C2TXJ6NW": "弹力带套装",
    "B0D3QF9BVS": "无线迷你吸尘器",
    "B0CKM7S1ZD": "硅胶辅食冷冻盒",
    "B0BX8LD4RQ": "电动清洁刷",
    "B0D6WE3NHM": "屏幕挂灯",
    "B0C9PYT2GA": "陶瓷不粘锅",
    "B0CR5TQ8LX": "折叠露营灯",
    "B0D2MJ7VYC": "保温水壶",
    "B0C8HN4WKE": "徒步双肩包",
    "B0D4KS9PFR": "防滑瑜伽垫",
}
