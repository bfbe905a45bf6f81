"""Page furniture that one page alone gives away: notices repeated down the story, picture
credits printed as paragraphs, and links to other stories set between its paragraphs.

Template learning (templates.py) needs several pages of a site; these two kinds of block
are recognisable on a single page, so a site's first page is cleaned of them too.

- A notice of a sentence or more, printed three or more times in one story, is the page's,
  not the writer's: the consent placeholder standing in for each embed ("Your privacy
  settings prevent loading external content…"). Short lines and headings repeat in stories
  by design (an interviewee's "No.", a refrain, "Pros"/"Cons" per product, "GOAL!" in a live
  blog), so only long paragraphs count; twice happens (a pull quote), so two are kept. A
  notice speaks of the page, hardly in quantities: a long line that repeats with two numbers
  or more is data the story lists (a meal plan's "Portion: 1 Green, 1 Red, 1 tsp." each day). Nor
  are paragraphs without which no story is left: a song's chorus between short verses, sample text.
- A paragraph that is only a picture credit ("Photo: Jane Roe", "… /AFP via Getty Images")
  is a caption trafilatura kept as text: after the label, names only (capitalised words,
  initials, agencies after a slash). Only picture credits: a "Source: …" line may credit the
  story's original publisher, which attribution.py reads first.
- A short paragraph that opens with a read-more label ("READ MORE: …", "Lesen Sie auch: …",
  "À lire aussi : …", "MORE: …") links another story: the label and its colon are what tell it
  from a sentence of the story. An ad slot's label ("Advertisement", "Story continues below
  advertisement") is the page's too.
- A short paragraph that invites the reader to sign up for the site's newsletters or alerts
  ("Sign up for our daily newsletter", "Get the latest news in your inbox", "Newsletter: Sport
  inside") is a promo, whatever box it sits in: a sentence opens with the invitation, or invites
  to "our" newsletters. A story's sentence about newsletters, sign-ups or inboxes ("Residents
  who sign up for the county's alerts…") stays.
- A paragraph that tells the reader about their browser ("You are using a browser version with
  limited support…", "Please upgrade your browser", "Please enable JavaScript to view the
  comments") is the site's banner. A story about browsers speaks of them otherwise ("If your
  browser is out of date, Chrome prompts you…", "JavaScript is disabled on every site").
- A short paragraph that is a copyright notice ("© 2026 Example Times", "ⓒ 한빛일보, 무단전재 및
  재배포 금지") or credits the desk's editor ("【责任编辑：王磊】") is the site's line under every story.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.extract.blocks import PARAGRAPH, Block, count_words, normalised_text
from pipeline.extract.pagetype import MIN_ARTICLE_WORDS

_REPEATED = 3
_NOTICE_WORDS = 8
_NUMBER = re.compile(r"\d+")
_DATA_NUMBERS = 2
_PICTURE_LABEL = re.compile(r"^\(?(?:photos?|fotos?|bild(?:er)?|images?|pictures?|credits?)\s*:\s*(?P<credit>.+?)\)?$", re.I)
# a credit that ends with a picture agency, joined as credits join it ("X/Getty Images", "X via Shutterstock")
_AGENCY_CREDIT = re.compile(
    r"^(?:[^.!?]{0,80}(?:/|\bvia\s|,\s))?(?:getty images|shutterstock|istock(?:photo)?|imago(?: images)?|picture[- ]alliance)\)?$", re.I,
)
_CREDIT_JOINERS = {"and", "und", "et", "y", "via", "for", "&", "/", "|", "-"}
_READ_MORE = re.compile(
    r"^(?:read more|read also|also read|read next|more on this(?: story)?|see also|also see|don['’]t miss|go deeper|more(?=\s*:)"
    r"|related(?: stories| articles?)?|recommended"
    r"|lesen sie (?:auch|mehr)|auch interessant|mehr zum thema|das könnte sie (?:auch )?interessieren|weiterlesen"
    r"|(?:à )?lire aussi|à lire également|lee también|leer más|te puede interesar|leggi anche|lees ook|les også|läs också"
    r"|læs også|czytaj (?:też|także|również)|leia (?:também|mais)|veja (?:também|mais)|saiba mais|baca juga|simak juga|lihat juga"
    r"|ayrıca (?:okuyun|bakınız)|читайте (?:также|еще|ещё)|اقرأ (?:أيضا|أيضًا|أيضاً)|(?:ये|यह) भी पढ़ें|関連記事|相关阅读|相關閱讀|延伸阅读|延伸閱讀)"
    r"(?:\s*[:：»>|]|\s+[–-]\s)\s*\S",
    re.I,
)
_MAX_READ_MORE_WORDS = 25
# A copyright notice closing the story ("© 2026 Lowfield Star. All rights reserved.", Korean
# sites' "ⓒ 한빛일보, 무단전재 및 재배포 금지"): the site's line, not the writer's.
# The sign opens the notice; written out ("Copyright 2026", "(c) 2026"), only a name may follow it,
# or "All rights reserved": "Copyright 2024 rules now let artists…" is a sentence.
_COPYRIGHT = re.compile(
    r"^[<(\[]?\s*(?:저작권자\s*)?[©ⓒ]"
    r"|^(?i:copyright|\(c\))\s*(?:(?i:\(c\))\s*|©\s*)?\d{4}(?:\s*[-–]\s*\d{4})?"
    r"(?:[.,]?\s+(?:[A-Z][\w.&'’-]*|by|and|of|the|&))*[.,]?\s*(?:(?i:all rights reserved)\b.*|)$"
    r"|무단\s*전재[\s·,및와-]*재배포\s*금지"
)
# The editor credited under a Chinese story ("【责任编辑：王磊】"): the desk's, not the story's
_EDITOR_CREDIT = re.compile(r"^[【\[(（]?\s*(?:责任编辑|責任編輯|编辑|編輯)\s*[：:]\s*\S{1,12}\s*[】\])）]?$")
_MAX_COPYRIGHT_WORDS = 25  # a wire's notice adds that its material may not be republished
# A newsletter or alert promo speaks to the reader about the site's own offer: a sentence that
# opens with the invitation ("Sign up for…", "Get … in your inbox", "Abonnez-vous…"), one that
# invites to "our" newsletters, or the box's consent line ("I agree that X may send me its
# newsletter"). "Residents who sign up for the county's alerts…" and "Gmail sorts newsletters in
# your inbox" are stories' sentences.
_SENTENCE_START = r"(?:^|[.!?:]\s+|\n)(?:\W*[\w’'-]+\W*:\s*)?"
_OFFER = r"(?:newsletters?|inbox|e-?mails?|(?:push\s+)?alerts|lettre d['’]information|infolettre|bolet[ií]n)"
_SIGN_UP_PROMO = re.compile(
    rf"{_SENTENCE_START}(?:sign(?:ing)?\s+up|subscribe|get|receive|inscrivez-vous|abonnez-vous|suscr[ií]bete|iscriviti)\b.{{0,160}}\b{_OFFER}\b"
    rf"|\b(?:sign(?:ing)?\s+up|subscribe)\b.{{0,40}}\bour\s+(?:[\w-]+\s+){{0,3}}{_OFFER}"
    r"|^newsletters?\s*:|(?:^|[.?!]\s+|\n)sign\s+up\b.{0,40}\bsign\s+in\b|^by\s+(?:signing\s+up|subscribing)\b.{0,40}\byou\s+agree\b"
    rf"|^i\s+(?:agree|consent)\b.{{0,100}}\b(?:send|email|e-mail)\s+me\b.{{0,80}}\b{_OFFER}"
    r"|\bnewsletter\b.{0,200}\b(?:hier\s+entlang|hier\s+anmelden|jetzt\s+(?:kostenlos\s+)?(?:anmelden|abonnieren))\b"
    r"|^(?:jetzt\s+)?(?:kostenlos\s+)?(?:abonnieren|anmelden)\b.{0,60}\bnewsletter\b",
    re.I,
)
_MAX_PROMO_WORDS = 45
# The site telling the reader their browser is out of date, or asking them to turn JavaScript on,
# each a sentence of its own; not a story's sentence about browsers ("Researchers said anyone using
# Chrome should update your browser", "If you're using a Chromium-based browser…", "JavaScript is
# disabled on every site", "'Please update your browser,' the fake pop-up reads")
_OWN_SENTENCE = r"(?:^|[.!?]\s+)"
_BROWSER_NOTICE = re.compile(
    rf"{_OWN_SENTENCE}(?:you\s+are|you['’]re)\s+using\s+(?:an?\s+)?(?:(?:outdated|old|older|unsupported|out[- ]of[- ]date)\s+(?:web\s+)?browser"
    r"|browser\s+version\s+with\s+limited\s+support)"
    rf"|{_OWN_SENTENCE}please\s+(?:upgrade|update)\s+(?:to\s+)?(?:your|a\s+(?:newer|modern|more\s+recent))\s+(?:web\s+)?browser\b"
    rf"|{_OWN_SENTENCE}your\s+(?:web\s+)?browser\s+(?:is\s+(?:outdated|out\s+of\s+date|not\s+supported|unsupported|no\s+longer\s+supported)|does\s+not\s+support)"
    rf"|{_OWN_SENTENCE}(?:please\s+|you\s+(?:need|must|have)\s+to\s+)?(?:enable|turn\s+on|activate)\s+javascript\b"
    rf"|{_OWN_SENTENCE}javascript\s+(?:is\s+)?(?:disabled|turned\s+off)\s+in\s+your\s+browser"
    rf"|{_OWN_SENTENCE}(?:bitte\s+(?:aktivieren\s+sie\s+)?javascript|javascript\s+(?:aktivieren|einschalten))\b"
    rf"|{_OWN_SENTENCE}(?:veuillez\s+)?activ(?:ez|er)\s+(?:le\s+)?javascript\b|{_OWN_SENTENCE}(?:por\s+favor,?\s+)?(?:habilita|activa)\s+(?:el\s+)?javascript\b",
    re.I,
)
_MAX_BROWSER_NOTICE_WORDS = 70
# An ad slot's label left as a paragraph (AMP's placeholder, a CMS's empty ad box), or the
# line that tells the reader the story goes on past it ("Story continues below advertisement").
_AD_LABEL = re.compile(
    r"^(?:advertisement|advertising|sponsored|anzeige|werbung|publicité|publicidad|pubblicità|advertentie|annonse|annons|reklama|reklam"
    r"|(?:the\s+)?(?:story|article|content)\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?(?:advertisement|ad))?|skip\s+(?:advertisement|ad)"
    r"|(?:advertisement\s*[-–—]\s*)?scroll\s+(?:down\s+)?to\s+continue(?:\s+(?:reading|with\s+(?:the\s+)?content))?"
    r"|continue\s+reading(?:\s+below)?|(?:la\s+)?(?:noticia|nota)\s+continúa\s+(?:abajo|debajo)|continúa\s+leyendo)[.…]*$",
    re.I,
)


def _names_only(credit: str) -> bool:
    """Every word a capitalised name, an initial, an agency after a slash or a joiner."""
    words = credit.replace(",", " ").split()
    return 0 < len(words) <= 10 and all(
        word[0].isupper() or "/" in word or word.lower() in _CREDIT_JOINERS or not word[0].isalpha() for word in words
    )


def is_picture_credit(text: str) -> bool:
    text = " ".join(text.split())  # a credit's lines ("Photo: Jane Roe<br>AFP") read as one
    if _AGENCY_CREDIT.match(text):
        return True
    label = _PICTURE_LABEL.match(text)
    return bool(label) and _names_only(label["credit"])


def drop_page_furniture(blocks: list[Block]) -> list[Block]:
    """The story's blocks without notices printed three times or more, picture credits, read-more
    links, copyright notices and editors' credits."""
    paragraphs = [block for block in blocks if block.kind == PARAGRAPH]
    counts = Counter(
        normalised_text(block.text) for block in paragraphs
        if len(block.text.split()) >= _NOTICE_WORDS and len(_NUMBER.findall(block.text)) < _DATA_NUMBERS
    )
    notices = {text for text, count in counts.items() if count >= _REPEATED}
    if notices and sum(count_words(block.text) for block in blocks if normalised_text(block.text) not in notices) < MIN_ARTICLE_WORDS:
        notices = set()  # without them no story is left: the page is its repeated paragraphs (a song's chorus, sample text)
    return [
        block for block in blocks
        if block.kind != PARAGRAPH
        or not (notices and normalised_text(block.text) in notices) and not is_picture_credit(block.text) and not _links_another_story(block.text)
        and not _is_site_notice(block.text)
    ]


def is_signup_promo(text: str) -> bool:
    """A short paragraph inviting the reader to the site's newsletters or alerts (see the module docstring)."""
    return len(text.split()) <= _MAX_PROMO_WORDS and bool(_SIGN_UP_PROMO.search(text))


def _links_another_story(text: str) -> bool:
    """A read-more link, or an ad slot's label: both stand between the story's paragraphs."""
    return len(text.split()) <= _MAX_READ_MORE_WORDS and bool(_READ_MORE.match(text)) or bool(_AD_LABEL.match(text.strip()))


def _is_site_notice(text: str) -> bool:
    """A copyright notice, an editor's credit, a sign-up promo or a browser notice: lines the site
    prints on every page."""
    words = len(text.split())
    return (
        words <= _MAX_COPYRIGHT_WORDS and bool(_COPYRIGHT.search(text.strip())) or bool(_EDITOR_CREDIT.match(text.strip()))
        or is_signup_promo(text)
        or words <= _MAX_BROWSER_NOTICE_WORDS and bool(_BROWSER_NOTICE.search(text))
    )
