"""The long tables also as Hive-partitioned Parquet by the report's year (``--partition year``).

``OUT/facts/year=2023/part-0.parquet`` (and ``checks/``, ``sections/``): the rows of
``facts.parquet`` with the year of their report, one folder per year, which DuckDB
(``read_parquet('OUT/facts/*/*.parquet', hive_partitioning = true)``), pandas
(``pd.read_parquet('OUT/facts')``) and Arrow read as one table with a ``year`` column. Rows of a
report without a year are only in the single files: Hive's null partition
(``year=__HIVE_DEFAULT_PARTITION__``) makes pandas fail ("Cannot yet unify dictionaries with nulls"). Written from the staged single files a batch at a time (the reports' ids and
years held, ~30 bytes a report), in the order of the rows, so the same inputs give the same files.
"""
from __future__ import annotations

import re
from pathlib import Path

from .names import PARTITION_FOLDERS as PARTITIONED  # the tables with many rows per report
KEYS = ("year",)
STEP = 65_536  # rows read at a time


_PART = re.compile(r"^part-\d+\.parquet$")


def is_partition_folder(path: Path) -> bool:
    """A folder as ``write_partitions`` leaves it: ``year=…`` folders of ``part-N.parquet`` files, nothing
    else (a folder of the user's that happens to be named ``facts`` is never moved or removed)."""
    try:
        if path.is_symlink() or not path.is_dir():
            return False
        for sub in path.iterdir():
            if sub.is_symlink() or not sub.is_dir() or "=" not in sub.name:
                return False
            if any(f.is_symlink() or not f.is_file() or not _PART.match(f.name) for f in sub.iterdir()):
                return False
    except OSError:
        return False
    return True


def write_partitions(staging: Path, key: str = "year") -> list[str]:
    """Write ``staging/<table>/<key>=<value>/part-N.parquet`` for each partitioned table; their names."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    reports = pq.read_table(staging / "reports.parquet", columns=["report_id", key])
    ids, values = reports.column("report_id").combine_chunks(), reports.column(key).combine_chunks()
    written = []
    for name in PARTITIONED:
        source = pq.ParquetFile(staging / f"{name}.parquet")
        schema = source.schema_arrow.append(pa.field(key, values.type))

        def batches(source=source):
            for batch in source.iter_batches(batch_size=STEP):
                at = pc.index_in(batch.column("report_id"), value_set=ids)
                batch = batch.append_column(key, pc.take(values, at))
                yield batch.filter(pc.is_valid(batch.column(key)))  # a report without a year: not here

        ds.write_dataset(batches(), staging / name, schema=schema, format="parquet", partitioning=[key],
                         partitioning_flavor="hive", basename_template="part-{i}.parquet", use_threads=False,
                         existing_data_behavior="error", max_rows_per_group=STEP, max_partitions=4096)
        written.append(name)
    return written
