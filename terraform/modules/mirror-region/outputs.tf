output "region" {
  description = "The region the nodes run in (the provider's)."
  value       = local.region
}

output "instance_ids" {
  description = "The nodes' instance ids, which are also their node ids in DNS."
  value       = aws_instance.node[*].id
}

output "nodes" {
  description = "The nodes in the shape the dns module's `nodes` takes, by <region>/<slot>: id (the instance id), region, public ipv4, first ipv6 (null when absent)."
  value = {
    for slot, i in aws_instance.node : "${local.region}/${slot}" => {
      id     = i.id
      region = local.region
      ipv4   = i.public_ip == "" ? null : i.public_ip
      ipv6   = try(i.ipv6_addresses[0], null)
    }
  }
}

output "launch_template_id" {
  description = "The launch template of the nodes."
  value       = aws_launch_template.node.id
}

output "security_group_id" {
  description = "The security group that opens the HTTPS port."
  value       = aws_security_group.node.id
}

output "instance_profile_name" {
  description = "The instance profile that may read the TLS pair; usable as the fleet file's launch.instanceProfile."
  value       = aws_iam_instance_profile.node.name
}

output "user_data" {
  description = "The rendered cloud-config, identical to what `metamirror region add` gives the same node settings."
  value       = local.user_data
}
