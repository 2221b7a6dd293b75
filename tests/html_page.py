"""A small DOM for the report tests: the page parsed as a browser would read it (well-formed, or the
parse fails), its elements found by tag and attributes, and the text a reader sees."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: Elements whose content a reader does not see as text.
INVISIBLE = {"style", "script", "title", "head"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def visible_text(self, skip_classes: frozenset[str] = frozenset()) -> str:
        """The text a reader sees: no style, title or attributes; elements with a class in ``skip_classes`` left out."""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in INVISIBLE and not child.classes() & skip_classes:
                parts.append(" " + child.visible_text(skip_classes) + " ")
        return "".join(parts)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and all(child.attrs.get(k) == v for k, v in attrs.items()):
                    found.append(child)
                found += child.all(tag, **attrs)
        return found

    def one(self, tag: str, **attrs: str) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}>"
        return found[0]

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class Page(HTMLParser):
    """Builds the tree and fails on anything a well-formed page would not have."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.node = self.root
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()
        assert self.node is self.root, f"<{self.node.tag}> is never closed"

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.node)
        self.tags.append((tag, node.attrs))
        self.node.children.append(node)
        if tag not in VOID:
            self.node = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.node = self.node.parent

    def handle_endtag(self, tag):
        assert tag not in VOID, f"</{tag}>"
        assert self.node.tag == tag, f"</{tag}> closes <{self.node.tag}>"
        self.node = self.node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def cells(row: Node) -> list[str]:
    return [c.text().strip() for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]


def section(page: Page, name: str) -> Node:
    return page.root.one("section", id=name)


def sections(page: Page) -> list[str]:
    """The ids of the page's sections, in their order."""
    return [node.attrs["id"] or "" for node in page.root.all("section")]
