"""Django's PostgreSQL backend, whose pool gets rid of every dead connection at once after a restart.

A PostgreSQL restart (or anything that ends the server's side of the connections) leaves every idle
connection in the pool dead. Unchecked, each one is handed out once and that request fails. Django's
CONN_HEALTH_CHECKS makes psycopg_pool check each one on checkout, but the pool waits 1 s, 2 s, 4 s...
between failed checks (psycopg#709): a request that meets four dead connections runs out of the pool's
10 s and fails anyway (tests/faults/test_postgres_drop.py). Here the checkout is checked the same way,
and the first dead one found makes the pool check all its idle connections at once (ConnectionPool.check(),
what psycopg's maintainers advise after a restart), so the request's second checkout is a live one.
"""
import psycopg
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.pool:
            return connection
        try:
            self.pool.check_connection(connection)  # one round trip, as CONN_HEALTH_CHECKS costs
        except psycopg.Error:
            self.pool.putconn(connection)  # broken: the pool discards it and opens another
            self.pool.check()
            connection = super().get_new_connection(conn_params)
        return connection
