"""One DAG per entry of sources.yaml (`wirelake_<name>`): crawl >> extract >> publish >> validate.

Schedules, windows, pools, retries and credentials: pipeline/orchestration/.
A broken sources.yaml fails this import with one line per problem (source and field),
which Airflow shows as the DAG import error.
"""

from pipeline.orchestration.source_dags import crawl_task, extract_task, publish_task, source_dag, validate_task
from pipeline.sources import load_sources

for source in load_sources().values():
    with source_dag(source) as dag:
        crawl_task(source) >> extract_task(source) >> publish_task(source) >> validate_task(source)
    globals()[dag.dag_id] = dag
