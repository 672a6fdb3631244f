# NFS open to the whole internet on the mount target.
resource "aws_efs_file_system" "shared" {
  encrypted = true
}

resource "aws_security_group" "efs" {
  name   = "efs"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group_rule" "nfs" { # <- TFG406
  type              = "ingress"
  security_group_id = aws_security_group.efs.id
  protocol          = "tcp"
  from_port         = 2049
  to_port           = 2049
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_efs_mount_target" "a" {
  file_system_id  = aws_efs_file_system.shared.id
  subnet_id       = "subnet-aaaa1111"
  security_groups = [aws_security_group.efs.id]
}
