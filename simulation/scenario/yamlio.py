"""Read one YAML scenario file into plain data plus the line of every key.

Users must be told *where* a bad value is, so next to the data we keep a map
from key path to line number. Every failure (missing file, bad YAML, duplicate
key, wrong top-level shape) becomes a :class:`ScenarioError`, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from simulation.errors import ScenarioError

KeyPath = tuple[Any, ...]
"""A path into the data: mapping keys as they are (str, or int for ``1:``), list indices as int."""

_MERGE_TAG = "tag:yaml.org,2002:merge"


def display_path(path: str | os.PathLike[str]) -> str:
    """The file name as we show it to users: as given, lexically normalised (no ``a/../``)."""
    return os.path.normpath(os.fspath(path))


def key_str(path: KeyPath) -> str:
    """Render a key path for messages, e.g. ``policy.phase_to_group.1`` (ints as digits)."""
    return ".".join(str(part) for part in path)


class LineLoader(yaml.SafeLoader):
    """A SafeLoader that records the line of every key and rejects duplicate keys.

    PyYAML builds nested mappings lazily (a dict is created empty and filled
    later), so the key path of a mapping is unknown inside ``construct_mapping``.
    We therefore index the composed node tree once, top-down with the path in
    hand, and only then construct the Python objects from the same nodes.
    """

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.lines: dict[KeyPath, int] = {}

    def load_with_lines(self) -> Any:
        """Compose, index and construct the single document of the stream."""
        node = self.get_single_node()
        if node is None:
            return None
        self._index(node, (), set())
        return self.construct_document(node)

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

    def _index_mapping(self, node: MappingNode, path: KeyPath, ancestors: set[int]) -> None:
        """Keys written in this mapping win; keys pulled in by ``<<:`` only fill gaps."""
        seen: dict[Any, int] = {}
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append(value_node)
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: construct_mapping reports it properly
                continue
            if first is not None:
                raise ScenarioError(
                    f"duplicate key '{key}' (first at line {first})",
                    file=self.file,
                    key=key_str(path + (key,)),
                    line=line,
                )
            seen[key] = line
            self.lines[path + (key,)] = line
            self._index(value_node, path + (key,), ancestors)
        for value_node in merged:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if isinstance(source, MappingNode):
                    self._index_merged(source, path, seen, ancestors)

    def _index_merged(
        self, node: MappingNode, path: KeyPath, seen: dict[Any, int], ancestors: set[int]
    ) -> None:
        """Lines for keys that arrive through a YAML merge key (``<<: *anchor``)."""
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                continue
            seen[key] = key_node.start_mark.line + 1
            self.lines[path + (key,)] = seen[key]
            self._index(value_node, path + (key,), ancestors)


def _unshare(value: Any, file: str, ancestors: frozenset[int] = frozenset()) -> Any:
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


def _read_text(path: Path, file: str) -> str:
    """File contents as text, or a ScenarioError saying why not."""
    if not path.exists():
        raise ScenarioError("file not found", file=file)
    if path.is_dir():
        raise ScenarioError("is a directory, expected a YAML file", file=file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read file: {exc.strerror or exc}", file=file) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError("file is not valid UTF-8 text", file=file, line=line) from None


def _yaml_error(exc: yaml.YAMLError, file: str, text: str) -> ScenarioError:
    """Turn PyYAML's error into one line that names the line of the problem."""
    if isinstance(exc, ReaderError):  # e.g. a control character
        line = text[: exc.position].count("\n") + 1
        return ScenarioError(f"invalid YAML: {exc.reason} ({exc.character:#06x})", file=file, line=line)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = f"invalid YAML: {exc.problem or exc.context or 'syntax error'}"
        if exc.context and exc.problem:
            message += f" ({exc.context}"
            if exc.context_mark is not None:
                message += f" started at line {exc.context_mark.line + 1}"
            message += ")"
        return ScenarioError(message, file=file, line=mark.line + 1 if mark else None)
    return ScenarioError(f"invalid YAML: {exc}", file=file)


def load_yaml(path: str | os.PathLike[str]) -> tuple[dict[Any, Any], dict[KeyPath, int]]:
    """Safe-load one YAML mapping; return ``(data, lines)``.

    ``lines[path]`` is the 1-based line of each mapping key (and list item) at
    every depth. Keys keep their YAML type (``1:`` stays int). The data is a
    plain tree: no two places share one dict or list.
    """
    file = display_path(path)
    text = _read_text(Path(path), file)
    try:
        loader = LineLoader(text, file)
        try:
            data = loader.load_with_lines()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, file, text) from None
    if data is None:
        raise ScenarioError("file is empty; expected a mapping of keys", file=file)
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else type(data).__name__
        raise ScenarioError(f"top level must be a mapping of keys, got a {kind}", file=file)
    return _unshare(data, file), loader.lines
