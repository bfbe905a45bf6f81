"""Quality flags analysts filter on: a paywalled teaser, a too-short text.

A paywall is declared by schema.org's isAccessibleForFree (Google's documented markup
for subscription content) or shows as a subscription prompt: closing the extracted text, or
in its own box inside the story's <article> (a box trafilatura leaves out as boilerplate),
marked as a paywall by its class or id and saying so in words. Empty placeholders that
templates print on free stories too say nothing, and do not count.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from pipeline.extract.blocks import Block
from pipeline.extract.signals import REGEX_NS, PageSignals

# Fewer words than this is a brief, a teaser or a failed extraction: kept, but flagged.
TOO_SHORT_WORDS = 100
# Subscription prompts that end a teaser, in the corpus's most common languages.
_PAYWALL_PROMPT = re.compile(
    r"(?:continue reading|keep reading|read the full (?:article|story)|subscribers? only|exclusive(?:ly)? for subscribers|already a subscriber"
    r"|subscribe (?:now )?to (?:continue|read|unlock|keep)|get unlimited (?:digital )?access|weiterlesen mit|jetzt weiterlesen|exklusiv für abonnenten|nur für abonnenten"
    r"|mit (?:einem )?abo\b|plus-artikel|réservé aux abonnés|abonnez-vous pour (?:lire|continuer)|solo para suscriptores"
    r"|suscríbete para (?:seguir leyendo|continuar|leer)|riservato agli abbonati|abbonati per continuare)",
    re.I,
)
_MAX_PROMPT_WORDS = 40
_PROMPT_BLOCKS = 2  # a prompt closes the text: its last blocks
_PAYWALL_BOXES = "//article[.//h1]//*[@class or @id][re:test(concat(@class, ' ', @id), 'paywall|piano|regwall|metered|abo-|premium-', 'i')]"
_ASKS_TO_ACT = re.compile(
    r"continue reading|keep reading|get unlimited|cancel any ?time|already a subscriber|log ?in|sign ?in|subscribe now|subscribe to|weiterlesen|anmelden|abonnez-vous|suscríbete|abbonati",
    re.I,
)


def _declared_not_free(signals: PageSignals) -> bool:
    value = signals.article.get("isAccessibleForFree")
    if isinstance(value, str):
        return value.strip().lower() in ("false", "no", "0")
    return value is False


def _is_prompt(text: str) -> bool:
    return len(text.split()) <= _MAX_PROMPT_WORDS and bool(_PAYWALL_PROMPT.search(text))


def is_paywalled(signals: PageSignals, blocks: list[Block], tree: HtmlElement) -> tuple[bool, str | None]:
    """(flag, signal that set it)."""
    if _declared_not_free(signals):
        return True, "jsonld:isAccessibleForFree"
    if any(_is_prompt(block.text) for block in blocks[-_PROMPT_BLOCKS:]):
        return True, "text:subscription-prompt"
    if any(_is_prompt(" ".join(box.text_content().split())) for box in tree.xpath(_PAYWALL_BOXES, namespaces=REGEX_NS)):
        return True, "page:subscription-prompt"
    return False, None


def without_subscription_prompt(blocks: list[Block]) -> list[Block]:
    """The story without the prompt lines closing it ("Subscribe to continue reading",
    "Already a subscriber? Log in"): the flag says the page is a teaser, the text keeps the story.
    Only lines that ask the reader to act go; "The exhibition is open to subscribers only." stays."""
    end = len(blocks)
    while end > max(len(blocks) - _PROMPT_BLOCKS, 1) and _is_prompt(blocks[end - 1].text) and _ASKS_TO_ACT.search(blocks[end - 1].text):
        end -= 1
    return blocks[:end]
