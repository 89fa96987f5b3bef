"""DeploySphere SDK for Python.

``deploysphere_sdk.generated`` is generated from the API's OpenAPI document
(openapi-python-client); this module adds what the generator leaves out: problem+json
errors as an exception with ``code``, cursor pagination, directory upload (gzip tar, the
same ignore rules as the TypeScript SDK and the CLI) and the live build log (Socket.IO).
"""

from .client import DeploySphere, DeploySphereError, paginate
from .ignore_rules import NEVER_UPLOADED, list_source_files

__all__ = ["DeploySphere", "DeploySphereError", "paginate", "NEVER_UPLOADED", "list_source_files"]
