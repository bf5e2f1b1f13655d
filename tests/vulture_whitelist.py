"""Names vulture calls unused although something it cannot see uses them: read by vulture (pyproject.toml's
[tool.vulture]), never imported or run. `_.name` marks an attribute of that name used anywhere."""

# ruff: noqa: B018, F821

# click calls these on a ClickException it catches: the exit status and how the error is printed (errors.py).
_.exit_code
_.format_message
_.show

# http.server calls the request handler's methods and reads the server's class attribute (commands/serve.py).
_.log_message
_.do_HEAD
_.daemon_threads
_.close_connection

# Settings that libraries read from objects the code hands them: HarfBuzz's subset flags and the CFF table's
# PostScript names (fonts.py), pickle's memo switch (commands/build.py), Python-Markdown's block test
# (inputs/content.py).
_.flags
_.fontNames
_.fast
_.is_block_level

# Read by the theme's Jinja templates: quality.html (a dataset's Source), battle.html (a BattleReport).
_.ignored
_.rows_kept
_.generated

# BuildResult's id of the build: what run_build's callers compare (the same inputs give the same id).
_.build_id

# Why the next scheduled change happens, part of next_change's result (metrics/freshness.py Change).
_.what

# Entry points the tests drive directly: one Markdown document through the same defusing and sanitising as a
# collection (inputs/content.py), and a unit's month day by day, the reference the unit pages' one-pass
# trend_and_month is compared with (metrics/kpis.py).
render_markdown
month_to_date

# A click subcommand, called by click for `trackboard theme list` (cli.py).
theme_list

# Register page builders, named by string in metrics/registers.py REGISTERS (metrics cannot import pages/);
# pages/registers.py builders() looks each up and fails when one is missing.
build_receivables
build_aftersales
build_leads
build_projects
build_followups

# Apprise's HTTP plugins read these from the plugin object (notify/delivery.py sets them per target).
_.socket_connect_timeout
_.socket_read_timeout

# WeasyPrint calls a URL fetcher's fetch() and reads a document's metadata when it writes the PDF (pdfs.py).
_.fetch
_.modified
# A meeting's preparation, shown by the meeting page's template (_meeting_review.html).
_.agenda
_.material
# psycopg reads it: the connection's transactions are read-only (inputs/database.py: a dataset's query reads).
_.read_only
# PyMySQL reads them before each socket read and write (inputs/database.py: no timeout once connected).
_._read_timeout
_._write_timeout
