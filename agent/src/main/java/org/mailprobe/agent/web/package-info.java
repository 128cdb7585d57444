/**
 * The agent's HTTP endpoint: {@code /metrics} streamed and gzip-compressed, health, and the sink feed,
 * with TLS and basic authentication from the web config. Imports only {@code config}.
 */
@NullMarked
package org.mailprobe.agent.web;

import org.jspecify.annotations.NullMarked;

