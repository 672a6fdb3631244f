"""`tfgen plan DIR`: run terraform init, plan and show in DIR, then analyse the plan."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import nullcontext
from pathlib import Path

import click

from tfgen.commands.check import emit, policy_for, report_options


@click.command("plan", context_settings={"ignore_unknown_options": False})
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("terraform_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- TERRAFORM PLAN ARGS...]")
@click.option("--plugin-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), help="Install providers only from this folder (terraform init -plugin-dir), for air-gapped machines.")
@click.option("--keep-plan", type=click.Path(dir_okay=False, path_type=Path), help="Keep the binary plan at FILE (for `terraform apply FILE`); its JSON is kept beside it as FILE.json.")
@click.option("--terraform", "terraform_bin", default="terraform", show_default=True, help="The terraform binary to run.")
@click.option("--offline", is_flag=True, help="Plan without an AWS account: local backend, placeholder credentials, the provider's skip settings and -refresh=false, through a temporary override file that is removed afterwards.")
@report_options
def plan_command(directory, terraform_args, plugin_dir, keep_plan, terraform_bin, offline, fmt, output, fail_on, skip, only, var_files, show_unknown, show_suppressed, color, no_cache) -> int:
    """Plan DIR with terraform and report what the change does.

    Runs `terraform init`, `terraform plan -out` and `terraform show -json` in DIR (with the
    --var-file files, and any arguments after `--` passed to `terraform plan`), then reports,
    in this order: data at risk (EFS file systems, mount targets, access points deleted or
    replaced), downtime and address changes (services or load balancers replaced, task roles
    removed), the changes by resource type, and conformance with the guidance on the planned
    values. Terraform's own errors are shown as it printed them.

    With --offline no AWS account is needed (previews in CI without credentials): a temporary
    `*_override.tf` file gives a local backend, placeholder credentials and the provider's skip
    settings, the plan runs with -refresh=false, and the file is removed afterwards, also on
    failure or Ctrl-C. Data sources that must ask AWS still need an account.

    \b
    Example:  tfgen plan infra/prod --var-file prod.tfvars -- -refresh=false
              tfgen plan infra/prod --offline
    Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
                2 terraform failed or the input could not be read.
    """
    import json

    from tfgen.check import cache
    from tfgen.plan.analyze import analyze_document
    from tfgen.terraform import Terraform
    from tfgen.terraform.offline import offline_override
    from tfgen.terraform.progress import progress

    if not directory.is_dir() or not cache.tf_files(directory):
        from tfgen.check.runner import no_terraform

        raise no_terraform(directory, "tfgen plan runs terraform in the folder itself, not in its subfolders")
    cache.configure(enabled=not no_cache)
    var_files = [str(Path(v).resolve()) for v in var_files]
    for var_file in var_files:
        if not Path(var_file).is_file():
            raise click.UsageError(f"--var-file {var_file}: no such file")
    terraform = Terraform(directory, binary=terraform_bin)
    scratch = Path(tempfile.mkdtemp(prefix="tfgen-plan-"))
    try:
        binary_plan = scratch / "tfplan"
        with offline_override(directory, scratch) if offline else nullcontext({}) as env:
            terraform.env.update(env)
            with progress(f"terraform init in {directory}"):
                terraform.init(plugin_dir=plugin_dir.resolve() if plugin_dir else None)
            refresh = ["-refresh=false"] if offline else []
            with progress("terraform plan" + (" (offline)" if offline else "")):
                terraform.plan(str(binary_plan), *refresh, *(f"-var-file={v}" for v in var_files), *terraform_args)
            with progress("terraform show -json"):
                document = terraform.show_json(str(binary_plan))
        policy = policy_for([str(directory)], only, skip)
        report = analyze_document(document, f"plan of {directory}", [str(directory)], policy, var_files)
        if keep_plan:
            keep_plan.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(binary_plan, keep_plan)
            keep_plan.with_name(keep_plan.name + ".json").write_text(json.dumps(document))
            click.echo(f"plan kept at {keep_plan} (JSON: {keep_plan}.json)", err=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return emit(report, fmt, output, fail_on, show_unknown, show_suppressed, color)
