"""One module per command; the CLI in cli.py only parses options and hands off to these."""
