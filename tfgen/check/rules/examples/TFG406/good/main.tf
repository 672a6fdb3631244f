# NFS only from the tasks' security group.
resource "aws_efs_file_system" "shared" {
  encrypted = true
}

resource "aws_security_group" "tasks" {
  name   = "cms-tasks"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_security_group" "efs" {
  name   = "efs"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port       = 2049
    to_port         = 2049
    protocol        = "tcp"
    security_groups = [aws_security_group.tasks.id]
  }
}

resource "aws_efs_mount_target" "a" {
  file_system_id  = aws_efs_file_system.shared.id
  subnet_id       = "subnet-aaaa1111"
  security_groups = [aws_security_group.efs.id]
}
