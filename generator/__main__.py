"""`python -m generator` and the `trackboard` command."""

import sys


def run() -> None:
    """Start the command line; Ctrl+C while it is still starting up ends it quietly, as it does later."""
    try:
        from generator.cli import main
    except KeyboardInterrupt:
        sys.exit(130)
    main(prog_name="trackboard")


if __name__ == "__main__":
    run()
