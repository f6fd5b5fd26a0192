# The DNS manager's fleet file, as variables: owner, zone, name, ttl, healthCheck and the nodes.

variable "owner" {
  description = "The fleet's owner (the fleet file's `owner`): in the TXT ownership records and the metamirror:owner tag of every health check."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{1,32}$", var.owner))
    error_message = "owner is 1-32 of [a-z0-9-], as the fleet file's owner."
  }
}

variable "zone_id" {
  description = "The Route53 hosted zone that holds `name` (the fleet file's zoneId)."
  type        = string
}

variable "name" {
  description = "The name clients resolve, inside the zone, e.g. repo.example.test (a trailing dot is allowed)."
  type        = string
}

variable "ttl" {
  description = "TTL of the node records and TXT records, 0..60 seconds: records behind health checks expire fast."
  type        = number
  default     = 60

  validation {
    condition     = var.ttl >= 0 && var.ttl <= 60
    error_message = "ttl is 0..60, as in the fleet file."
  }
}

variable "health_check" {
  description = "How Route53 checks each node (the fleet file's healthCheck): type HTTPS or HTTP, path, port, interval 10 or 30 s, failure_threshold 1..10."
  type = object({
    type              = optional(string, "HTTPS")
    path              = optional(string, "/.metamirror/health")
    port              = optional(number, 443)
    interval          = optional(number, 30)
    failure_threshold = optional(number, 3)
  })
  default = {}

  validation {
    condition = (
      contains(["HTTPS", "HTTP"], var.health_check.type)
      && contains([10, 30], var.health_check.interval)
      && var.health_check.failure_threshold >= 1
      && var.health_check.failure_threshold <= 10
    )
    error_message = "health_check: type HTTPS or HTTP, interval 10 or 30, failure_threshold 1..10."
  }
}

variable "nodes" {
  description = "The fleet's nodes by a key known before apply (the mirror-region modules' `nodes` outputs merged; keys <region>/<slot>): id (the node id in DNS, 1-63 of [A-Za-z0-9._-]), region, ipv4, ipv6."
  type = map(object({
    id     = string
    region = string
    ipv4   = optional(string)
    ipv6   = optional(string)
  }))

  validation {
    condition     = alltrue([for n in values(var.nodes) : can(regex("^[A-Za-z0-9._-]{1,63}$", n.id))])
    error_message = "every node id is 1-63 of [A-Za-z0-9._-], as the DNS manager's."
  }
}

variable "record_types" {
  description = "Which records every node gets: A (from its ipv4), AAAA (from its ipv6) or both. Fixed for the fleet rather than read from the addresses, which terraform only knows after apply; the health check uses the ipv4 when A is among them, else the ipv6."
  type        = set(string)
  default     = ["A"]

  validation {
    condition     = length(var.record_types) > 0 && alltrue([for t in var.record_types : contains(["A", "AAAA"], t)])
    error_message = "record_types is A, AAAA or both."
  }
}
