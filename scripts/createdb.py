"""Create the PostgreSQL database of a DATABASE_URL if it is missing (UTF-8, C.UTF-8 ctype,
so that pg_trgm and the bigram search treat Chinese characters as word characters)."""

import sys
from urllib.parse import urlparse

import psycopg

url = urlparse(sys.argv[1])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        sys.exit(0)
    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
                 "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
    print(f"created database {name}")
