"""`python -m generator` runs the trackboard command."""

from .cli import main

main(prog_name="trackboard")
