# The orders database (PostgreSQL).

variable "db_password" {
  description = "Master password of the orders database."
  type        = string
  # Fake example value. It is still a secret written in the source, and through api.tf it ends
  # up in a Lambda environment variable in plain text.
  default   = "Orders-Pr0d-2024!x7Qm"
  sensitive = true
}

resource "aws_db_subnet_group" "orders" {
  name       = "${local.prefix}-db"
  subnet_ids = [aws_subnet.public_a.id, aws_subnet.public_b.id]
}

resource "aws_security_group" "db" {
  name        = "${local.prefix}-db"
  description = "orders database"
  vpc_id      = aws_vpc.main.id

  # "The API Lambda is not in the VPC, so the database has to be reachable from anywhere."
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "orders" {
  identifier             = "${local.prefix}-db"
  engine                 = "postgres"
  engine_version         = "16.4"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  db_name                = "orders"
  username               = "orders_app"
  password               = var.db_password
  db_subnet_group_name   = aws_db_subnet_group.orders.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = true
  skip_final_snapshot    = true
  tags                   = local.tags
}
