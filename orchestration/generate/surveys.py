"""NPS surveys: who is asked, who answers, what they score and say."""

from __future__ import annotations

from . import catalog as cat
from .clock import HOUR_MS
from .contact_book import ContactBook
from .context import Context
from .crm import NpsResponse
from .geography import ascii_slug
from .people import Person
from .support import Support

_RESPONSE_RATES = {"onboarding": 0.55, "quarterly": 0.4, "lead": 0.3}
_DETRACTOR_SCORES = (0, 1, 2, 3, 4, 5, 6)
_DETRACTOR_WEIGHTS = (1, 1, 1, 2, 3, 5, 7)


class Surveys:
    """Sends NPS surveys and records the answers; promoters may review or refer later, detractors
    the company knows are called back."""

    def __init__(self, ctx: Context, book: ContactBook, support: Support) -> None:
        self.ctx = ctx
        self.book = book
        self.support = support

    def invite(self, day: int, p: Person, kind: str) -> None:
        """Survey ``p`` on ``day``: ``lead`` (relationship), ``onboarding`` or ``quarterly`` (customers)."""
        self.ctx.agenda.add(day, self._answer, p, kind)

    def _answer(self, day: int, p: Person, kind: str) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        if p.deleted or not p.in_crm or p.contact_id is None:
            return
        if kind == "onboarding":
            self.invite(day + 90, p, "quarterly")
        if (kind == "lead" and p.customer) or rng.random() >= _RESPONSE_RATES[kind]:
            return
        t = ctx.local_time(day, p, 7, 23)
        score = self._score(p, kind)
        category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        comment = self._comment(p, category) if rng.random() < 0.5 else ""
        if rng.random() < 0.85:
            contact_id, email = p.contact_id, p.crm_email or p.email
        else:
            contact_id, email = "", p.crm_email if p.crm_email and rng.random() < 0.5 else p.email
        ctx.crm.nps(NpsResponse(ctx.ids.nps_response(), contact_id, email, score, comment, t))
        if category == "detractor" and contact_id:
            self.support.call_back(p, t, "complaint")
        if rng.random() < 0.08:
            self._forwarded(p, kind, t + int(rng.random() * 6 * HOUR_MS))
        if score >= 9:
            self.book.advance(p, "evangelist", t + HOUR_MS)
            if rng.random() < 0.5:
                p.wants_review = 4 + (rng.random() < 0.6)
            if rng.random() < 0.4:
                p.wants_referral = True
        elif score <= 4 and rng.random() < 0.1:
            p.wants_review = 1 + rng.randrange(3)

    def _comment(self, p: Person, category: str) -> str:
        """A comment in the person's language (English for one in five, as people mix them)."""
        rng = self.ctx.rng
        language = cat.COMMENT_LANGUAGES.get(p.country.code, "en") if rng.random() < 0.8 else "en"
        return rng.choice(cat.NPS_COMMENTS[language][category])

    def _forwarded(self, p: Person, kind: str, t: int) -> None:
        """A colleague answers a forwarded survey link: an e-mail the CRM does not know."""
        ctx, rng = self.ctx, self.ctx.rng
        domain = rng.choice(("northwind.com", "globex.com", "initech.com"))
        email = f"{ascii_slug(rng.choice(p.country.first_names))}.{p.index}@{domain}"
        ctx.crm.nps(NpsResponse(ctx.ids.nps_response(), "", email, self._score(p, kind), "", t))

    def _score(self, p: Person, kind: str) -> int:
        rng = self.ctx.rng
        if p.churn_planned:
            promoter, passive = 0.12, 0.25
        elif kind == "lead":
            promoter, passive = 0.35, 0.40
        else:
            promoter, passive = 0.55, 0.30
        u = rng.random()
        if u < promoter:
            return 9 if rng.random() < 0.4 else 10
        if u < promoter + passive:
            return 7 if rng.random() < 0.45 else 8
        return rng.choices(_DETRACTOR_SCORES, _DETRACTOR_WEIGHTS)[0]
