"""Let hypothesis-jsonschema 0.23 run on current Hypothesis.

hypothesis-jsonschema's object strategy drives ``hypothesis.internal.conjecture.utils.many`` through
its old ``while elements.more(): ...`` interface; Hypothesis 6.16x replaced it with
``with many(...) as elements: for _ in elements: ...``. This shim gives the new class the old method
(same choices, same spans), and is installed only when the installed Hypothesis lacks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis.internal.conjecture import utils as cu


def install() -> None:
    if hasattr(cu.many, "more"):
        return
    import hypothesis_jsonschema._from_schema as fs

    base = cu.many

    class _many(base):  # type: ignore[misc, valid-type]
        _old_iter: Iterator[None] | None = None

        def more(self) -> bool:
            if self._old_iter is None:
                self.__enter__()
                self._old_iter = iter(self)
            try:
                next(self._old_iter)
            except StopIteration:
                self.__exit__(None, None, None)
                return False
            return True

    class _cu_proxy:
        def __getattr__(self, name: str) -> Any:
            return _many if name == "many" else getattr(cu, name)

    fs.cu = _cu_proxy()  # type: ignore[assignment]


def install_memo() -> None:
    """Memoise hypothesis-jsonschema's schema → strategy step.

    Its object strategy rebuilds (canonicalises, resolves, validates) the sub-strategy of every
    property on every draw: about 2 s per valuation case. Schemas are plain JSON, so the strategy of
    an equal schema is reused; the drawn values are the same, ~50x faster.
    """
    import json

    import hypothesis_jsonschema._from_schema as fs

    if getattr(fs, "_dataval_memo", False):
        return
    cache: dict[tuple[str, int, int], Any] = {}

    def memo(fn: Any, key_of: Any) -> Any:
        def wrapper(schema: Any, *args: Any, alphabet: Any, custom_formats: Any) -> Any:
            try:
                key = (fn.__name__, key_of(schema), id(alphabet), id(custom_formats))
            except (TypeError, ValueError):
                return fn(schema, *args, alphabet=alphabet, custom_formats=custom_formats)
            if key not in cache:
                cache[key] = fn(schema, *args, alphabet=alphabet, custom_formats=custom_formats)
            return cache[key]

        return wrapper

    def one(schema: Any) -> str:
        return json.dumps(schema, sort_keys=True)

    fs.__dict__["__from_schema"] = memo(fs.__dict__["__from_schema"], one)
    fs.merged_as_strategies = memo(fs.merged_as_strategies, one)
    fs._dataval_memo = True
