"""Write the JSON Schemas of the --json documents (docs/schema/*.schema.json) from the models.

Run after changing a model that a --json document shows:  python docs/make_schemas.py
tests/test_contract.py checks that the committed schemas are current.
"""

from __future__ import annotations

from pathlib import Path

from nmt_referral.interop.schema import write_schemas

SCHEMAS = Path(__file__).parent / "schema"

if __name__ == "__main__":
    for path in write_schemas(SCHEMAS):
        print(path)
