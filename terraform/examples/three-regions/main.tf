# A fleet of three regions: mirror nodes in each, and DNS in front of them. Fill in the locals
# (and the AMIs), then `terraform init && terraform apply`. With this example terraform owns the
# fleet's DNS: do not run `metamirror dns apply|watch` for the same name (see the dns module's
# README).

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 6.0"
    }
  }
}

locals {
  owner   = "demo"
  zone_id = "Z0123456789ABC"
  name    = "repo.example.test"

  # The fleet file's node: settings, the same for every region.
  node = {
    origin_url         = "https://origin.example.test"
    artifact_url       = "https://dl.example.test/metamirror_0.1.0_all.deb"
    artifact_sha256    = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    tls_cert_parameter = "/metamirror/demo/tls-cert"
    tls_key_parameter  = "/metamirror/demo/tls-key"
  }
}

provider "aws" {
  alias  = "eu_west_1"
  region = "eu-west-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

provider "aws" {
  alias  = "ap_southeast_1"
  region = "ap-southeast-1"
}

module "eu_west_1" {
  source    = "../../modules/mirror-region"
  providers = { aws = aws.eu_west_1 }

  fleet_owner    = local.owner
  ami            = "ami-0123456789abcdef0"
  instance_count = 2
  node           = local.node
}

module "us_east_1" {
  source    = "../../modules/mirror-region"
  providers = { aws = aws.us_east_1 }

  fleet_owner    = local.owner
  ami            = "ami-0fedcba9876543210"
  instance_count = 2
  node           = local.node
}

module "ap_southeast_1" {
  source    = "../../modules/mirror-region"
  providers = { aws = aws.ap_southeast_1 }

  fleet_owner    = local.owner
  ami            = "ami-0a1b2c3d4e5f60718"
  instance_count = 2
  node           = local.node
}

# Route53 is global: any provider will do.
module "dns" {
  source    = "../../modules/dns"
  providers = { aws = aws.us_east_1 }

  owner   = local.owner
  zone_id = local.zone_id
  name    = local.name
  nodes   = merge(module.eu_west_1.nodes, module.us_east_1.nodes, module.ap_southeast_1.nodes)
}

output "nodes" {
  description = "Every node of the fleet: id, region, addresses."
  value       = merge(module.eu_west_1.nodes, module.us_east_1.nodes, module.ap_southeast_1.nodes)
}

output "health_check_ids" {
  description = "The Route53 health check of each node, by <region>:<node id>."
  value       = module.dns.health_check_ids
}
