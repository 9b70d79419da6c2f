"""Fact checks: the claims file, the facts behind a claim, the readings and their verdicts,
caveats, ClaimReview, and drafting claims from a speech."""
