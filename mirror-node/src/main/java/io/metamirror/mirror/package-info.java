/**
 * The mirror node: serves a store over HTTPS with fleet-consistent caching headers and origin
 * fallback on a local miss. Built by issue 4; this module holds only its package until then.
 */
package io.metamirror.mirror;
