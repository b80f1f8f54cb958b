"""API pagination with bounded numbers: an offset beyond 64 bits reached the database and
failed there (500); now it is a 422 like any other invalid parameter."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

#: Largest id or offset the API accepts (PostgreSQL bigint).
MAX_INT = 2**63 - 1


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=MAX_INT)
