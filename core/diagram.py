"""An object's lifecycle drawn from its machine (issue 18 pt 11): the states in layers by how
many steps they lie from the first, every transition an arrow, the current state filled and
the path the object took (its ledger events) drawn dark. Drawn on the server as SVG, so it
needs no script or library in the browser, and a screen reader gets the same facts as text."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .machines import Machine

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 150, 40, 26, 46, 16
PER_ROW = 5
LINE_CHARS = 11  # characters of a label per line (two lines at most)


@dataclass(frozen=True)
class Box:
    state: str
    label: str
    x: int
    y: int

    @property
    def centre(self) -> int:
        return self.x + BOX_W // 2


def layers(machine: Machine) -> list[list[str]]:
    """States by their distance (in transitions) from the initial state; states no path
    reaches come last. Within a layer, the order in which the machine declares them."""
    order = list(machine.states.values)
    start = machine.initial or order[0]
    depth = {start: 0}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for t in machine.transitions_from(state):
            if t.target not in depth:
                depth[t.target] = depth[state] + 1
                queue.append(t.target)
    last = max(depth.values()) + 1
    rows: dict[int, list[str]] = {}
    for state in order:
        rows.setdefault(depth.get(state, last), []).append(state)
    result: list[list[str]] = []
    for level in sorted(rows):
        states = rows[level]
        result += [states[i : i + PER_ROW] for i in range(0, len(states), PER_ROW)]
    return result


def place(machine: Machine) -> dict[str, Box]:
    boxes = {}
    for row, states in enumerate(layers(machine)):
        offset = (PER_ROW - len(states)) * (BOX_W + GAP_X) // 2
        for col, state in enumerate(states):
            x = MARGIN + offset + col * (BOX_W + GAP_X)
            y = MARGIN + row * (BOX_H + GAP_Y)
            boxes[state] = Box(state, machine.state_label(state), x, y)
    return boxes


def _label_lines(label: str) -> list[str]:
    if len(label) <= LINE_CHARS:
        return [label]
    head, tail = label[:LINE_CHARS], label[LINE_CHARS:]
    return [head, tail if len(tail) <= LINE_CHARS else tail[: LINE_CHARS - 1] + "…"]


def _node(box: Box, kind: str) -> str:
    lines = _label_lines(box.label)
    mid = box.y + BOX_H // 2
    first = mid - 7 * (len(lines) - 1)
    text = "".join(
        f'<text x="{box.centre}" y="{first + 14 * i + 4}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        f'<g class="govit-state govit-state-{kind}" data-state="{escape(box.state)}">'
        f"<title>{escape(box.label)}</title>"
        f'<rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>{text}</g>'
    )


def _edge(a: Box, b: Box, taken: bool) -> str:
    if b.y > a.y:  # forward: from the bottom of one to the top of the next
        x1, y1, x2, y2 = a.centre, a.y + BOX_H, b.centre, b.y
        bend = (y2 - y1) / 2
        path = f"M{x1},{y1} C{x1},{y1 + bend} {x2},{y2 - bend} {x2},{y2}"
    else:  # back or sideways: out of the side, round, into the side
        x1, y1 = a.x + BOX_W, a.y + BOX_H // 2
        x2, y2 = b.x + BOX_W, b.y + BOX_H // 2
        reach = 40 + abs(y1 - y2) // 6
        path = f"M{x1},{y1} C{x1 + reach},{y1} {x2 + reach},{y2} {x2},{y2}"
    kind = "taken" if taken else "open"
    return (
        f'<path class="govit-edge govit-edge-{kind}" d="{path}" marker-end="url(#arrow-{kind})"/>'
    )


def lifecycle_svg(machine: Machine, current: str, path: Iterable[tuple[str, str]]) -> SafeString:
    """The machine's diagram with ``current`` filled and each (from, to) of ``path`` (the
    object's recorded moves, oldest first) drawn dark."""
    moves = [(a, b) for a, b in path if b]
    visited = {s for move in moves for s in move if s} | {current}
    taken = set(moves)
    boxes = place(machine)
    width = MARGIN * 2 + PER_ROW * BOX_W + (PER_ROW - 1) * GAP_X + 60
    height = max(b.y for b in boxes.values()) + BOX_H + MARGIN
    edges = [
        _edge(boxes[s], boxes[t.target], (s, t.target) in taken)
        for t in machine.transitions
        for s in t.sources
        if s != t.target and s in boxes and t.target in boxes
    ]
    nodes = [
        _node(box, "current" if s == current else "visited" if s in visited else "other")
        for s, box in boxes.items()
    ]
    walked = " → ".join(machine.state_label(s) for s in _walk(moves, current))
    title = _("%(name)s办理流程图") % {"name": machine.label}
    desc = _("当前状态：%(state)s。已经过：%(walked)s。") % {
        "state": machine.state_label(current),
        "walked": walked,
    }
    arrows = "".join(
        f'<marker id="arrow-{k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'class="govit-arrow-{k}"/></marker>'
        for k in ("taken", "open")
    )
    svg = (
        f'<svg class="govit-lifecycle" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="lifecycle-title lifecycle-desc" data-testid="lifecycle-diagram">'
        f'<title id="lifecycle-title">{escape(title)}</title>'
        f'<desc id="lifecycle-desc">{escape(desc)}</desc><defs>{arrows}</defs>'
        f"{''.join(edges)}{''.join(nodes)}</svg>"
    )
    return mark_safe(svg)  # every text above is escaped


def _walk(moves: list[tuple[str, str]], current: str) -> list[str]:
    """The states in the order the object went through them."""
    states = [moves[0][0]] if moves and moves[0][0] else []
    states += [b for _a, b in moves]
    return states or [current]
