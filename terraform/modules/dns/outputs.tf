output "name" {
  description = "The name clients resolve (without the trailing dot)."
  value       = local.name
}

output "health_check_ids" {
  description = "The Route53 health check of each node, by the key of the node in `nodes`; `metamirror fleet drill` finds them by their tags."
  value       = { for key, check in aws_route53_health_check.node : key => check.id }
}

output "region_names" {
  description = "The per-region name of each region that has nodes, e.g. eu-west-1.repo.example.test."
  value       = { for r in local.regions : r => aws_route53_record.region_ownership[r].fqdn }
}

output "latency_record_fqdns" {
  description = "The latency alias records at the fleet's name, by <region>:<type>."
  value       = { for key, record in aws_route53_record.latency : key => record.fqdn }
}

output "ownership_record_fqdn" {
  description = "The TXT record that marks the fleet's name as the owner's; null without nodes."
  value       = one(aws_route53_record.ownership[*].fqdn)
}
