# The orders database: private, encrypted, its master password generated and rotated by RDS in
# Secrets Manager (never written in this configuration).

resource "aws_db_subnet_group" "orders" {
  name       = "${local.prefix}-db"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

resource "aws_security_group" "db" {
  name        = "${local.prefix}-db"
  description = "orders database"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "PostgreSQL from the functions"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.lambda.id]
  }
}

resource "aws_db_instance" "orders" {
  identifier                    = "${local.prefix}-db"
  engine                        = "postgres"
  engine_version                = "16.4"
  instance_class                = "db.t4g.micro"
  allocated_storage             = 20
  db_name                       = "orders"
  username                      = "orders_app"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.app.key_id
  db_subnet_group_name          = aws_db_subnet_group.orders.name
  vpc_security_group_ids        = [aws_security_group.db.id]
  publicly_accessible           = false
  storage_encrypted             = true
  kms_key_id                    = aws_kms_key.app.arn
  multi_az                      = true
  deletion_protection           = true
  backup_retention_period       = 7
  final_snapshot_identifier     = "${local.prefix}-db-final"
  tags                          = local.tags
}

# SEC001: secrets live in Secrets Manager; functions get their ARNs, never their values.
# The values are set out of band (console, CLI or the payment provider's rotation), so they are
# not in the Terraform state either.
resource "aws_secretsmanager_secret" "stripe" {
  name       = "${local.prefix}/stripe"
  kms_key_id = aws_kms_key.app.arn
  tags       = local.tags
}

resource "aws_secretsmanager_secret" "webhook_signing" {
  name       = "${local.prefix}/webhook-signing"
  kms_key_id = aws_kms_key.app.arn
  tags       = local.tags
}
