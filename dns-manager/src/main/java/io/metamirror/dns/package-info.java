/**
 * The DNS manager: plans and applies Route53 latency records and health checks for the fleet. Built
 * by issue 6; this module holds only its package until then.
 */
package io.metamirror.dns;
