"""The summary shown before the end choices (write, change a section, save the answers, quit): what will be built, in a few rows."""

from __future__ import annotations

from tfgen import fargate
from tfgen.answers.model import Answers, Service
from tfgen.wizard.words import plural


def summary_rows(a: Answers) -> list[tuple[str, str]]:
    rows = [("Stack", f"{a.prefix} in {a.region}")]
    if a.tags:
        rows.append(("Tags", ", ".join(f"{k}={v}" for k, v in a.tags.items())))
    if a.launch_type == "fargate":
        rows.append(("Compute", "Fargate (AWS runs the tasks)"))
    else:
        e = a.ec2
        ami = e.ami_id or "latest ECS-optimized AL2023"
        rows.append(("Compute", f"EC2 {e.instance_type} x {e.min_size}-{e.max_size} (start {e.desired_capacity}), AMI {ami}"))
        if e.reason:
            rows.append(("Why EC2", e.reason))
    rows.append(("Storage", "shared EFS file system" if a.efs.enabled else "none shared (task storage only)"))
    for s in a.services:
        rows.append((f"Service {s.name}", _service(a, s)))
    rows.append(("Traffic", _traffic(a)))
    n = a.network
    if n.create_vpc:
        nat = "one NAT gateway" if n.single_nat_gateway else "a NAT gateway per AZ"
        rows.append(("Network", f"new VPC {n.vpc_cidr} across {', '.join(n.azs or [])}, {nat}"))
    else:
        public = f", public {', '.join(n.public_subnet_ids)}" if n.public_subnet_ids else ""
        rows.append(("Network", f"existing {n.vpc_id}: private {', '.join(n.private_subnet_ids)}{public}"))
    st = a.state
    rows.append(("State", f"s3://{st.bucket}/{st.key} in {st.region or a.region}" if st.backend == "s3" else "local terraform.tfstate"))
    return rows


def _traffic(a: Answers) -> str:
    """The load balancers the kinds call for."""
    lb = a.load_balancer
    facing = "internal" if lb.internal else "internet-facing"
    found = []
    if a.of_kind("web"):
        found.append(f"ALB, {facing}, " + ("HTTPS on 443, 80 redirects" if lb.certificate_arn else "HTTP on 80"))
    if a.of_kind("nlb"):
        found.append(f"NLB, {facing}, " + ("TLS" if lb.certificate_arn else "TCP") + (", PrivateLink endpoint service" if lb.privatelink else ""))
    if a.internal_alb_services:
        found.append("internal ALB for " + ", ".join(s.name for s in a.internal_alb_services))
    if a.uses_service_connect:
        found.append("Service Connect to " + ", ".join(s.name for s in a.connect_servers))
    return "; ".join(found) or "no load balancer"


def _service(a: Answers, s: Service) -> str:
    size = fargate.describe_pair(s.cpu, s.memory) if a.launch_type == "fargate" else f"{s.cpu} CPU units / {s.memory} MiB"
    parts = [s.kind or "", s.image or "built by the pipeline", size]
    if s.is_job:
        timezone = "" if s.timezone == "UTC" else f" ({s.timezone})"
        parts.append(f"runs {s.schedule}{timezone}, {plural(s.retries, 'retry')}")
    else:
        count = plural(s.desired_count, "task")
        if s.autoscaling and s.autoscaling.backlog_per_task:
            count += f" (scaling {s.autoscaling.min}-{s.autoscaling.max} at {plural(s.autoscaling.backlog_per_task, 'message')} waiting per task)"
        elif s.autoscaling:
            count += f" (scaling {s.autoscaling.min}-{s.autoscaling.max} at {s.autoscaling.cpu_target}% CPU)"
        parts.append(count)
    if s.kind in ("web", "nlb", "backend"):
        parts.insert(2, f"port {s.port}")
    if s.platform != "linux/amd64":
        parts.append(s.platform)
    if s.kind == "web":
        parts.append(f"on {s.path_pattern}")
    elif s.kind == "nlb":
        parts.append("on the NLB")
    if s.connect:
        parts.append(f"called at http://{s.name}:{s.port}")
    if s.internal_path:
        parts.append(f"on {s.internal_path} of the internal ALB")
    if s.queue:
        queue = f"SQS queue ({s.queue.processing_time_seconds} s per message)"
        if s.queue.subscribe:
            queue += " fed by " + ", ".join(f"{sub.service}'s {sub.topic}" for sub in s.queue.subscribe)
        parts.append(queue)
    if s.publish:
        parts.append("publishes " + ", ".join(s.topic_names()))
    if s.spot:
        parts.append(f"Fargate Spot: {plural(s.spot.base, 'task')} on demand, then {s.spot.share}% on Spot")
    if s.exec:
        parts.append("ECS Exec")
    if s.command:
        parts.append("command " + " ".join(s.command))
    if s.sidecars:
        parts.append("sidecars " + ", ".join(c.name + (f" (port {c.port})" if c.port else "") for c in s.sidecars))
    if s.target:
        parts.append(f"traffic to {s.target}")
    if s.efs_mount:
        parts.append(f"EFS at {s.efs_mount}" + (" (read-only)" if s.efs_read_only else ""))
    grants = [f"s3:{g.name} ({g.access})" for g in s.permissions.s3_buckets]
    grants += [f"dynamodb:{g.name} ({g.access})" for g in s.permissions.dynamodb_tables]
    if grants:
        parts.append("role: " + ", ".join(grants))
    if s.environment:
        parts.append("environment " + ", ".join(s.environment))
    if s.secrets:
        parts.append("secrets " + ", ".join(s.secrets))
    return ", ".join(parts)
