"""Quality flags analysts filter on: a paywalled teaser, a too-short text.

A paywall is declared by schema.org's isAccessibleForFree (Google's documented markup
for subscription content) or shows as a subscription prompt closing the extracted text.
"""

from __future__ import annotations

import re

from pipeline.extract.blocks import Block
from pipeline.extract.signals import PageSignals

# Fewer words than this is a brief, a teaser or a failed extraction: kept, but flagged.
TOO_SHORT_WORDS = 100
# Subscription prompts that end a teaser, in the corpus's most common languages.
_PAYWALL_PROMPT = re.compile(
    r"(?:continue reading|read the full (?:article|story)|subscribers? only|exclusive(?:ly)? for subscribers|already a subscriber"
    r"|subscribe (?:now )?to (?:continue|read|unlock)|weiterlesen mit|jetzt weiterlesen|exklusiv für abonnenten|nur für abonnenten"
    r"|mit (?:einem )?abo\b|plus-artikel|réservé aux abonnés|solo para suscriptores|riservato agli abbonati)",
    re.I,
)
_MAX_PROMPT_WORDS = 40


def _declared_not_free(signals: PageSignals) -> bool:
    value = signals.article.get("isAccessibleForFree")
    if isinstance(value, str):
        return value.strip().lower() in ("false", "no", "0")
    return value is False


def is_paywalled(signals: PageSignals, blocks: list[Block]) -> tuple[bool, str | None]:
    """(flag, signal that set it)."""
    if _declared_not_free(signals):
        return True, "jsonld:isAccessibleForFree"
    tail = blocks[-2:]
    if any(len(block.text.split()) <= _MAX_PROMPT_WORDS and _PAYWALL_PROMPT.search(block.text) for block in tail):
        return True, "text:subscription-prompt"
    return False, None
