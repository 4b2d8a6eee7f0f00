"""The parse-ahead child process (see parse_ahead.py):

    python -m influencers.importers.parse_child FD JOB_ID  < pickled spec

Django is set up before anything of the app is imported; the parsed batches go to the pipe FD.
"""

import pickle
import sys
from multiprocessing.connection import Connection

import django


def main() -> None:
    django.setup()
    from influencers.importers.parse_ahead import produce

    spec = pickle.load(sys.stdin.buffer)
    produce(Connection(int(sys.argv[1]), readable=False), spec)


if __name__ == "__main__":
    main()
