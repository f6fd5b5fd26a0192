# The records and health checks the DNS manager writes (dns-manager DesiredState), for
# name = repo.example.test and a node eu1 of eu-west-1:
#
#   repo.example.test.            A    latency, set id eu-west-1, alias eu-west-1.repo.example.test. (evaluate target health)
#   repo.example.test.            TXT  "heritage=metamirror,metamirror/owner=OWNER"
#   eu-west-1.repo.example.test.  A    weighted 1, set id eu1, ttl, the node's ipv4, its health check
#   eu-west-1.repo.example.test.  TXT  "heritage=metamirror,metamirror/owner=OWNER"
#   health check eu-west-1:eu1    HTTPS ip:443/.metamirror/health, tags metamirror:owner/region/node, Name
#
# AAAA records (and AAAA aliases) with record_types AAAA. A region without nodes has no records.
# Either this module or `metamirror dns` owns these names, never both (see README.md).

locals {
  name = trimsuffix(var.name, ".")
  # The value of the TXT records that mark a name as the owner's (DesiredState.ownershipValue);
  # the provider adds the surrounding quotes.
  ownership = "heritage=metamirror,metamirror/owner=${var.owner}"

  regions = toset([for n in values(var.nodes) : n.region])
  v4      = contains(var.record_types, "A")

  # Every key here is known before apply (node keys, regions, record types), never an address.
  node_records = merge([
    for key, n in var.nodes : {
      for t in var.record_types : "${key}:${t}" => { node = key, type = t }
    }
  ]...)
  aliases = merge([
    for r in local.regions : {
      for t in var.record_types : "${r}:${t}" => { region = r, type = t }
    }
  ]...)
}

resource "aws_route53_health_check" "node" {
  for_each = var.nodes

  type              = var.health_check.type
  ip_address        = local.v4 ? each.value.ipv4 : each.value.ipv6
  port              = var.health_check.port
  resource_path     = var.health_check.path
  fqdn              = local.name
  request_interval  = var.health_check.interval
  failure_threshold = var.health_check.failure_threshold

  tags = {
    "metamirror:owner"  = var.owner
    "metamirror:region" = each.value.region
    "metamirror:node"   = each.value.id
    "Name"              = "metamirror ${var.owner} ${each.value.region} ${each.value.id}"
  }
}

resource "aws_route53_record" "node" {
  for_each = local.node_records

  zone_id         = var.zone_id
  name            = "${var.nodes[each.value.node].region}.${local.name}"
  type            = each.value.type
  set_identifier  = var.nodes[each.value.node].id
  ttl             = var.ttl
  records         = [each.value.type == "A" ? var.nodes[each.value.node].ipv4 : var.nodes[each.value.node].ipv6]
  health_check_id = aws_route53_health_check.node[each.value.node].id

  weighted_routing_policy {
    weight = 1
  }
}

resource "aws_route53_record" "region_ownership" {
  for_each = local.regions

  zone_id = var.zone_id
  name    = "${each.value}.${local.name}"
  type    = "TXT"
  ttl     = var.ttl
  records = [local.ownership]
}

resource "aws_route53_record" "latency" {
  for_each = local.aliases

  zone_id        = var.zone_id
  name           = local.name
  type           = each.value.type
  set_identifier = each.value.region

  latency_routing_policy {
    region = each.value.region
  }

  alias {
    name                   = "${each.value.region}.${local.name}"
    zone_id                = var.zone_id
    evaluate_target_health = true
  }

  # The alias follows the region's records: added after them, removed before them.
  depends_on = [aws_route53_record.node]
}

resource "aws_route53_record" "ownership" {
  count = length(var.nodes) > 0 ? 1 : 0

  zone_id = var.zone_id
  name    = local.name
  type    = "TXT"
  ttl     = var.ttl
  records = [local.ownership]
}
