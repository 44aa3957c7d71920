"""`python -m tools.tfprovider`: serve the stand-in google and archive providers.

Prints one line, the TF_REATTACH_PROVIDERS JSON, then serves until SIGTERM/SIGINT or until
its parent process exits.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from typing import Any

from tools.tfprovider import archive, google_schema
from tools.tfprovider.server import StandInProvider, serve

PROJECT_NUMBER = "123456789012"

# Known values for the google data sources the configuration reads (others get
# type-shaped stand-ins: "stand-in-<name>", 0, false, empty collections).
GOOGLE_DATA = {
    "google_project": {"number": PROJECT_NUMBER},
    "google_storage_project_service_account": {
        "email_address": f"service-{PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
    },
}


def _read_archive(type_name: str, config: dict[str, Any]) -> dict[str, Any]:
    return archive.read_archive_file(config)


def main() -> int:
    providers = {
        "registry.terraform.io/hashicorp/google": StandInProvider(
            google_schema.load_schema(), placeholders=GOOGLE_DATA
        ),
        "registry.terraform.io/hashicorp/archive": StandInProvider(
            archive.provider_schema(), read_data=_read_archive
        ),
    }
    servers, reattach = serve(providers)
    print(json.dumps(reattach), flush=True)

    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    parent = os.getppid()
    while not done.wait(1.0):
        if os.getppid() != parent:  # orphaned: whoever started us is gone
            break
    for server in servers:
        server.stop(grace=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
