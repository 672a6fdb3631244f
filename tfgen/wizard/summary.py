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
    lb = a.load_balancer
    if lb.type == "none":
        rows.append(("Traffic", "no load balancer"))
    else:
        facing = "internal" if lb.internal else "internet-facing"
        if lb.type == "alb":
            proto = "HTTPS on 443, 80 redirects" if lb.certificate_arn else "HTTP on 80"
        else:
            proto = "TLS" if lb.certificate_arn else "TCP"
        extra = ", PrivateLink endpoint service" if lb.privatelink else ""
        rows.append(("Traffic", f"{lb.type.upper()}, {facing}, {proto}{extra}"))
    rows.append(("Storage", "shared EFS file system" if a.efs.enabled else "none shared (task storage only)"))
    for s in a.services:
        rows.append((f"Service {s.name}", _service(a, s)))
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


def _service(a: Answers, s: Service) -> str:
    size = fargate.describe_pair(s.cpu, s.memory) if a.launch_type == "fargate" else f"{s.cpu} CPU units / {s.memory} MiB"
    count = plural(s.desired_count, "task")
    if s.autoscaling:
        count += f" (scaling {s.autoscaling.min}-{s.autoscaling.max} at {s.autoscaling.cpu_target}% CPU)"
    parts = [s.image or "built by the pipeline", f"port {s.port}", size, count]
    if s.platform != "linux/amd64":
        parts.append(s.platform)
    if s.name in {e.name for e in a.exposed_services}:
        parts.append(f"on {s.path_pattern}" if a.load_balancer.type == "alb" else "on the NLB")
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
