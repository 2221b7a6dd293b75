"""Read one YAML scenario file into plain data plus the line of every key.

Users must be told *where* a bad value is, so next to the data we keep a map
from key path to line number. Every failure (missing file, bad YAML, duplicate
key, wrong top-level shape) becomes a :class:`ScenarioError`, never a traceback.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from simulation.errors import ScenarioError
from simulation.scenario.yamlfile import FileProblem, read_text
from simulation.scenario.yamlguard import (
    MAX_DEPTH,
    MAX_NODES,
    bad_scalar,
    check_graph,
    check_scalar_text,
    check_scalar_value,
    depth_error,
    shown,
    size_error,
)

KeyPath = tuple[Any, ...]
"""A path into the data: mapping keys as they are (str, or int for ``1:``), list indices as int."""

_MERGE_TAG = "tag:yaml.org,2002:merge"
_INT_TEXT = re.compile(r"([-+]?\d+)(?:\.0*)?")
"""Text that pydantic reads as an integer key (``" 1"``, ``"01"``, ``"1.0"``)."""


def display_path(path: str | os.PathLike[str]) -> str:
    """The file name as we show it to users: as given, lexically normalised (no ``a/../``)."""
    return os.path.normpath(os.fspath(path))


def key_str(path: KeyPath) -> str:
    """Render a key path for messages, e.g. ``policy.phase_to_group.1`` (ints as digits)."""
    return ".".join(str(part) for part in path)


def same_key(key: Any) -> Any:
    """What validation may read ``key`` as: ``1``, ``1.0`` and ``"1"`` are one key of a
    ``dict[int, ...]``, so a mapping must not hold two of them (the last would win silently)."""
    if isinstance(key, float) and key.is_integer():
        return int(key)
    match = _INT_TEXT.fullmatch(key.strip().replace("_", "")) if isinstance(key, str) and len(key) <= 40 else None
    return int(match[1]) if match else key


class LineLoader(yaml.SafeLoader):
    """A SafeLoader that records the line of every key and rejects duplicate keys.

    PyYAML builds nested mappings lazily (a dict is created empty and filled
    later), so the key path of a mapping is unknown inside ``construct_mapping``.
    We therefore index the composed node tree once, top-down with the path in
    hand, and only then construct the Python objects from the same nodes. Before
    that, ``yamlguard`` bounds nesting, alias expansion and tags, and scalars its
    constructors cannot read become ScenarioErrors with their line.
    """

    def __init__(self, stream: str, file: str | None) -> None:
        super().__init__(stream)
        self.file = file
        self.lines: dict[KeyPath, int] = {}
        self._depth = 0  # the nesting being composed
        self._nodes = 0  # the nodes composed so far

    def load_with_lines(self) -> Any:
        """Compose, check, index and construct the single document of the stream."""
        node = self.get_single_node()
        if node is None:
            return None
        check_graph(node, self.file)
        self._index(node, (), set())
        return self.construct_document(node)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """PyYAML composes recursively: refuse deep nesting before the stack runs out, and a huge
        document before it takes minutes and gigabytes."""
        if self._depth >= MAX_DEPTH:
            raise depth_error(self.file, self.peek_event().start_mark.line + 1)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise size_error(self.file, self.peek_event().start_mark.line + 1)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """A scalar its constructor cannot read (``!!int twelve``, ``2016-02-30``) is a ScenarioError."""
        if not isinstance(node, ScalarNode) or node in self.constructed_objects:
            return super().construct_object(node, deep)
        check_scalar_text(node, self.file)
        try:
            value = super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            raise bad_scalar(node, exc, self.file) from None
        check_scalar_value(node, value, self.file)
        return value

    def _index(self, node: Node, path: KeyPath, ancestors: set[int]) -> None:
        """Record lines below ``node`` and reject duplicate keys, knowing the path."""
        if id(node) in ancestors:  # recursive alias; construction handles (or rejects) it
            return
        ancestors = ancestors | {id(node)}
        if isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = item.start_mark.line + 1
                self._index(item, path + (index,), ancestors)
        elif isinstance(node, MappingNode):
            self._index_mapping(node, path, ancestors)
        else:
            self._construct_at(node, path)

    def _construct_at(self, node: Node, path: KeyPath) -> None:
        """Construct a scalar while its key path is known, so that an error about it names the key."""
        try:
            self.construct_object(node)
        except ScenarioError as error:
            error.key = error.key or key_str(path) or None
            raise

    def _index_mapping(self, node: MappingNode, path: KeyPath, ancestors: set[int]) -> None:
        """Keys written in this mapping win; keys pulled in by ``<<:`` only fill gaps."""
        seen: dict[Any, tuple[Any, int]] = {}  # same_key(key) -> (key as written, line)
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append(value_node)
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(same_key(key))
            except TypeError:  # unhashable key: construct_mapping reports it properly
                continue
            if first is not None:
                self._duplicate(key, first, path, line)
            seen[same_key(key)] = (key, line)
            self.lines[path + (key,)] = line
            self._index(value_node, path + (key,), ancestors)
        for value_node in merged:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if isinstance(source, MappingNode):
                    self._index_merged(source, path, seen, ancestors)

    def _duplicate(self, key: Any, first: tuple[Any, int], path: KeyPath, line: int) -> None:
        """Refuse a key met before in the same mapping, or one that validation reads as the same key."""
        written, first_line = first
        message = f"duplicate key {shown(str(key))} (first at line {first_line}"
        if not (type(written) is type(key) and written == key):
            message += f" as {shown(written) if isinstance(written, str) else written}; both name one key"
        raise ScenarioError(message + ")", file=self.file, key=key_str(path + (key,)), line=line)

    def _index_merged(
        self, node: MappingNode, path: KeyPath, seen: dict[Any, tuple[Any, int]], ancestors: set[int]
    ) -> None:
        """Lines for keys that arrive through a YAML merge key (``<<: *anchor``)."""
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            first = seen.get(same_key(key))
            if first is not None and type(first[0]) is type(key) and first[0] == key:
                continue  # a key written here wins over the merged one
            if first is not None:
                self._duplicate(key, first, path, line)
            seen[same_key(key)] = (key, line)
            self.lines[path + (key,)] = line
            self._index(value_node, path + (key,), ancestors)


def _unshare(value: Any, file: str | None, ancestors: frozenset[int] = frozenset()) -> Any:
    """Copy dicts/lists so YAML aliases (``*x``) never share objects.

    The deep merge mutates mappings in place; a shared alias would leak a
    child's override into an unrelated key.
    """
    if isinstance(value, (dict, list)):
        if id(value) in ancestors:
            raise ScenarioError("recursive YAML alias (a value contains itself)", file=file)
        inner = ancestors | {id(value)}
        if isinstance(value, dict):
            return {k: _unshare(v, file, inner) for k, v in value.items()}
        return [_unshare(v, file, inner) for v in value]
    return value


def _yaml_error(exc: yaml.YAMLError, file: str | None, text: str) -> ScenarioError:
    """Turn PyYAML's error into one line that names the line of the problem.

    A file that is not YAML cannot be a scenario at all: its error is a ``FileProblem``, so that a
    file extending it is named too (where its ``extends`` says so)."""
    error = ScenarioError if file is None else FileProblem
    if isinstance(exc, ReaderError):  # e.g. a control character
        line = text[: exc.position].count("\n") + 1
        return error(f"invalid YAML: {exc.reason} ({exc.character:#06x})", file=file, line=line)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        # a --set value is one line: no "started at line 1" for it
        message = _marked_message(exc, with_context=file is not None)
        return error(message, file=file, line=mark.line + 1 if mark else None)
    return error(f"invalid YAML: {exc}", file=file)


def _marked_message(exc: yaml.MarkedYAMLError, with_context: bool) -> str:
    message = f"invalid YAML: {exc.problem or exc.context or 'syntax error'}"
    if exc.context and exc.problem and with_context:
        started = f" started at line {exc.context_mark.line + 1}" if exc.context_mark is not None else ""
        message += f" ({exc.context}{started})"
    return message


def load_yaml(path: str | os.PathLike[str]) -> tuple[dict[Any, Any], dict[KeyPath, int]]:
    """Safe-load one YAML mapping; return ``(data, lines)``.

    ``lines[path]`` is the 1-based line of each mapping key (and list item) at
    every depth. Keys keep their YAML type (``1:`` stays int). The data is a
    plain tree: no two places share one dict or list.
    """
    file = display_path(path)
    data, lines = _load_text(read_text(path, file), file)
    if data is None:
        raise FileProblem("file is empty; expected a mapping of keys", file=file)
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else type(data).__name__
        raise FileProblem(f"top level must be a mapping of keys, got a {kind}", file=file)
    return _unshare(data, file), lines


def _load_text(text: str, file: str | None) -> tuple[Any, dict[KeyPath, int]]:
    try:
        loader = LineLoader(text, file)
        try:
            return loader.load_with_lines(), loader.lines
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, file, text) from None


def load_value(text: str) -> Any:
    """One YAML value written on the command line (``--set key=value``), with the limits of a file;
    a problem is a ScenarioError without a file (the caller says which argument)."""
    return _unshare(_load_text(text, None)[0], None)
