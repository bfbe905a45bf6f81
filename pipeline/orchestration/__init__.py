"""Airflow glue for the pipeline: DAGs per source, run windows, store credentials, pools.

The DAG files in dags/ import only this package, and this package only wires
pipeline.steps into Airflow; the steps themselves know nothing about Airflow.
"""
