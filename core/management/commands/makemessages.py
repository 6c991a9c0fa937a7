"""``makemessages`` that also collects ``N_("…")`` (``gettext_noop``): finding templates are
marked that way, translated when shown and stored in Chinese."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
