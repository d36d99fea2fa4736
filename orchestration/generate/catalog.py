"""What the simulated company sells and how people reach it: pages, channels, browsers, plans."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

SITE = "https://www.lumen-analytics.example"
BRAND = "Lumen"


def js(value: str) -> str:
    """A JSON string literal."""
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Page:
    """A page of the website with its JSON fragments ready for message templates."""

    path: str
    name: str
    title: str
    url: str = field(init=False)
    path_json: str = field(init=False)
    url_json: str = field(init=False)
    name_json: str = field(init=False)
    title_json: str = field(init=False)

    def __post_init__(self) -> None:
        url = SITE + self.path
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "path_json", js(self.path))
        object.__setattr__(self, "url_json", js(url))
        object.__setattr__(self, "name_json", js(self.name))
        object.__setattr__(self, "title_json", js(f"{self.title} | {BRAND}"))


def _pages(prefix: str, name: str, slugs: tuple[tuple[str, str], ...]) -> tuple[Page, ...]:
    return tuple(Page(f"{prefix}/{slug}", name, title) for slug, title in slugs)


HOME = Page("/", "Home", "Customer journey analytics")
BLOG = _pages(
    "/blog",
    "Blog Post",
    (
        ("what-is-customer-journey-analytics", "What is customer journey analytics?"),
        ("nps-vs-csat", "NPS vs CSAT: which one to track"),
        ("reduce-churn-in-saas", "10 ways to reduce churn in SaaS"),
        ("first-contact-resolution", "First-contact resolution, explained"),
        ("journey-mapping-template", "A free journey mapping template"),
        ("identity-resolution-101", "Identity resolution 101"),
        ("cx-metrics-for-boards", "The CX metrics your board asks about"),
        ("voice-of-customer-program", "Building a voice-of-customer program"),
        ("attribution-is-broken", "Why last-click attribution is broken"),
        ("contact-centre-kpis", "Contact-centre KPIs that matter"),
        ("onboarding-emails-that-work", "Onboarding e-mails that work"),
        ("customer-health-score", "How to build a customer health score"),
        ("cohort-analysis-guide", "A practical guide to cohort analysis"),
        ("b2b-buyer-journey", "The B2B buyer journey in 2026"),
        ("survey-fatigue", "Survey fatigue and how to avoid it"),
        ("retention-curves", "Reading retention curves"),
    ),
)
DOCS = _pages(
    "/docs",
    "Docs",
    (
        ("getting-started", "Getting started"),
        ("install-tracking", "Install the tracking snippet"),
        ("identify-users", "Identify users"),
        ("crm-connector", "CRM connector"),
        ("contact-centre-connector", "Contact-centre connector"),
        ("journey-stages", "Journey stages"),
        ("dashboards", "Dashboards"),
        ("api/authentication", "API authentication"),
        ("api/events", "Events API"),
        ("sso", "Single sign-on"),
        ("data-retention", "Data retention and deletion"),
        ("billing-faq", "Billing FAQ"),
    ),
)
SOLUTIONS = _pages(
    "/solutions",
    "Solution",
    (
        ("retail", "Journey analytics for retail"),
        ("saas", "Journey analytics for SaaS"),
        ("financial-services", "Journey analytics for financial services"),
        ("contact-centres", "Journey analytics for contact centres"),
    ),
)
COMPANY = (
    Page("/customers", "Customers", "Customer stories"),
    Page("/customers/northwind", "Customer Story", "How Northwind cut churn by 18%"),
    Page("/customers/globex", "Customer Story", "Globex: one view of every customer"),
    Page("/about", "About", "About us"),
    Page("/careers", "Careers", "Careers"),
    Page("/webinars/journey-analytics-live", "Webinar", "Webinar: journey analytics live"),
    Page("/integrations", "Integrations", "Integrations"),
    Page("/security", "Security", "Security and compliance"),
    Page("/contact", "Contact", "Contact us"),
)
PRODUCT = _pages(
    "/product",
    "Product",
    (
        ("journeys", "Journeys"),
        ("analytics", "Analytics"),
        ("surveys", "Surveys"),
        ("connectors", "Connectors"),
    ),
)
PRICING = Page("/pricing", "Pricing", "Pricing")
PRICING_ENTERPRISE = Page("/pricing/enterprise", "Pricing", "Enterprise pricing")
SIGNUP = Page("/signup", "Sign Up", "Create your account")
LOGIN = Page("/login", "Log In", "Log in")
DEMO = Page("/demo", "Demo", "Book a demo")
CHECKOUT = Page("/checkout", "Checkout", "Checkout")
CHECKOUT_DONE = Page("/checkout/confirmation", "Checkout", "Thank you for your order")
ACCOUNT = (
    Page("/account", "Account", "Your account"),
    Page("/account/billing", "Account", "Billing"),
    Page("/account/team", "Account", "Team"),
    Page("/account/integrations", "Account", "Connected sources"),
)
REFERRALS = Page("/account/referrals", "Account", "Refer a friend")
REVIEW = Page("/account/review", "Account", "Review Lumen")

BROWSE_PAGES: tuple[Page, ...] = (HOME,) * 3 + BLOG * 2 + SOLUTIONS + COMPANY + DOCS[:4]
CONSIDER_PAGES: tuple[Page, ...] = (
    PRODUCT * 3 + (PRICING,) * 4 + (PRICING_ENTERPRISE, HOME) + COMPANY[:3] + COMPANY[6:8] + BLOG[:6] + DOCS[:3]
)
CUSTOMER_PAGES: tuple[Page, ...] = ACCOUNT * 2 + DOCS * 2 + BLOG[:8] + PRODUCT + (HOME, PRICING)
CRAWL_PAGES: tuple[Page, ...] = (
    (HOME,) + BLOG + DOCS + SOLUTIONS + COMPANY + PRODUCT + (PRICING, PRICING_ENTERPRISE, SIGNUP, DEMO)
)

TRACK_EVENTS: tuple[str, ...] = (
    "Signed Up",
    "Newsletter Subscribed",
    "Product Viewed",
    "Pricing Viewed",
    "Demo Requested",
    "Checkout Started",
    "Order Completed",
    "Review Submitted",
    "Referral Sent",
)
UNKNOWN_EVENTS: tuple[str, ...] = (
    "Video Played",
    "Webinar Registered",
    "Button Clicked",
    "Chat Opened",
    "Coupon Applied",
    "Experiment Viewed",
    "signed_up",
    "Trial Extended",
)


@dataclass(frozen=True)
class Channel:
    """An acquisition channel: CRM ``original_source``, referrers and UTM campaigns."""

    source: str
    weight: float
    referrers: tuple[str, ...]
    campaigns: tuple[tuple[str, str, str], ...]


CHANNELS: tuple[Channel, ...] = (
    Channel(
        "organic_search",
        0.30,
        (
            "https://www.google.com/",
            "https://www.google.com/",
            "https://www.bing.com/",
            "https://duckduckgo.com/",
            "https://www.ecosia.org/",
        ),
        (),
    ),
    Channel(
        "paid_search",
        0.16,
        ("https://www.google.com/", "https://www.bing.com/"),
        (
            ("google", "cpc", "brand_search"),
            ("google", "cpc", "generic_journey_analytics"),
            ("google", "cpc", "competitor_terms"),
            ("bing", "cpc", "brand_search"),
        ),
    ),
    Channel(
        "paid_social",
        0.11,
        ("https://www.linkedin.com/", "https://l.facebook.com/", "https://t.co/"),
        (
            ("linkedin", "paid_social", "cx_leaders_abm"),
            ("linkedin", "paid_social", "webinar_promo"),
            ("facebook", "paid_social", "retargeting"),
            ("twitter", "paid_social", "product_launch"),
        ),
    ),
    Channel(
        "social",
        0.08,
        ("https://www.linkedin.com/", "https://t.co/", "https://www.reddit.com/", "https://www.youtube.com/"),
        (),
    ),
    Channel(
        "referral",
        0.08,
        (
            "https://www.g2.com/products/lumen/reviews",
            "https://www.capterra.com/",
            "https://martech-weekly.example/best-cx-tools",
            "https://news.ycombinator.com/",
        ),
        (("g2", "referral", "g2_profile"),),
    ),
    Channel("email", 0.07, ("",), (("newsletter", "email", "cx_digest"), ("partner_newsletter", "email", "cx_digest"))),
    Channel("direct", 0.17, ("",), ()),
    Channel("offline", 0.03, ("",), ()),
)
NURTURE_CAMPAIGNS: tuple[tuple[str, str, str], ...] = (
    ("hubspot", "email", "nurture_sequence"),
    ("hubspot", "email", "product_update"),
    ("hubspot", "email", "webinar_invite"),
)
RETARGETING_CAMPAIGNS: tuple[tuple[str, str, str], ...] = (
    ("google", "cpc", "retargeting_display"),
    ("linkedin", "paid_social", "retargeting"),
)

USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
)
BOT_USER_AGENTS: tuple[tuple[str, str], ...] = (
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "66.249.66"),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html) Chrome/131.0.6778.69 Safari/537.36",
        "66.249.79",
    ),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "157.55.39"),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "54.36.148"),
    ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", "185.191.171"),
    ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "5.255.231"),
    ("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", "116.179.32"),
    ("DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", "20.191.45"),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "20.171.207",
    ),
    ("Screaming Frog SEO Spider/20.4", "81.2.69"),
    ("Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)", "207.241.235"),
    ("Mozilla/5.0 (compatible; archive.org_crawler)", "207.241.229"),
)

PLANS: tuple[str, ...] = ("starter", "pro", "business")
PLAN_WEIGHTS: tuple[float, ...] = (0.45, 0.40, 0.15)
PLAN_PRICES: dict[str, dict[str, int]] = {
    "EUR": {"starter": 29, "pro": 79, "business": 199, "enterprise": 0},
    "USD": {"starter": 29, "pro": 89, "business": 229, "enterprise": 0},
    "GBP": {"starter": 25, "pro": 69, "business": 179, "enterprise": 0},
    "CHF": {"starter": 29, "pro": 85, "business": 219, "enterprise": 0},
}
ADD_ONS: tuple[tuple[str, int], ...] = (("extra_seats", 120), ("onboarding_pack", 490), ("training_day", 990))
CANCEL_REASONS: tuple[str, ...] = (
    "too_expensive",
    "missing_features",
    "switched_to_competitor",
    "no_longer_needed",
    "poor_support",
    "other",
)
DEAL_STAGES: tuple[str, ...] = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
)
LIFECYCLE_STAGES: tuple[str, ...] = (
    "other",
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
)

CONTACT_REASON_QUEUES: dict[str, str] = {
    "sales_question": "Sales",
    "billing": "Billing",
    "technical": "Support",
    "cancellation": "Retention",
    "complaint": "Customer Care",
    "other": "General",
}
RESOLUTION_RATES: dict[str, float] = {
    "sales_question": 0.9,
    "billing": 0.85,
    "technical": 0.68,
    "cancellation": 0.8,
    "complaint": 0.6,
    "other": 0.9,
}
AGENTS: tuple[str, ...] = (
    "amelie.martin",
    "julien.bernard",
    "sarah.connor",
    "mike.ross",
    "lena.fischer",
    "tom.baker",
    "ines.garcia",
    "paul.durand",
    "nina.weber",
    "omar.haddad",
    "chloe.petit",
    "david.kim",
    "emma.jones",
    "lucas.moreau",
    "priya.shah",
    "jonas.becker",
    "zoe.laurent",
    "ryan.cole",
)

NPS_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    # Comments by language and NPS category; quotes, line breaks and mixed languages included.
    "en": {
        "promoter": (
            "Great product, our team uses it every day.",
            'Support was "amazing" - thanks Julie!',
            "Love the journey view.\nIt replaced three spreadsheets for us.",
            "Setup took an afternoon, not weeks",
            "Five stars.\nThe Slack alerts alone are worth it!",
            "Excellent support, quick and friendly.",
        ),
        "passive": (
            "Good, but reports could load faster.",
            "Does the job, pricing is a bit high, though.",
            'Would like a "compare cohorts" button',
            'The "funnel" view is nice, exports are clunky',
            "OK so far",
            "Good overall.\nExports are clunky, though.",
        ),
        "detractor": (
            "Too expensive for what it does.",
            'Your "24/7 support" answered after three days, again.',
            "Connector broke twice this month, support slow to answer.",
            'The "simple" setup was anything but simple.\nWe gave up after a week.',
            "Billing charged us twice, still waiting on a refund",
            "Missing SSO, a deal-breaker for us",
            "Terrible experience with the hotline, very disappointing.",
        ),
    },
    "fr": {
        "promoter": (
            "Très bon outil, facile à prendre en main.",
            "Support excellent et rapide, merci !",
            "Interface claire, l'équipe est ravie.",
            "Super produit. Great support too!",
        ),
        "passive": (
            "Bon produit, mais les exports sont lents.",
            "Correct, un peu cher.",
            "Pas mal, il manque quelques rapports.",
        ),
        "detractor": (
            "Trop cher pour ce que c'est.",
            "Service client décevant, aucune réponse depuis une semaine.",
            "La facturation est une catastrophe, je suis très déçu.",
            "Application lente et compliquée.",
        ),
    },
    "de": {
        "promoter": (
            "Das Dashboard ist super, weiter so!",
            "Sehr guter Support, schnell und freundlich.",
            "Tolles Produkt, einfache Bedienung.",
            "Perfekt für unser Team. Great tool!",
        ),
        "passive": (
            "Gut, aber die Berichte laden langsam.",
            "Ganz okay, etwas teuer.",
            "Solide, es fehlen ein paar Exporte.",
        ),
        "detractor": (
            "Viel zu teuer für diese Leistung.",
            "Schlechter Support, niemand ruft zurück.",
            "Die Rechnung war falsch, ich bin enttäuscht.",
            "Langsam und kompliziert, nicht gut.",
        ),
    },
}
COMMENT_LANGUAGES: dict[str, str] = {"FR": "fr", "BE": "fr", "DE": "de", "CH": "de"}
"""Language of the NPS comments of people from a country; English elsewhere."""
