"""`check-claims --format claimreview`: each claim's verdict as schema.org ClaimReview
JSON-LD (https://schema.org/ClaimReview), the markup fact-checkers publish so that search
engines show the verdict next to the claim. One ClaimReview per claim, in a JSON array:

- claimReviewed: the claim's words; itemReviewed: a Claim with its author (the statement's
  speaker) and datePublished (said_on), and where it appeared (the statement's source);
- reviewRating: a Rating whose alternateName is the verdict in Spanish (Verdadero, Engañoso,
  Falso, No verificable), on a scale of 1 (Falso) to 3 (Verdadero); No verificable has no
  value; ratingExplanation is the verdict's sentence;
- author: the reviewing organisation, from SEGURIDAD_REVIEWER (its site, and the base of each
  review's url, from SEGURIDAD_REVIEWER_URL)."""

from __future__ import annotations

import json
from datetime import date

from seguridad.config import settings
from seguridad.errors import SeguridadError
from seguridad.i18n import t

# verdict -> the rating's value (1 worst .. 3 best); None: no value (not checkable)
RATING_VALUES = {"reproduced": 3, "reproduced_as_rate": 3, "misleading": 2,
                 "not_reproduced": 1, "not_checkable": None}
BEST, WORST = 3, 1


def review(fc, check, reviewer: str, reviewer_url: str | None, explain) -> dict:
    """One claim's ClaimReview; explain(check, lang) is the verdict's sentence."""
    st = fc.loaded.statement
    claim: dict = {"@type": "Claim", "datePublished": st.said_on.isoformat()}
    if st.speaker.strip():
        claim["author"] = {"@type": "Person", "name": st.speaker.strip()}
    appearance = {"@type": "CreativeWork", "name": st.title}
    if st.source:
        appearance["description"] = st.source
        if st.source.startswith(("http://", "https://")):
            appearance["url"] = st.source
    claim["appearance"] = appearance
    rating: dict = {"@type": "Rating",
                    "alternateName": t(f"rating_{check.verdict}", "es"),
                    "ratingExplanation": explain(check, fc.lang)}
    value = RATING_VALUES[check.verdict]
    if value is not None:
        rating.update(ratingValue=value, bestRating=BEST, worstRating=WORST)
    author: dict = {"@type": "Organization", "name": reviewer}
    out = {"@context": "https://schema.org", "@type": "ClaimReview"}
    if reviewer_url:
        author["url"] = reviewer_url
        out["url"] = f"{reviewer_url.rstrip('#')}#{check.claim.id}"
    out.update({"claimReviewed": check.claim.text, "datePublished": date.today().isoformat(),
                "inLanguage": fc.lang, "author": author, "itemReviewed": claim,
                "reviewRating": rating})
    return out


def render(fc, explain) -> str:
    s = settings()
    if not s.reviewer:
        raise SeguridadError("--format claimreview publishes the verdicts under the reviewing "
                             "organisation's name: set SEGURIDAD_REVIEWER (e.g. "
                             "SEGURIDAD_REVIEWER=\"Verificado MX\"), and SEGURIDAD_REVIEWER_URL "
                             "to the page that will host the fact check")
    if s.reviewer_url and not s.reviewer_url.startswith(("http://", "https://")):
        raise SeguridadError(f"SEGURIDAD_REVIEWER_URL={s.reviewer_url!r} is not a web address: "
                             "give the page that hosts the fact checks, e.g. "
                             "https://example.org/verificaciones")
    reviews = [review(fc, c, s.reviewer, s.reviewer_url, explain) for c in fc.checks]
    return json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
