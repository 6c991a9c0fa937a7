"""Pages of the investment chapter (Art. 10, 11, 25-27, 37): the annual plan (``plan``),
budgets, the reconciliation and the Art. 11 path (``money``), and one project's money with its
baseline and changes (``project``). Views load through scoping and show the "您现在可以办理"
card; every change is an action, posted to its page (``core.views.act``) or, for the pages
that draw rows, run by the chapter's page."""
