"""The facilitator's console: a Textual app that holds the language, the theme and the key map.

Deliberately thin: screens own their behaviour (start, set-up, live drill, debrief, replay, help),
and the flow between them is :class:`tui.router.Router`'s: screens post intents
(:mod:`tui.messages`) and the app hands each one to the router. The app only knows what is shared
by all screens (:class:`tui.screens.base.ConsoleApp`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import events, on
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.reactive import reactive
from textual.screen import Screen

from engine.display import default_lang
from tui import keys
from tui.i18n import tr
from tui.messages import Intent
from tui.router import Router

DARK, LIGHT = "textual-dark", "textual-light"


class DrillsimApp(App[None]):
    """The console. ``folders`` add scenario and plan folders to the built-in library.

    ``room_host`` and ``room_port`` say where a live drill's room listens for phones when opened.
    """

    CSS_PATH = "app.tcss"
    TITLE = "drillsim"
    BINDINGS = keys.bindings("app", "en")
    ENABLE_COMMAND_PALETTE = True

    lang: reactive[str] = reactive("zh")

    def __init__(
        self,
        *,
        folders: Iterable[Path] = (),
        lang: str | None = None,
        open_record: Path | None = None,
        resume: Path | None = None,
        unverified: bool = False,
        room_host: str | None = None,
        room_port: int = 8765,
    ) -> None:
        super().__init__()
        self.folders = list(folders)
        self.set_reactive(DrillsimApp.lang, lang or default_lang())
        self.open_record = open_record
        self.trainee = ""
        """The last name given for a role-play (offered again next time)."""
        self.resume_record = resume
        self.unverified = unverified
        """Replay records that do not verify, under a warning (``--unverified``)."""
        self.room_host = room_host
        """Where the drill room listens (None: this machine's address on its network)."""
        self.room_port = room_port
        """The drill room's first port to try (0: any free one)."""
        self.theme = DARK
        self.router = Router(self)
        """Where every screen's intent goes."""

    def on_mount(self) -> None:
        try:
            self.set_keymap(keys.load_keymap())
        except keys.KeymapError as exc:
            bad = tr("app.keymap.bad", self.lang, path=keys.keymap_path(), why=exc)
            self.notify(bad, severity="warning", markup=False)
        keys.localise(self, self.lang)
        self.title = tr("app.title", self.lang)
        self.router.begin(resume=self.resume_record, open_record=self.open_record)
        self.router.fit(*self.size)

    def on_resize(self, event: events.Resize) -> None:
        """Too small a terminal to drive a drill: the router covers the console with a notice until it grows."""
        self.router.fit(*event.size)

    @on(Intent)
    def route(self, intent: Intent) -> None:
        """A screen asked to go somewhere: the router knows where."""
        self.router.route(intent)

    def watch_lang(self, lang: str) -> None:
        self.title = tr("app.title", lang)
        keys.localise(self, lang)
        for screen in self.screen_stack:
            keys.localise(screen, lang)
            relabel = getattr(screen, "relabel", None)
            if callable(relabel):
                relabel()
        self.refresh_bindings()

    # Actions -----------------------------------------------------------------------------------

    def action_toggle_language(self) -> None:
        """Switch between Chinese and English, everywhere, at once."""
        self.lang = "en" if self.lang == "zh" else "zh"

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT if self.theme == DARK else DARK

    def action_command_palette(self) -> None:
        """Open the command palette, its search prompt in the console's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=tr("app.palette.search", self.lang), id="--command-palette"))

    def action_help(self) -> None:
        """Show every key of this screen and of the app."""
        self.router.help()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists exactly the registry's bindings active on this screen, then the app's."""
        seen: set[str] = set()
        for node in (screen, self):
            for _key, binding_list in node._bindings.key_to_bindings.items():
                for binding in binding_list:
                    if binding.id is None or binding.id in seen or binding.id not in keys.BY_ID:
                        continue
                    seen.add(binding.id)
                    target = node
                    action = binding.action

                    async def run(target: object = target, action: str = action) -> None:
                        await self.run_action(action, target)  # type: ignore[arg-type]

                    yield SystemCommand(keys.describe(binding.id, self.lang), binding.id, run)
