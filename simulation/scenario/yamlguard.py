"""Limits on a composed YAML document, so a hostile file is refused quickly and in little memory.

A few hundred bytes of YAML aliases (``&a [1, 1]``, ``&b [*a, *a]``, ...: "billion laughs") expand
to billions of values; nesting a few thousand levels deep exhausts Python's stack; explicit tags
(``!!int twelve``, ``!!timestamp 2016-02-30``, ``!!python/...``) reach constructors that fail with
an exception, or make objects no scenario holds. PyYAML composes aliases as shared nodes, so the
whole expansion can be measured on the node graph, once per node, before anything walks the
expanded tree. Every refusal is a ScenarioError naming the file and line.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from simulation.errors import ScenarioError

MAX_DEPTH = 32
"""Nesting levels allowed (shipped scenarios use at most 8); deeper is refused before Python's
recursion limit is near."""
MAX_NODES = 50_000
"""Values, keys and list items a file may write (base.yaml writes about 1,700): bounds the time
and memory of parsing, which PyYAML does in Python (50,000 values took ~3 s and ~100 MB here)."""
ALIAS_BUDGET = 10_000
"""Values that aliases may add by repeating what an anchor holds (the ``*name`` uses)."""
MAX_INT_DIGITS = 4_300
"""Python's limit for turning an integer into text (``sys.get_int_max_str_digits``)."""

_YAML = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(_YAML + name for name in ("null", "bool", "int", "float", "str", "timestamp",
                                                   "seq", "map", "merge"))
"""Plain values, lists and mappings (and ``<<:`` merges); no ``!!binary``, ``!!set``, ``!!python/...``."""
_SCALAR_KINDS = {_YAML + "int": "a whole number", _YAML + "float": "a number", _YAML + "bool": "true or false",
                 _YAML + "timestamp": "a valid date", _YAML + "null": "null"}
_INT_LIMIT = 10**MAX_INT_DIGITS


def tag_name(tag: str) -> str:
    """``tag:yaml.org,2002:binary`` as users write it: ``!!binary``."""
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


def shown(text: str, limit: int = 60) -> str:
    """A user's text quoted (escaped like Python's repr) and cut to ``limit`` characters."""
    quoted = repr(text)
    return quoted if len(quoted) <= limit else quoted[: limit - 3] + "..."


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def depth_error(file: str | None, line: int | None) -> ScenarioError:
    return ScenarioError(f"nested deeper than {MAX_DEPTH} levels; a scenario needs fewer than 10", file=file,
                         line=line)


def size_error(file: str | None, line: int | None) -> ScenarioError:
    return ScenarioError(f"more than {MAX_NODES:,} values, keys and list items; a scenario has a few thousand",
                         file=file, line=line)


def check_scalar_text(node: ScalarNode, file: str | None) -> None:
    """Refuse an integer too long to print before PyYAML computes it (base 60 costs quadratic time)."""
    if node.tag == _YAML + "int" and len(node.value) > MAX_INT_DIGITS:
        raise ScenarioError(f"a whole number with more than {MAX_INT_DIGITS:,} digits", file=file,
                            line=line_of(node))


def check_scalar_value(node: ScalarNode, value: object, file: str | None) -> None:
    """A hexadecimal integer may still be too long to print in decimal."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _INT_LIMIT:
        raise ScenarioError(f"a whole number with more than {MAX_INT_DIGITS:,} digits", file=file,
                            line=line_of(node))


def bad_scalar(node: ScalarNode, exc: Exception, file: str | None) -> ScenarioError:
    """A scalar its tag's constructor cannot read: ``!!int twelve``, ``2016-02-30``, ``!!bool maybe``."""
    kind = _SCALAR_KINDS.get(node.tag, f"a {tag_name(node.tag)} value")
    reason = f" ({exc})" if isinstance(exc, ValueError) and node.tag == _YAML + "timestamp" else ""
    if isinstance(exc, AttributeError) and node.tag == _YAML + "timestamp":
        reason = " (expected YYYY-MM-DD)"
    return ScenarioError(f"{shown(node.value)} is not {kind}{reason}", file=file, line=line_of(node))


def _children(node: Node) -> list[tuple[Node, int]]:
    """The nodes directly inside ``node``, each with the line to blame when it is an alias."""
    if isinstance(node, SequenceNode):
        return [(item, line_of(node)) for item in node.value]
    if isinstance(node, MappingNode):
        return [(n, line_of(key)) for key, value in node.value for n in (key, value)]
    return []


class _Walk:
    """One visit per node: its expanded size and height are remembered, so an alias costs a lookup."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values it expands to, levels below it)
        self.open: set[int] = set()  # the nodes being visited: met again means a value contains itself
        self.copies = 0  # values added by aliases so far

    def visit(self, node: Node, level: int, line: int) -> tuple[int, int]:
        key = id(node)
        if key in self.measured:  # a second use of one node: an alias
            size, height = self.measured[key]
            self.copies += size
            if self.copies > ALIAS_BUDGET:
                raise ScenarioError(f"YAML aliases repeat more than {ALIAS_BUDGET:,} values; write them out or use "
                                    "fewer aliases", file=self.file, line=line)
            if level + height > MAX_DEPTH:
                raise depth_error(self.file, line)
            return size, height
        if key in self.open:
            raise ScenarioError("recursive YAML alias (a value contains itself)", file=self.file, line=line)
        if level > MAX_DEPTH:
            raise depth_error(self.file, line_of(node))
        if node.tag not in ALLOWED_TAGS:
            message = f"the YAML tag {shown(tag_name(node.tag))} is not allowed in a scenario (plain values only)"
            raise ScenarioError(message, file=self.file, line=line_of(node))
        self.open.add(key)
        size, height = 1, 0
        for child, child_line in _children(node):
            child_size, child_height = self.visit(child, level + 1, child_line)
            size, height = size + child_size, max(height, child_height + 1)
        self.open.discard(key)
        self.measured[key] = size, height
        return size, height


def check_graph(root: Node, file: str | None) -> None:
    """Refuse tags outside ALLOWED_TAGS, recursive aliases, more than ALIAS_BUDGET values added
    by aliases, and nesting deeper than MAX_DEPTH once aliases are expanded."""
    _Walk(file).visit(root, 1, line_of(root))
