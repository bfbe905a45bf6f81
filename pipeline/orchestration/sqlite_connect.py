"""Connection arguments for the local Airflow's SQLite database, named by
AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS (Airflow imports them by dotted path).

Standalone's scheduler, DAG processor, API server and task runners all write to one
SQLite file. Python's sqlite3 gives up on a held write lock after 5 seconds, and on a
busy laptop the scheduler's loop holds it longer: the API then answers 500 "Database
error" or 503 "Database is locked" to a backfill or a trigger. Waiting up to a minute
turns those into a short delay. Postgres deployments do not use this.
"""

CONNECT_ARGS = {"timeout": 60}
