"""tfgen: generate and check Terraform for Amazon ECS (Fargate or EC2, ALB/NLB, EFS, task roles)."""

__version__ = "0.1.0"
