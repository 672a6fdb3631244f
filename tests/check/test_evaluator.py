"""Static evaluation: what is known becomes values, everything else an Unknown, nothing crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfgen.check.model import Computed, PartialJson, PartialString, Unknown
from tfgen.check.runner import discover, evaluate

FIXTURES = Path(__file__).parent / "fixtures"


def model_of(folder: Path, var_files=()):
    (root,) = [r for r in discover([str(folder)]) if r.directory.resolve() == folder.resolve()]
    return evaluate(root, list(var_files), [])


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def attrs(model, address):
    resource = model.get(address)
    assert resource is not None, f"{address} not in {[r.address for r in model.resources]}"
    return resource.attributes


def test_literals_variables_locals_and_references(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
variable "env" { default = "prod" }
variable "size" {}
locals {
  name = "app-${var.env}"
  tags = merge({ Env = var.env }, { Team = "core" })
}
resource "aws_iam_role" "task" {
  name = "${local.name}-task"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
}
resource "aws_ecs_task_definition" "this" {
  family        = local.name
  cpu           = var.size
  memory        = var.size == null ? 512 : 1024
  task_role_arn = aws_iam_role.task.arn
  tags          = local.tags
  role_name     = aws_iam_role.task.name
}
'''}))
    task = attrs(model, "aws_ecs_task_definition.this")
    assert task["family"] == "app-prod"
    assert isinstance(task["cpu"], Unknown) and "var.size" in task["cpu"].reason
    assert isinstance(task["memory"], Unknown)
    assert task["task_role_arn"] == Computed(task["task_role_arn"].reason, address="aws_iam_role.task", attribute="arn")
    assert model.resolve(task["task_role_arn"], "aws_iam_role") is model.get("aws_iam_role.task")
    assert task["role_name"] == "app-prod-task"
    assert model.resolve(task["role_name"], "aws_iam_role") is model.get("aws_iam_role.task")
    assert task["tags"] == {"Env": "prod", "Team": "core"}
    trust = json.loads(attrs(model, "aws_iam_role.task")["assume_role_policy"])
    assert trust["Statement"][0]["Principal"]["Service"] == "ecs-tasks.amazonaws.com"


def test_jsonencode_with_unknowns_keeps_structure(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
variable "image" {}
resource "aws_ecs_task_definition" "this" {
  family = "x"
  container_definitions = jsonencode([{ name = "x", image = var.image, environment = [{ name = "A", value = "1" }] }])
}
'''}))
    value = attrs(model, "aws_ecs_task_definition.this")["container_definitions"]
    assert isinstance(value, PartialJson)
    assert value.data[0]["environment"] == [{"name": "A", "value": "1"}]
    assert isinstance(value.data[0]["image"], Unknown)


def test_policy_document_data_source(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
data "aws_iam_policy_document" "doc" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111122223333"]
    }
  }
  statement {
    effect  = "Deny"
    actions = ["s3:DeleteObject"]
    not_resources = ["arn:aws:s3:::keep/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.doc.json
}
'''}))
    doc = json.loads(attrs(model, "aws_iam_policy.p")["policy"])
    first, second = doc["Statement"]
    assert first == {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"],
                     "Condition": {"StringEquals": {"aws:SourceAccount": ["111122223333"]}}}
    assert second["Effect"] == "Deny" and second["Principal"] == {"AWS": ["*"]} and "NotResource" in second


def test_count_for_each_and_unknown_expansion(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
variable "subnets" { default = ["subnet-a", "subnet-b"] }
variable "zones" {}
resource "aws_efs_mount_target" "counted" {
  count     = length(var.subnets)
  subnet_id = var.subnets[count.index]
}
resource "aws_efs_mount_target" "each" {
  for_each  = toset(var.subnets)
  subnet_id = each.key
}
resource "aws_efs_mount_target" "unknown" {
  for_each  = var.zones
  subnet_id = each.value
}
resource "aws_efs_mount_target" "none" {
  count     = 0
  subnet_id = "x"
}
'''}))
    addresses = [r.address for r in model.resources]
    assert addresses == [
        "aws_efs_mount_target.counted[0]", "aws_efs_mount_target.counted[1]",
        'aws_efs_mount_target.each["subnet-a"]', 'aws_efs_mount_target.each["subnet-b"]',
        "aws_efs_mount_target.unknown[*]",
    ]
    assert attrs(model, "aws_efs_mount_target.counted[1]")["subnet_id"] == "subnet-b"
    placeholder = model.get("aws_efs_mount_target.unknown[*]")
    assert placeholder.instances_known is False and isinstance(placeholder.attributes["subnet_id"], Unknown)


def test_dynamic_blocks_expand_when_known(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
variable "volumes" { default = { data = "fs-1", logs = "fs-2" } }
variable "more" {}
resource "aws_ecs_task_definition" "known" {
  family = "k"
  dynamic "volume" {
    for_each = var.volumes
    iterator = vol
    content {
      name = vol.key
      efs_volume_configuration {
        file_system_id = vol.value
      }
    }
  }
}
resource "aws_ecs_task_definition" "unknown" {
  family = "u"
  volume {
    name = "static"
  }
  dynamic "volume" {
    for_each = var.more
    content {
      name = volume.value
    }
  }
}
'''}))
    volumes = attrs(model, "aws_ecs_task_definition.known")["volume"]
    assert volumes == [
        {"name": "data", "efs_volume_configuration": [{"file_system_id": "fs-1"}]},
        {"name": "logs", "efs_volume_configuration": [{"file_system_id": "fs-2"}]},
    ]
    assert isinstance(attrs(model, "aws_ecs_task_definition.unknown")["volume"], Unknown)


def test_try_optional_and_conditionals(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
variable "svc" {
  type = object({ cpu = optional(number, 256), tags = optional(map(string)), nested = optional(object({ on = optional(bool, true) }), {}) })
  default = {}
}
variable "unknown" {}
locals {
  a = try(var.svc.missing, "fallback")
  b = try(var.unknown.x, "fallback")
  c = can(var.svc.cpu)
  d = var.unknown ? "same" : "same"
  e = var.unknown != null ? 1 : 2
}
resource "aws_ecs_task_definition" "t" {
  family = "t"
  cpu    = var.svc.cpu
  tags   = var.svc.tags
  on     = var.svc.nested.on
  a      = local.a
  b      = local.b
  c      = local.c
  d      = local.d
  e      = local.e
}
'''}))
    task = attrs(model, "aws_ecs_task_definition.t")
    assert (task["cpu"], task["tags"], task["on"]) == (256, None, True)
    assert task["a"] == "fallback"
    assert isinstance(task["b"], Unknown)
    assert task["c"] is True
    assert task["d"] == "same"
    assert isinstance(task["e"], Unknown)


def test_object_compared_with_null_is_known_even_with_unknown_attributes(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
resource "aws_efs_file_system" "fs" {}
locals { efs = { id = aws_efs_file_system.fs.id } }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  dynamic "volume" {
    for_each = local.efs == null ? [] : [local.efs]
    content {
      name = "data"
      efs_volume_configuration { file_system_id = volume.value.id }
    }
  }
}
'''}))
    (volume,) = attrs(model, "aws_ecs_task_definition.t")["volume"]
    config = volume["efs_volume_configuration"][0]
    assert model.resolve(config["file_system_id"], "aws_efs_file_system") is model.get("aws_efs_file_system.fs")


def test_a_reference_to_an_id_or_arn_is_never_null(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
resource "aws_lb_target_group" "tg" {}
variable "arn" { default = null }
locals { tg = aws_lb_target_group.tg.arn }
resource "aws_ecs_service" "s" {
  name = "s"
  dynamic "load_balancer" {
    for_each = local.tg == null ? [] : [local.tg]
    content { target_group_arn = load_balancer.value }
  }
  other = var.arn == null ? "none" : "some"
}
'''}))
    service = attrs(model, "aws_ecs_service.s")
    assert model.resolve(service["load_balancer"][0]["target_group_arn"], "aws_lb_target_group") is model.get("aws_lb_target_group.tg")
    assert service["other"] == "none"


def test_local_module_inputs_outputs_and_for_each(tmp_path):
    write(tmp_path, {
        "main.tf": '''
resource "aws_iam_role" "task" { name = "task" }
module "svc" {
  source   = "./modules/svc"
  for_each = { web = 256, api = 512 }
  name     = each.key
  cpu      = each.value
  role_arn = aws_iam_role.task.arn
}
resource "aws_ecs_service" "extra" {
  name            = "extra"
  task_definition = module.svc["api"].task_arn
}
''',
        "modules/svc/main.tf": '''
variable "name" {}
variable "cpu" {}
variable "role_arn" {}
resource "aws_ecs_task_definition" "this" {
  family        = var.name
  cpu           = var.cpu
  task_role_arn = var.role_arn
}
output "task_arn" { value = aws_ecs_task_definition.this.arn }
''',
    })
    model = model_of(tmp_path)
    api = model.get('module.svc["api"].aws_ecs_task_definition.this')
    assert api.attributes["cpu"] == 512 and api.module == 'module.svc["api"]'
    assert api.file.endswith("modules/svc/main.tf") and api.line == 5
    assert model.resolve(api.attributes["task_role_arn"], "aws_iam_role") is model.get("aws_iam_role.task")
    service = model.get("aws_ecs_service.extra")
    assert model.resolve(service.attributes["task_definition"], "aws_ecs_task_definition") is api


def test_registry_modules_read_from_terraform_init_or_unknown(tmp_path):
    write(tmp_path, {
        "main.tf": '''
module "fetched" {
  source  = "example/efs/aws"
  version = "1.0.0"
}
module "missing" {
  source = "example/other/aws"
}
resource "aws_ecs_task_definition" "t" {
  family = "t"
  fs     = module.fetched.id
  other  = module.missing.id
}
''',
        ".terraform/modules/modules.json": json.dumps({"Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "fetched", "Source": "registry.terraform.io/example/efs/aws", "Version": "1.0.0", "Dir": ".terraform/modules/fetched"},
        ]}),
        ".terraform/modules/fetched/main.tf": 'resource "aws_efs_file_system" "this" {}\noutput "id" { value = aws_efs_file_system.this.id }\n',
    })
    model = model_of(tmp_path)
    assert model.get("module.fetched.aws_efs_file_system.this") is not None
    task = attrs(model, "aws_ecs_task_definition.t")
    assert model.resolve(task["fs"], "aws_efs_file_system") is model.get("module.fetched.aws_efs_file_system.this")
    assert isinstance(task["other"], Unknown) and "terraform init" in task["other"].reason
    assert list(model.unknown_modules) == ["module.missing"]


def test_templatefile_and_heredoc_user_data(tmp_path):
    write(tmp_path, {
        "main.tf": '''
resource "aws_ecs_cluster" "c" { name = "shop" }
resource "aws_launch_template" "t" {
  user_data = base64encode(templatefile("${path.module}/user-data.sh", { cluster = aws_ecs_cluster.c.name, extra = ["a", "b"] }))
}
resource "aws_instance" "i" {
  user_data = <<-EOT
    #!/bin/bash
    echo ECS_CLUSTER=${aws_ecs_cluster.c.name} >> /etc/ecs/ecs.config
  EOT
}
''',
        "user-data.sh": "#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n%{ for e in extra ~}\necho ${e}\n%{ endfor ~}\n",
    })
    import base64

    model = model_of(tmp_path)
    text = base64.b64decode(attrs(model, "aws_launch_template.t")["user_data"]).decode()
    assert text == "#!/bin/bash\necho ECS_CLUSTER=shop >> /etc/ecs/ecs.config\necho a\necho b\n"
    assert attrs(model, "aws_instance.i")["user_data"] == "#!/bin/bash\necho ECS_CLUSTER=shop >> /etc/ecs/ecs.config\n"


def test_partial_strings_keep_their_known_text(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": '''
data "aws_partition" "current" {}
resource "aws_iam_role_policy_attachment" "a" {
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
}
'''}))
    arn = attrs(model, "aws_iam_role_policy_attachment.a")["policy_arn"]
    assert isinstance(arn, PartialString) and arn.pattern == "arn:*:iam::aws:policy/ReadOnlyAccess"


@pytest.mark.parametrize("expression", [
    'unknownfunc(1)', 'cidrsubnet("10.0.0.0/16", 8, 1)', '1 / 0', 'var.nope', 'local.nope',
    '[1, 2][5]', '{a = 1}.b', 'null.x', '"a" + 1', '!"x"', 'self.x', 'each.key', 'count.index',
    'aws_nope.x.y', 'module.nope.x', 'data.aws_nope.x.id', '[for x in 5 : x]', 'element([], 0)',
    'regex("(", "x")', 'jsondecode("{")', 'file("/no/such/file")', 'templatefile("missing.tftpl", {})',
])
def test_bad_expressions_become_unknown_not_errors(tmp_path, expression):
    model = model_of(write(tmp_path, {"main.tf": f'resource "aws_s3_bucket" "b" {{\n  bucket = {expression}\n}}\n'}))
    assert isinstance(attrs(model, "aws_s3_bucket.b")["bucket"], Unknown)


def test_self_referencing_locals_do_not_loop(tmp_path):
    model = model_of(write(tmp_path, {"main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_s3_bucket" "b" {\n  bucket = local.a\n}\n'}))
    assert isinstance(attrs(model, "aws_s3_bucket.b")["bucket"], Unknown)


def test_community_module_shapes_are_read(tmp_path):
    model = model_of(FIXTURES / "community")
    addresses = {r.address for r in model.resources}
    assert 'module.service["api"].aws_ecs_task_definition.this' in addresses
    assert 'aws_efs_mount_target.this["subnet-cccc3333"]' in addresses
    api = model.get('module.service["api"].aws_ecs_task_definition.this')
    web = model.get('module.service["web"].aws_ecs_task_definition.this')
    assert (api.attributes["cpu"], api.attributes["memory"], web.attributes["cpu"]) == (512, 1024, 256)
    assert len(api.attributes["volume"]) == 1 and web.attributes["volume"] == []
    definitions = json.loads(web.attributes["container_definitions"])
    assert definitions[0]["environment"] == [{"name": "NODE_ENV", "value": "production"}]
    assert definitions[0]["portMappings"][0]["containerPort"] == 3000
    assert model.get('module.service["web"].data.aws_iam_policy_document.efs[0]') is None
    assert model.get('module.service["api"].aws_iam_role_policy.efs[0]') is not None


def test_an_index_after_an_attribute_only_splat_applies_to_its_result(tmp_path):
    """`x.*.name[0]` is the first name (Terraform ends a `.*` splat at `[`); `.0` stays inside
    it, and `[*]` takes every step, as Terraform reads them."""
    model = model_of(write(tmp_path, {"main.tf": '''
locals {
  nets = [{ name = "a", ids = ["a1", "a2"] }, { name = "b", ids = ["b1", "b2"] }]
}
resource "aws_ecs_cluster" "c" {
  name    = local.nets.*.name[0]
  second  = local.nets.*.ids.1
  inner   = local.nets[*].ids[1]
  chained = local.nets.*.name[1]
}
'''}))
    cluster = attrs(model, "aws_ecs_cluster.c")
    assert cluster["name"] == "a"
    assert cluster["second"] == ["a2", "b2"]
    assert cluster["inner"] == ["a2", "b2"]
    assert cluster["chained"] == "b"
