"""Command line of the ETL (see SPEC.md, "Command-line contract").

python -m etl extract [--articles] FILE...     JSON lines on standard output
python -m etl ingest [PATH...] [--db FILE]     load into DuckDB (default: sample corpus)
    [--engine process|ray] [--ray-address ADDR]  where the per-document work runs
    [--no-parquet]                               no Parquet dataset beside the database
python -m etl upload FILE... [--db] [--events] load files as the 导入 page does (by name)

The database is ``--db``, else ``$SHUANGYONG_DB``, else data/shuangyong.duckdb: the file the
dashboard reads (``db.location``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.errors import DatabaseError
from db.location import ENV_VAR, db_path
from etl.ingest import DEFAULT_CORPUS, Engine, extract_all, run_extract, run_ingest
from etl.uploads import run_upload

ENGINES = ("process", "ray")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print claims (or articles) as JSON lines")
    extract.add_argument("--articles", action="store_true", help="print articles, not claims")
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ingest = commands.add_parser("ingest", help="load reports into the DuckDB database")
    ingest.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help=f"files or folders ({DEFAULT_CORPUS})"
    )
    ingest.add_argument(
        "--db", type=Path, default=None, help=f"database (${ENV_VAR}, else {db_path({})})"
    )
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    ingest.add_argument(
        "--engine",
        choices=ENGINES,
        default="process",
        help="run the per-document work in worker processes here (default) or as Ray tasks",
    )
    ingest.add_argument(
        "--ray-address", default=None, help="a Ray cluster's address (default: a local Ray)"
    )
    ingest.add_argument(
        "--no-parquet", action="store_true", help="do not write the claims' Parquet dataset"
    )
    upload = commands.add_parser("upload", help="load files as the 导入 page does (by name)")
    upload.add_argument("files", nargs="+", type=Path, metavar="FILE")
    upload.add_argument("--db", type=Path, default=None, help="database (as for ingest)")
    upload.add_argument("--events", action="store_true", help="progress as JSON lines")
    return parser


def _engine(name: str, ray_address: str | None) -> Engine:
    if name == "ray":
        from etl.engines import RayEngine

        return RayEngine(address=ray_address)
    return extract_all


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "extract":
        return run_extract(args.files, args.articles, sys.stdout, sys.stderr)
    try:
        if args.command == "upload":
            return run_upload(args.files, args.db or db_path(), sys.stdout, events=args.events)
        if args.ray_address and args.engine != "ray":
            build_parser().error("--ray-address needs --engine ray")
        paths = args.paths or [DEFAULT_CORPUS]
        engine = _engine(args.engine, args.ray_address)
        return run_ingest(
            paths,
            args.db or db_path(),
            sys.stderr,
            progress=not args.no_progress,
            engine=engine,
            parquet=not args.no_parquet,
        )
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
