/**
 * Clause 2 in the agent: the scheduled reachability checks, the up/down/excluded/unknown state of each
 * service and the ledger that survives restarts. Imports {@code config}, {@code journal},
 * {@code metrics} and the probes library's {@code reachability}.
 */
@NullMarked
package org.mailprobe.agent.reachability;

import org.jspecify.annotations.NullMarked;

