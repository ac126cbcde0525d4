"""datapackage.json (Frictionless Tabular Data Package) from ``schema`` and the templates.

Each CSV is a resource with its fields (type, Chinese title, English description), primary
key, size and SHA-256. The facts resource lists the allowed tables, rows, columns and
statuses from the template data, and the package carries the templates' labels and identities.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..schema import RESOURCES
from ..templates import TABLE_KEYS, TEMPLATES
from .sqlite import REPORT_CHILDREN

# the reports are public government information (政府信息公开); the tool that read them is MIT
LICENSES = [{"name": "other-pd", "title": "Public government information published under the Regulations on the "
             "Disclosure of Government Information (中华人民共和国政府信息公开条例); cite the issuing agency",
             "path": "https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm"}]

STATUSES = {
    "facts": ["ok", "blank", "dash", "inferred", "ambiguous", "invalid", "missing"],
    "checks": ["pass", "fail", "unknown", "warn"],
    "reports": ["ok", "partial", "failed"],
}


# schema field types as Table Schema types (a decimal is a number written exactly)
FRICTIONLESS = {"string": "string", "integer": "integer", "decimal": "number", "number": "number", "boolean": "boolean"}


def _enums() -> dict[str, list[str]]:
    rows, cols = [], []
    for t in TEMPLATES.values():
        for table in t.tables.values():
            for block in table.blocks:
                rows += [r.key for r in block.rows]
                cols += [c.key for c in block.columns]
        for variants in t.variant_rows.values():
            rows += [r.key for r in variants]
    return {"table": list(TABLE_KEYS), "row": sorted(set(rows)), "column": sorted(set(cols))}


def templates_description() -> dict:
    out = {}
    for key, t in TEMPLATES.items():
        out[key] = {
            "name": t.name, "notice": t.notice,
            "tables": {tk: {"title": spec.title, "blocks": [
                {"caption": b.caption, "rows": {r.key: r.label for r in b.rows},
                 "columns": {c.key: c.label + (f" ({c.unit})" if c.unit else "") for c in b.columns}}
                for b in spec.blocks]} for tk, spec in t.tables.items()},
            "identities": sorted({i.description for i in t.identities}),
        }
    return out


def _hashed(path: Path) -> tuple[int, str]:
    h, size = hashlib.sha256(), 0
    if path.exists():
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    return size, "sha256:" + h.hexdigest()


def created_at() -> datetime:
    """When the outputs were made: UTC now, or SOURCE_DATE_EPOCH when set (reproducible builds:
    the same inputs then give the same bytes, datapackage.json and panel.dta included)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)


def _now() -> str:
    return created_at().strftime("%Y-%m-%dT%H:%M:%SZ")


def package(out: Path, hashes: dict[str, tuple[int, str]] | None = None, created: str | None = None) -> dict:
    """``hashes``: table name → (bytes, hash) of its CSV when the writer hashed it as it wrote."""
    from .stata import stata_names

    enums = _enums()
    stata = stata_names()
    resources = []
    hashes = hashes or {}
    for r in RESOURCES:
        size, digest = hashes.get(r.name) or _hashed(out / f"{r.name}.csv")
        fields = []
        for f in r.fields:
            field = {"name": f.name, "type": FRICTIONLESS[f.type], "title": f.zh, "description": f.en}
            if r.name == "facts" and f.name in enums:
                field["constraints"] = {"enum": enums[f.name]}
            if f.name == "status" and r.name in STATUSES:
                field["constraints"] = {"enum": STATUSES[r.name]}
            if r.name == "panel":
                field["x-stata-name"] = stata[f.name]  # the variable's name in panel.dta
            fields.append(field)
        schema = {"fields": fields, "missingValues": [""]}
        if r.primary_key:
            schema["primaryKey"] = list(r.primary_key)
        if r.name in REPORT_CHILDREN:
            schema["foreignKeys"] = [{"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}]
        resources.append({
            "name": r.name, "title": r.zh, "description": r.en, "path": f"{r.name}.csv",
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": size, "hash": digest, "schema": schema,
            "x-parquet": f"{r.name}.parquet",
        })
    return {
        "profile": "tabular-data-package",
        "name": "gov-info-disclosure-annual-reports",
        "title": "政府信息公开工作年度报告 — statistical tables, checks and sections",
        "description": "Cells of the three statistical tables of China's government information disclosure annual "
                       "reports, in canonical keys, with accounting-identity checks, section texts and errors.",
        "created": created or _now(),
        "licenses": LICENSES,
        "sources": [{"title": "政府信息公开工作年度报告 published by Chinese administrative agencies, read from the files "
                              "named in reports.source_path",
                     "path": "https://www.gov.cn/zhengce/content/2019-12/06/content_5459143.htm"}],
        "x-generator": f"extract {__version__}",
        "x-files": {"reports.duckdb": "the tables and views for DuckDB", "reports.sqlite": "the tables for SQLite and "
                    "Datasette (extract serve)", "panel.dta": "the panel for Stata 14+ (format 118)"},
        "resources": resources,
        "x-templates": templates_description(),
    }


def write_datapackage(out: Path, path: Path, hashes: dict[str, tuple[int, str]] | None = None) -> None:
    path.write_text(json.dumps(package(out, hashes), ensure_ascii=False, indent=2), encoding="utf-8")
