"""Django backend for the embedded server: the stock PostgreSQL backend, plus "start the
server (and create the database) before the first connection of this process".

Lazily, so commands that never touch the database (compilemessages, check) start nothing."""

from django.conf import settings
from django.db.backends.postgresql import base

from . import server

_socket_dir: str | None = None


def _socket_dir_for_this_process(*, recheck: bool = False) -> str:
    global _socket_dir
    if _socket_dir is None or recheck:
        running = server.ensure_running(settings.EMBEDDED_POSTGRES_DIR)
        server.ensure_database(running, settings.EMBEDDED_POSTGRES_DATABASE)
        _socket_dir = str(running.socket_dir)
    return _socket_dir


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params["host"] = _socket_dir_for_this_process()
        return params

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError:
            # Stopped under us (`make stop` while runserver was up): start it again once.
            conn_params["host"] = _socket_dir_for_this_process(recheck=True)
            return super().get_new_connection(conn_params)
