"""Live Google Cloud projects -> the same inventory the Terraform GCP mapper builds
(google-cloud-functions, google-cloud-run, google-cloud-resource-manager; imported lazily).

Addresses are resource names (``projects/P/locations/L/functions/F``, a service account's
e-mail); locations are ``gcp://<project>/<location>/<service>/<name>`` (line 0). A refused or
failed API call is a ``CollectionGap`` on what it hid, never an aborted scan.
"""

from __future__ import annotations

from fnguard.collect.gcp._collect import (
    PERMISSIONS,
    GcpOptions,
    anonymous_credentials,
    collect_gcp,
    summary,
)

__all__ = ["PERMISSIONS", "GcpOptions", "anonymous_credentials", "collect_gcp", "summary"]
