"""`python -m interactiveai` runs the command line."""

from interactiveai.cli.main import main

main()
