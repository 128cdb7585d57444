/**
 * The command line (picocli): {@code run}, {@code probe}, {@code demo}, {@code report},
 * {@code journal}, {@code check-config}, their options, exit codes and output formats (text, JSON,
 * Nagios). A one-shot command builds only what it needs. Imports {@code config}, {@code demo},
 * {@code journal}, {@code report}, {@code runtime} and {@code web}, and the probes library's public face.
 */
@NullMarked
package org.mailprobe.agent.cli;

import org.jspecify.annotations.NullMarked;

