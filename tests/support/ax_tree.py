"""Chromium's accessibility tree over CDP: what a screen reader gets, with each text's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page

# For a text node, the nearest element's resolved language (the `lang` a screen reader switches to).
_LANG_OF = """function () {
  if (!this.isConnected) return null;
  const element = this.nodeType === Node.TEXT_NODE ? this.parentElement : this;
  const owner = element && element.closest("[lang]");
  return owner ? owner.getAttribute("lang") : "";
}"""


@dataclass(frozen=True)
class AxNode:
    """One node of the accessibility tree that a screen reader would meet."""

    node_id: str
    role: str
    name: str
    properties: dict[str, Any]
    children: tuple[str, ...]
    backend_id: int | None
    ignored: bool = False
    lang: str | None = ""  # None: the text was replaced while the tree was read


@dataclass
class AxTree:
    """The unignored accessibility tree of a page."""

    nodes: dict[str, AxNode] = field(default_factory=dict)

    def by_role(self, role: str) -> list[AxNode]:
        """Every node with a role, in document order."""
        return [n for n in self.nodes.values() if n.role == role and not n.ignored]

    def texts(self) -> list[AxNode]:
        """Every piece of text a screen reader reads out."""
        return [n for n in self.by_role("StaticText") if n.name.strip()]

    def descendants(self, node: AxNode) -> list[AxNode]:
        """A node's unignored descendants (looking through ignored ones)."""
        found: list[AxNode] = []
        stack = list(node.children)
        while stack:
            child = self.nodes.get(stack.pop(0))
            if child is None:
                continue
            if not child.ignored:
                found.append(child)
            stack[:0] = child.children
        return found

    def text_of(self, node: AxNode) -> str:
        """All text inside a node, joined."""
        return " ".join(n.name for n in self.descendants(node) if n.role == "StaticText")

    def live_regions(self) -> list[AxNode]:
        """Nodes that announce their changes: their `live` property is polite or assertive."""
        return [
            n for n in self.nodes.values()
            if not n.ignored and n.properties.get("live") in ("polite", "assertive")
        ]


def _value(raw: dict[str, Any] | None) -> Any:
    return (raw or {}).get("value")


def ax_tree(page: Page, attempts: int = 3) -> AxTree:
    """The tree, read again if a text (e.g. the ticking clock) was replaced while it was read."""
    for _ in range(attempts):
        tree = _read_tree(page)
        if all(n.lang is not None for n in tree.texts()):
            return tree
    raise AssertionError("the page kept replacing its texts while the accessibility tree was read")


def _read_tree(page: Page) -> AxTree:
    """Read the full tree with Accessibility.getFullAXTree and resolve each text's `lang`."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("Accessibility.enable")
    raw = cdp.send("Accessibility.getFullAXTree")["nodes"]
    tree = AxTree()
    for node in raw:
        ignored = bool(node.get("ignored"))
        role = str(_value(node.get("role")) or "")
        backend = node.get("backendDOMNodeId")
        lang: str | None = ""
        if role == "StaticText" and backend is not None and not ignored:
            remote = cdp.send("DOM.resolveNode", {"backendNodeId": backend})["object"]
            lang = cdp.send(
                "Runtime.callFunctionOn",
                {"objectId": remote["objectId"], "functionDeclaration": _LANG_OF, "returnByValue": True},
            )["result"].get("value")
        tree.nodes[node["nodeId"]] = AxNode(
            node_id=node["nodeId"],
            role=role,
            name=str(_value(node.get("name")) or ""),
            properties={p["name"]: _value(p.get("value")) for p in node.get("properties", [])},
            children=tuple(node.get("childIds", [])),
            backend_id=backend,
            ignored=ignored,
            lang=lang,
        )
    cdp.detach()
    return tree
