"""Strict, safe YAML reading with a line number for every value.

The knowledge base needs plain data only, so this reader builds Python objects from the parser's
events itself instead of using a constructor: no tag is ever resolved to code, anchors and aliases are
refused (no "billion laughs"), duplicate keys are errors (PyYAML silently keeps the last one), nesting
depth and file size are bounded, and every value's line is recorded so that a later schema error can
name it. The C parser is used when PyYAML was built with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .files import MAX_FILE_BYTES, FileProblem, read_bytes

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "Document", "YamlProblem", "read_yaml"]

MAX_DEPTH = 32
"""Deepest nesting of mappings and sequences accepted (the schema needs 5)."""

Path_ = tuple[str | int, ...]

try:  # the C parser is ~8x faster; fall back to the pure-Python one when PyYAML lacks it
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STANDARD}{name}" for name in ("str", "int", "float", "bool", "null")}
_TEXT_TAGS = {f"{_STANDARD}{name}" for name in ("timestamp", "str")}
_CONSTRUCTOR = yaml.SafeLoader("")  # used only to convert plain int/float/bool/null scalars


class YamlProblem(FileProblem):
    """The file is not acceptable YAML for the knowledge base (``line`` 0 means the whole file)."""


@dataclass
class Document:
    """The data of one YAML file and the line of every value, keyed by its path in the data."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """Line of the value at ``path``, or of its nearest enclosing value that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


def read_yaml(path: Path, raw: bytes | None = None) -> Document:
    """Read one knowledge-base YAML file strictly (``raw``: its bytes, when already read).

    Raises:
        YamlProblem: not a regular file, too large, not UTF-8, BOM, NUL or control character, YAML
            syntax error, tag, anchor/alias, duplicate key, unreadable number, non-string key,
            excessive nesting, or more than one document.
        OSError: the file cannot be opened (the caller reports it).
    """
    if raw is None:
        raw = read_bytes(path)
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(0, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise YamlProblem(1, "file is UTF-32 (UTF-32 byte-order mark); save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(1, "file is UTF-16 (UTF-16 byte-order mark); save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlProblem(1, "file starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem(line, f"invalid UTF-8 at byte {exc.start}") from None
    if "\x00" in text:
        raise YamlProblem(text[: text.index("\x00")].count("\n") + 1, "file contains a NUL character")
    try:
        return _Builder(_events(text)).build()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlProblem(line, f"YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:  # e.g. a control character: name the line it is on
        line = text[: exc.position].count("\n") + 1 if 0 <= exc.position <= len(text) else 0
        message = f"YAML error: character #x{exc.character:04x}: {exc.reason}"
        raise YamlProblem(line, message) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(0, f"YAML error: {exc}") from None
    except RecursionError:  # pragma: no cover - the depth limit fires first
        raise YamlProblem(0, "nesting is too deep") from None


def _events(text: str) -> Iterator[yaml.Event]:
    loader = _Loader(text)
    try:
        while loader.check_event():
            yield loader.get_event()  # type: ignore[no-untyped-call]
    finally:
        loader.dispose()


class _Builder:
    """Builds plain data from parser events, iteratively (no recursion, bounded depth)."""

    def __init__(self, events: Iterator[yaml.Event]) -> None:
        self.events = events
        self.lines: dict[Path_, int] = {}

    def build(self) -> Document:
        documents = 0
        root: Any = None
        # stack entries: [container, path, pending_key, key_line]
        stack: list[list[Any]] = []
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem(_line(event), "more than one YAML document in the file")
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.AliasEvent):
                raise YamlProblem(_line(event), "aliases (*name) are not allowed")
            if isinstance(event, yaml.CollectionEndEvent):
                finished = stack.pop()
                if not stack:
                    root = finished[0]
                continue
            node_event: Any = event
            if node_event.anchor is not None:
                raise YamlProblem(_line(event), "anchors (&name) are not allowed")
            value: Any
            if isinstance(event, yaml.ScalarEvent):
                value = _scalar(event)
            elif isinstance(event, yaml.SequenceStartEvent):
                _check_collection_tag(event, "seq")
                value = []
            elif isinstance(event, yaml.MappingStartEvent):
                _check_collection_tag(event, "map")
                value = {}
            else:  # pragma: no cover - PyYAML has no other event kinds
                raise YamlProblem(_line(event), f"unexpected YAML event {type(event).__name__}")

            line = _line(event)
            if not stack:
                path: Path_ = ()
                if not isinstance(value, list | dict):
                    root = value
            else:
                parent = stack[-1]
                container = parent[0]
                if isinstance(container, list):
                    path = (*parent[1], len(container))
                    container.append(value)
                elif parent[2] is None:  # this node is a mapping key
                    if not isinstance(value, str):
                        raise YamlProblem(_line(event), "mapping keys must be plain strings")
                    if value in container:
                        first = self.lines.get((*parent[1], value), 0)
                        raise YamlProblem(_line(event), f"duplicate key {value!r} (first given on line {first})")
                    parent[2] = value
                    parent[3] = _line(event)
                    continue
                else:
                    key = parent[2]
                    path = (*parent[1], key)
                    container[key] = value
                    parent[2] = None
                    line = parent[3]  # a value's line is its key's line
            self.lines[path] = line
            if isinstance(value, list | dict):
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(_line(event), f"nesting deeper than {MAX_DEPTH} levels")
                stack.append([value, path, None, 0])
        return Document(root, self.lines)


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _check_collection_tag(event: Any, kind: str) -> None:
    if event.tag is not None and event.tag not in (f"{_STANDARD}{kind}", "!"):
        raise YamlProblem(_line(event), f"tag {event.tag!r} is not allowed")


def _scalar(event: yaml.ScalarEvent) -> Any:
    if event.tag == "!":
        return event.value
    if event.tag is not None:
        if event.tag not in _SCALAR_TAGS:
            raise YamlProblem(_line(event), f"tag {event.tag!r} is not allowed")
        tag = event.tag
    else:
        tag = _CONSTRUCTOR.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    if tag in _TEXT_TAGS:
        return event.value
    if tag not in _SCALAR_TAGS:
        raise YamlProblem(_line(event), f"value of type {tag.removeprefix(_STANDARD)!r} is not allowed")
    try:
        return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, event.value))
    except ValueError as exc:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        reason = str(exc).split(":")[0]
        message = f"value {_short(event.value)!r} cannot be read: {reason}"
        raise YamlProblem(_line(event), message) from None


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."
