"""Read-only tables for the specs' dict fields (a device's TFLOPS per format, a runtime's η per
category, sources): a spec is a value — shared by the preset cache, hashed into Scenario keys —
so nothing may change one in place. Writing raises TypeError, as ``types.MappingProxyType``
does; unlike a proxy, a :class:`FrozenMap` hashes, so a spec (and a Scenario) can be a key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    __slots__ = ("_data", "_hash")
    _data: MappingProxyType[K, V]
    _hash: int | None

    def __init__(self, data: Mapping[K, V] | Any = ()) -> None:
        object.__setattr__(self, "_data", MappingProxyType(dict(data)))
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def get(self, key: K, default: Any = None) -> Any:  # Mapping.get goes through __getitem__ and a try
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            h = hash(frozenset(self._data.items()))
            object.__setattr__(self, "_hash", h)
        return h

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self._data)!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle build a new one from a dict
        return (type(self), (dict(self._data),))


def frozen(value: Any) -> Any:
    """``value`` with every dict inside it made a FrozenMap and every list a tuple (TOML tables)."""
    if isinstance(value, Mapping):
        return FrozenMap({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    return value


def hash_once(spec: Any) -> int:
    """``__hash__`` for a frozen dataclass spec (``__hash__ = hash_once`` in its body): the hash
    of its fields, computed on the first call and kept in the instance (a spec never changes;
    hashing a model's ~35 fields took 2 µs, and specs key the step-cost caches of every estimate).
    The kept hash never leaves the process (:func:`state_without_hash`: string hashes differ
    between processes)."""
    d = spec.__dict__
    h = d.get("_hash")
    if h is None:
        h = d["_hash"] = hash(tuple([getattr(spec, name) for name in spec.__dataclass_fields__]))
    return h


def state_without_hash(spec: Any) -> dict[str, Any]:
    """``__getstate__`` to go with :func:`hash_once`: pickle and copy leave the kept hash behind."""
    return {k: v for k, v in spec.__dict__.items() if k != "_hash"}
