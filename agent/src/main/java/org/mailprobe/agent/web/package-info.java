/**
 * The agent's HTTP endpoint: {@code /metrics} streamed and gzip-compressed, health, and the sink feed,
 * with TLS and basic authentication from the web config. Imports {@code config} and, of the probes
 * library, only {@code ServerTls} (the one PEM loader, shared with the sink).
 */
@NullMarked
package org.mailprobe.agent.web;

import org.jspecify.annotations.NullMarked;

