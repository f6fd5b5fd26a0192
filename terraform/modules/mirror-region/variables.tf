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

variable "node" {
  description = "What every node runs, the fleet file's `node:` settings: origin_url (node.origin), port (node.port, also the port the security group opens), artifact_url and artifact_sha256 (node.artifact; the boot stops when the download's sha256 differs), tls_cert_parameter and tls_key_parameter (node.tls: SSM parameter names read at boot; the key, a SecureString, never enters the user-data or the terraform state)."
  type = object({
    origin_url         = string
    port               = optional(number, 443)
    artifact_url       = string
    artifact_sha256    = string
    tls_cert_parameter = string
    tls_key_parameter  = string
  })

  # Values are placed in the user-data as they are: the fleet file's checks, here.
  validation {
    condition = alltrue([
      for url in [var.node.origin_url, var.node.artifact_url] : can(regex("^https?://[^\"'\\\\$%%{}\\s]+$", url))
    ])
    error_message = "node.origin_url and node.artifact_url are http(s) URLs without quotes, $, %, braces or spaces."
  }

  validation {
    condition     = var.node.port >= 1 && var.node.port <= 65535 && floor(var.node.port) == var.node.port
    error_message = "node.port is 1..65535."
  }

  validation {
    condition     = can(regex("^[0-9a-f]{64}$", var.node.artifact_sha256))
    error_message = "node.artifact_sha256 is 64 lowercase hex digits."
  }

  validation {
    condition = alltrue([
      for name in [var.node.tls_cert_parameter, var.node.tls_key_parameter] : can(regex("^[A-Za-z0-9_./-]+$", name))
    ])
    error_message = "node.tls_cert_parameter and node.tls_key_parameter are SSM parameter names of [A-Za-z0-9_./-]."
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
