"""The console's footer: the screen's main keys, and the palette's key only where it fits beside them.

Textual's footer docks the palette's key (Ctrl+P) on the right whatever the width, over the keys
that run under it: at 80 columns the last keys were hidden, and on the role-play screen a wide
Chinese label under it lost half of itself. Each screen's footer keys are chosen to fit 80 columns
(:mod:`tui.keys`); this footer adds the palette's key when there is room left for it, and leaves it
to F1's help (which lists it with every key) when there is not.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from engine.display import cells


def needed(bindings: Iterable[tuple[Binding, str]]) -> int:
    """Cells the footer's keys take: ``(binding, key as shown)`` in the footer's order.

    A key with its label is `` key label `` (Textual's footer pads the key on both sides, the label on
    the right); keys of one group share a label, drawn after them as `` ←→ label ``.
    """
    total = 0
    group: Binding.Group | None = None
    for binding, shown in bindings:
        if binding.group is not None and binding.group == group:
            total += cells(shown)  # another key of the group: beside the first
            continue
        group = binding.group
        if group is not None:
            total += 1 + cells(shown) + 1 + cells(group.description) + 1
        else:
            total += 1 + cells(shown) + 1 + cells(binding.description) + 1
    return total


class ConsoleFooter(Footer):
    """A footer that shows the palette's key only when it fits beside the screen's keys."""

    def _fits(self) -> bool:
        """Whether the palette's key fits after the keys shown, in the width the footer has."""
        active = self.screen.active_bindings
        first: dict[str, Binding] = {}  # the footer shows one key per action: the first bound
        for _, binding, _, _ in active.values():
            if binding.show:
                first.setdefault(binding.action, binding)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is None:
            return False
        keys = [*first.values(), palette[1]]  # the palette's key: its rule takes the place of its left pad
        width = self.size.width or self.app.size.width
        return needed((b, self.app.get_key_display(b)) for b in keys) <= width

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self.set_reactive(Footer.show_command_palette, self._fits())
        yield from super().compose()

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and self._fits() != self.show_command_palette:
            self.call_after_refresh(self.recompose)
