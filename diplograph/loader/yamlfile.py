"""YAML parsing that remembers the line of every value, so that errors can name it.

Dates stay strings here: the checks parse them, so that a malformed date is
reported like any other error instead of surfacing as a YAML type.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple  # a path into the document: ("acts", 3, "actor")


# libyaml's parser (the C one, when PyYAML was built with it) is several times faster
# than the pure-Python one and gives the same nodes and marks; the resolvers below are
# Python either way.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


# Timestamps stay text; the checks parse and report them. YAML 1.1 booleans
# (yes/no/on/off) go too: Norway's code NO must not turn into False.
_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class YamlDocument:
    """A parsed record file: its data and the line of every path in it."""

    path: Path
    display: str
    data: Any
    lines: dict[tuple, int]
    text: str

    @cached_property
    def sha256(self) -> str:
        """The digest by which an unchanged file is recognised."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def line(self, path: tuple) -> int:
        """The line of ``path``, or of its nearest enclosing value."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _construct(node: yaml.Node, path: tuple, lines: dict[tuple, int], loader: _Loader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise YamlSyntaxError(key_node.start_mark.line + 1, f"duplicate key '{key}'")
            result[key] = _construct(value_node, path + (key,), lines, loader)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (i,), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse(path: Path, display: str) -> YamlDocument:
    """Parse ``path``; raise :class:`YamlSyntaxError` with a line on malformed YAML."""
    text = path.read_text(encoding="utf-8")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        data = _construct(node, (), lines, loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(mark.line + 1 if mark else 1, f"malformed YAML: {exc.problem or exc}") from exc
    finally:
        loader.dispose()
    return YamlDocument(path=path, display=display, data=data, lines=lines, text=text)
