"""How long the names people type may be, wherever they type them: the console's set-up form,
``drillsim run --person/--team/--site``, and the room's join and set-up forms. History keeps them
in columns of 200 characters, so every limit here fits every database."""

NAME = 40
"""Most characters in a person's name (a participant, an evaluator, a trainee, a coach)."""

TEAM = 100
"""Most characters in a team's or a site's name."""
