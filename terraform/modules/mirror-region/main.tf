# One region of mirror nodes: a launch template whose user-data is the fleet module's own template
# (user-data.yaml.tmpl beside this file, the one file both render), a security group that opens
# only the HTTPS port, an instance profile that may read only the TLS pair from SSM, and
# instance_count instances tagged as `metamirror region add` tags its own.

data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  region = data.aws_region.current.name
  prefix = "metamirror-${var.fleet_owner}-${local.region}"

  # Exactly the tags of the fleet module (Ec2Fleet): metamirror:fleet, :region, :generation, :role.
  fleet_tags = {
    "metamirror:fleet"      = var.fleet_owner
    "metamirror:region"     = local.region
    "metamirror:generation" = tostring(var.generation)
    "metamirror:role"       = "mirror"
  }
  instance_tags = merge(var.tags, local.fleet_tags)

  # The variables of the template, as UserDataTemplate.variables(node, region) names them.
  user_data = templatefile("${path.module}/user-data.yaml.tmpl", {
    origin_url         = var.node.origin_url
    port               = var.node.port
    region             = local.region
    artifact_url       = var.node.artifact_url
    artifact_sha256    = var.node.artifact_sha256
    tls_cert_parameter = var.node.tls_cert_parameter
    tls_key_parameter  = var.node.tls_key_parameter
  })

  parameter_arns = [
    for name in [var.node.tls_cert_parameter, var.node.tls_key_parameter] :
    "arn:${data.aws_partition.current.partition}:ssm:${local.region}:${data.aws_caller_identity.current.account_id}:parameter/${trimprefix(name, "/")}"
  ]
}

resource "aws_security_group" "node" {
  name_prefix = "${local.prefix}-"
  description = "metamirror mirror nodes: HTTPS in, anything out (package, origin, SSM)"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { "metamirror:fleet" = var.fleet_owner, "metamirror:region" = local.region })

  ingress {
    description      = "HTTPS from clients and Route53 health checkers"
    from_port        = var.node.port
    to_port          = var.node.port
    protocol         = "tcp"
    cidr_blocks      = var.ingress_ipv4_cidrs
    ipv6_cidr_blocks = var.ingress_ipv6_cidrs
  }

  egress {
    description      = "the package, the origin and the AWS APIs"
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "tls" {
  statement {
    sid       = "ReadTheTlsPair"
    actions   = ["ssm:GetParameter"]
    resources = local.parameter_arns
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "DecryptTheKeyParameter"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["ssm.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "node" {
  name_prefix        = "${substr(local.prefix, 0, 37)}-"
  description        = "metamirror mirror nodes of ${var.fleet_owner} in ${local.region}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "tls" {
  name   = "read-tls-pair"
  role   = aws_iam_role.node.id
  policy = data.aws_iam_policy_document.tls.json
}

resource "aws_iam_instance_profile" "node" {
  name_prefix = "${substr(local.prefix, 0, 37)}-"
  role        = aws_iam_role.node.name
  tags        = var.tags
}

resource "aws_launch_template" "node" {
  name_prefix            = "${local.prefix}-"
  description            = "metamirror mirror node, generation ${var.generation}"
  image_id               = var.ami
  instance_type          = var.instance_type
  user_data              = base64encode(local.user_data)
  vpc_security_group_ids = concat([aws_security_group.node.id], var.extra_security_group_ids)
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.node.arn
  }

  # IMDSv2 only: cloud-init and the AWS CLI of the boot script both speak it.
  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  tag_specifications {
    resource_type = "instance"
    tags          = local.instance_tags
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.instance_tags
  }

  tags = var.tags
}

resource "aws_instance" "node" {
  count = var.instance_count

  # Node i goes to subnet i mod n, as LaunchSettings.subnetFor(slot) spreads the CLI's launches.
  subnet_id = length(var.subnet_ids) == 0 ? null : var.subnet_ids[count.index % length(var.subnet_ids)]
  tags      = local.instance_tags

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  # A new launch template version (AMI, type, user-data, generation) replaces the instances, new
  # ones first; terraform does not wait until they are healthy and synced (README).
  lifecycle {
    create_before_destroy = true
    replace_triggered_by  = [aws_launch_template.node.latest_version]
  }
}
