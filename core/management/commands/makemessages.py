"""``makemessages`` that also collects ``N_("…")`` (``gettext_noop``): finding templates are
marked that way, translated when shown and stored in Chinese; and ``L("…")``
(``gettext_lazy``), the contracts' field labels."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_", "--keyword=L"]
