"""The registry's problems, as this file's Airflow DAG import error: one line per problem,
naming the file, the source and the field. It defines no DAG; wirelake_sources.py builds the
DAGs of the valid sources, so ops see what to fix while the other sources keep crawling.

(Airflow's safe mode parses only files that mention both "airflow" and "dag": this docstring does.)
"""

from pipeline.sources import SourcesError, check_sources

if problems := check_sources()[1]:
    raise SourcesError(problems)
