/**
 * The running agent: routes, the scheduler that sends probes on time, the watchers per mailbox, the
 * sink, in-flight probes and their outcomes (metrics, journal, log), and the by-hand one-shot probe.
 * Imports {@code config}, {@code journal}, {@code metrics}, {@code reachability}, {@code web} and the
 * probes library's public face.
 */
@NullMarked
package org.mailprobe.agent.runtime;

import org.jspecify.annotations.NullMarked;

