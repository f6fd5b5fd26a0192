# The fleet: the same values as the fleet file's `owner` and `node:` settings, so terraform-made
# nodes look exactly like the ones `metamirror region add` launches.

variable "fleet_owner" {
  description = "The fleet's owner (the fleet file's `owner`): the value of the metamirror:fleet tag that `metamirror fleet status` and `discover: ec2` look for."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{1,32}$", var.fleet_owner))
    error_message = "fleet_owner is 1-32 of [a-z0-9-], as the fleet file's owner."
  }
}

variable "generation" {
  description = "The metamirror:generation tag of the instances (1, 2, ...). Raise it to launch a new generation beside the old one; see the README on replacing a region."
  type        = number
  default     = 1

  validation {
    condition     = var.generation >= 1 && floor(var.generation) == var.generation
    error_message = "generation is a whole number from 1."
  }
}

variable "instance_count" {
  description = "How many mirror nodes to run in the region (the fleet file's launch.count)."
  type        = number
  default     = 2

  validation {
    condition     = var.instance_count >= 0 && var.instance_count <= 20 && floor(var.instance_count) == var.instance_count
    error_message = "instance_count is 0..20, as the fleet file's launch.count."
  }
}

variable "ami" {
  description = "The AMI of the nodes (launch.ami): a Debian or Ubuntu image with cloud-init."
  type        = string
}

variable "instance_type" {
  description = "The EC2 instance type of the nodes (launch.instanceType)."
  type        = string
  default     = "t3.small"
}

variable "vpc_id" {
  description = "The VPC of the security group, required when subnet_ids are in another VPC than the region's default one; null for the default VPC."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Subnets the nodes are spread over in turn, node i in subnet i mod n (launch.subnets); empty for the default VPC's."
  type        = list(string)
  default     = []
}

variable "ingress_ipv4_cidrs" {
  description = "IPv4 ranges allowed to reach the nodes' HTTPS port (clients and Route53's health checkers)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "ingress_ipv6_cidrs" {
  description = "IPv6 ranges allowed to reach the nodes' HTTPS port."
  type        = list(string)
  default     = ["::/0"]
}

variable "extra_security_group_ids" {
  description = "More security groups for the nodes (e.g. SSH from a bastion); the module's own group opens only the HTTPS port."
  type        = list(string)
  default     = []
}

variable "origin_url" {
  description = "The origin every node follows (node.origin; `origin:` of `mirror serve`)."
  type        = string

  validation {
    condition     = can(regex("^https?://[^\"'\\\\$%%{}\\s]+$", var.origin_url))
    error_message = "origin_url is an http(s) URL without quotes, $, %, braces or spaces (it is placed in the user-data as it is)."
  }
}

variable "port" {
  description = "The HTTPS port nodes listen on and the security group opens (node.port)."
  type        = number
  default     = 443

  validation {
    condition     = var.port >= 1 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "port is 1..65535."
  }
}

variable "artifact_url" {
  description = "URL of the metamirror .deb every node installs (node.artifact.url)."
  type        = string

  validation {
    condition     = can(regex("^https?://[^\"'\\\\$%%{}\\s]+$", var.artifact_url))
    error_message = "artifact_url is an http(s) URL without quotes, $, %, braces or spaces."
  }
}

variable "artifact_sha256" {
  description = "The .deb's sha256 (node.artifact.sha256); the boot stops when the download differs."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.artifact_sha256))
    error_message = "artifact_sha256 is 64 lowercase hex digits."
  }
}

variable "tls_cert_parameter" {
  description = "SSM Parameter Store name of the TLS certificate (PEM), read at boot (node.tls.certParameter)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]+$", var.tls_cert_parameter))
    error_message = "tls_cert_parameter is an SSM parameter name of [A-Za-z0-9_./-]."
  }
}

variable "tls_key_parameter" {
  description = "SSM Parameter Store name of the TLS private key (a SecureString), read at boot (node.tls.keyParameter). The key never enters the user-data or the terraform state."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]+$", var.tls_key_parameter))
    error_message = "tls_key_parameter is an SSM parameter name of [A-Za-z0-9_./-]."
  }
}

variable "kms_key_arn" {
  description = "The customer-managed KMS key that encrypts the key parameter, which the nodes may then decrypt; null for the AWS-managed aws/ssm key, which needs no grant."
  type        = string
  default     = null
}

variable "tags" {
  description = "More tags for every resource; the four metamirror: tags of the instances always win."
  type        = map(string)
  default     = {}
}
