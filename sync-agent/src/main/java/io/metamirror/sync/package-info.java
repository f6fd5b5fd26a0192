/**
 * The sync agent: bootstraps a local store from the origin's snapshot and follows its feed,
 * fetching blobs in parallel and committing them in seq order. Built by issue 3; this module holds
 * only its package until then.
 */
package io.metamirror.sync;
