"""The machine-readable metadata a page declares: <meta> tags and its JSON-LD article.

Read once per page from the parsed tree, before trafilatura rewrites it, so that every
metadata rule (dates, title, authors, canonical URL) draws on the same facts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml.html import HtmlElement

# The namespace of EXSLT regular expressions, for XPaths that test names with re:test()
REGEX_NS = {"re": "http://exslt.org/regular-expressions"}
# schema.org types that describe one story (https://schema.org/Article and its subtypes).
ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
    "BackgroundNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
    "Report", "ScholarlyArticle", "SocialMediaPosting", "TechArticle", "SatiricalArticle",
}
LISTING_TYPES = {"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"}


@dataclass
class PageSignals:
    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name/property/itemprop -> first content
    # name/property -> every content, in page order: the page's own declarations. An itemprop meta
    # describes the microdata item it sits in, which may be a teaser or a comment.
    declared_meta: dict[str, list[str]] = field(default_factory=dict)
    article: dict = field(default_factory=dict)  # the JSON-LD object describing the story, if any
    video: dict = field(default_factory=dict)  # the page's JSON-LD VideoObject, if any: a video page's dates
    jsonld_types: set[str] = field(default_factory=set)  # every @type seen, to tell listings from articles
    canonical: str | None = None
    html_lang: str | None = None
    page_title: str = ""  # the <title>'s text, as written (site affixes included)


def node_types(node: dict) -> set[str]:
    """The node's @type names; a malformed @type (a number, null, an object) names none."""
    value = node.get("@type", [])
    if isinstance(value, str):
        return {value}
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def _walk_jsonld(value, listed: bool = False):
    """(node, listed) for every dict in a JSON-LD document, @graph and nested lists included;
    `listed` when it was reached through an ItemList's elements (a teaser, not the page's story)."""
    if isinstance(value, list):
        for item in value:
            yield from _walk_jsonld(item, listed)
    elif isinstance(value, dict):
        yield value, listed
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in value:
                yield from _walk_jsonld(value[key], listed or key == "itemListElement")


# Old templates hide a script's text from pre-HTML5 parsers: "<![CDATA[ {…} ]]>", "<!-- {…} -->",
# the markers perhaps in JavaScript comments ("//<![CDATA[", "/*<![CDATA[*/") or stacked (Drupal's
# "<!--//--><![CDATA[//><!--")
_MARKERS = ("<![CDATA[", "<!--", "-->", "]]>", "//", "/*", "*/", "<!", ">")  # longest first: "-->" before ">"


def _unwrapped(text: str) -> str:
    """The script's text without the markers around it, one marker at a time; a loop, as a regex
    anchored at the end would try every position of a long text."""
    text = text.strip()
    while marker := next((m for m in _MARKERS if text.startswith(m) or text.endswith(m)), None):
        text = (text[len(marker):] if text.startswith(marker) else text[: -len(marker)]).strip()
    return text


# JSON-LD scripts, typed so in any case or spacing ("application/ld+json; charset=utf-8" too); else, as some
# CMS themes print it, a script left untyped (or typed as JavaScript) holding a JSON-LD document: only
# when no typed one parses, as a widget's untyped script may describe another story. JavaScript fails to parse.
_TYPED_JSONLD = "//script[starts-with(translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), 'application/ld+json')]"
_UNTYPED_JSONLD = "//script[(not(@type) or @type = '' or @type = 'text/javascript') and contains(., '\"@context\"')]"


# Real JSON-LD nests a few levels (@graph, the article, its author, the author's affiliation); a
# document nested hundreds deep describes no page, and walking it would exhaust Python's stack.
_MAX_JSONLD_DEPTH = 64


def _too_deep(document) -> bool:
    """Whether a JSON document nests deeper than _MAX_JSONLD_DEPTH, found level by level without recursion."""
    level = [document]
    for _ in range(_MAX_JSONLD_DEPTH):
        level = [child for value in level for child in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else ())]
        if not level:
            return False
    return True


def _jsonld_nodes(tree: HtmlElement) -> list[tuple[dict, bool]]:
    return _nodes_of(tree.xpath(_TYPED_JSONLD)) or _nodes_of(tree.xpath(_UNTYPED_JSONLD))


def _nodes_of(scripts: list[HtmlElement]) -> list[tuple[dict, bool]]:
    nodes = []
    for script in scripts:
        try:
            # strict=False: publishers often leave raw newlines inside JSON strings
            document = json.loads(_unwrapped(script.text or ""), strict=False)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the json module can parse
            continue
        if _too_deep(document):
            continue
        nodes.extend(_walk_jsonld(document))
    return nodes


# Article properties whose value may be a reference ({"@id": …}) to a node elsewhere in the
# page's JSON-LD: Yoast SEO, on a large share of WordPress news sites, writes the author so.
_REFERENCED = ("author", "publisher")


def _resolve(value, by_id: dict[str, dict]):
    """A property value with references ({"@id": …} without a name) replaced by the nodes they name."""
    if isinstance(value, list):
        return [_resolve(item, by_id) for item in value]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return by_id.get(value["@id"], value)
    return value


def _with_references_resolved(article: dict, nodes: list[dict]) -> dict:
    # the article itself is no author: its "name" is the headline
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str) and "name" in node and node is not article}
    return {**article, **{key: _resolve(article[key], by_id) for key in _REFERENCED if key in article}}


def read_signals(tree: HtmlElement) -> PageSignals:
    signals = PageSignals()
    for element in tree.iter("meta"):
        declared_key = element.get("property") or element.get("name")
        key = declared_key or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if key and content and content.strip():
            key = key.strip().lower()
            signals.meta.setdefault(key, content.strip())
            if declared_key:
                signals.declared_meta.setdefault(key, []).append(content.strip())
    listed_nodes = _jsonld_nodes(tree)
    nodes = [node for node, _ in listed_nodes]
    for node in nodes:
        signals.jsonld_types |= node_types(node)
    articles = [(node, listed) for node, listed in listed_nodes if node_types(node) & ARTICLE_TYPES]
    if articles:
        # The story's own object is not a list's element (related stories), and it carries a
        # headline, which teasers often do not.
        article, _ = max(articles, key=lambda pair: (not pair[1], "headline" in pair[0], "datePublished" in pair[0]))
        signals.article = _with_references_resolved(article, nodes)
    signals.video = next((node for node, listed in listed_nodes if "VideoObject" in node_types(node) and not listed), {})
    for link in tree.xpath('//link[@rel and @href]'):
        if "canonical" in link.get("rel", "").lower().split():
            signals.canonical = link.get("href").strip()
            break
    signals.html_lang = tree.get("lang") or tree.get("xml:lang")
    signals.page_title = " ".join(tree.xpath("//head/title//text()"))
    return signals
