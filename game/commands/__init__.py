"""One module per CLI command. Each exposes ``register(subparsers)``.

Command modules stay light at import time (argparse only); heavy imports happen inside
the function that runs the command, so ``physioquest --help`` is instant.
"""
