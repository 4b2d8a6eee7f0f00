"""The demo pool behind ``manage.py seed_demo``: fixed data (``data``) and its builder."""
