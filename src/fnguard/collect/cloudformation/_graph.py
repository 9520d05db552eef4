"""Dependencies between resources, for finding the cycles CloudFormation refuses to deploy."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fnguard.collect.cloudformation._nodes import is_mapping

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["cycles", "may_cycle", "raw_refs"]

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}")


def raw_refs(node: Any) -> Iterator[str]:
    """Logical IDs an unresolved value mentions through Ref, GetAtt or Sub."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, str):  # most values: skips the abstract-class check below
            continue
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not is_mapping(value):
            continue
        # a mapping: an intrinsic function, or a map to look into
        if len(value) == 1:
            key, arg = next(iter(value.items()))
            if key == "Ref" and isinstance(arg, str):
                yield arg
                continue
            if key == "Fn::GetAtt":
                if isinstance(arg, list) and arg and isinstance(arg[0], str):
                    yield arg[0]
                elif isinstance(arg, str):
                    yield arg.split(".", 1)[0]
                continue
            if key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(text, str):
                    yield from _SUB_NAME.findall(text)
                if isinstance(arg, list) and len(arg) > 1:
                    stack.append(arg[1])
                continue
        stack.extend(value.values())


def cycles(graph: Mapping[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with a cycle (Tarjan, iterative: no recursion limit)."""
    return _components(graph) if may_cycle(graph) else []


# Rounds of ``may_cycle``'s set-wise pruning before it counts down node by node instead.
_ROUNDS = 8


def may_cycle(graph: Mapping[str, set[str]]) -> bool:
    """Whether the graph may hold a cycle: a template without cycles (nearly all) is told so
    without the search's costlier walk. A name that is not a node depends on nothing.

    Only a node that depends on another node and that another depends on can be on a cycle:
    the others are taken away, round after round, a whole set at a time (few rounds: chains
    of dependencies are short). When a round takes nothing, every node left depends on one
    left, so following them must come back: a cycle. Past the rounds, ``_count_down``."""
    live: Mapping[str, set[str]] = graph
    for _ in range(_ROUNDS):
        nodes = set(live)
        targeted: set[str] = set().union(*live.values())
        kept = {
            node: targets & nodes
            for node, targets in live.items()
            if node in targeted and not targets.isdisjoint(nodes)
        }
        if not kept:
            return False
        if len(kept) == len(live):
            return True
        live = kept
    return _count_down(live)


def _count_down(graph: Mapping[str, set[str]]) -> bool:
    """Whether taking away, again and again, the nodes that depend on nothing left leaves
    any (Kahn's count of each node's dependencies left)."""
    waiting: dict[str, int] = {}  # node -> how many of its dependencies are still there
    dependents: dict[str, list[str]] = {}
    free: list[str] = []
    for node, targets in graph.items():
        if targets:
            waiting[node] = len(targets)
            for target in targets:
                dependents.setdefault(target, []).append(node)
        else:
            free.append(node)
    # a target that is not a node of the graph depends on nothing
    free.extend(t for t in dependents if t not in graph)
    while free:
        for node in dependents.get(free.pop(), ()):
            left = waiting[node] - 1
            if left:
                waiting[node] = left
            else:
                del waiting[node]
                free.append(node)
    return bool(waiting)


def _components(graph: Mapping[str, set[str]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, set()):
                    found.append(component)
    return found
