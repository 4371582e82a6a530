"""The `regelruimte` command line (`main.py`: the parser and the subcommand registry; one module per
subcommand). `python -m service.cli` runs it; the console script is `service.cli.main:main`."""
