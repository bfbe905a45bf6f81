"""One DAG per valid entry of sources.yaml (`wirelake_<name>`): crawl >> extract >> publish >> validate.

Schedules, windows, pools, retries and credentials: pipeline/orchestration/.
An entry with a problem gets no DAG, but the others keep theirs: a typo in one source must
not stop every crawl (Airflow marks DAGs missing from a parse stale, and stops scheduling
them). wirelake_registry.py reports the problems as its import error.
"""

from pipeline.orchestration.source_dags import crawl_task, extract_task, publish_task, source_dag, validate_task
from pipeline.sources import check_sources

for source in check_sources()[0].values():
    with source_dag(source) as dag:
        crawl_task(source) >> extract_task(source) >> publish_task(source) >> validate_task(source)
    globals()[dag.dag_id] = dag
