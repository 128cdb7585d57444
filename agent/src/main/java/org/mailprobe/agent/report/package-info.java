/**
 * The monthly SLA report (Markdown, HTML, JSON) from the journal, and its cross-check against
 * Prometheus. Imports only {@code journal} (and Apache Commons Statistics, for the exact bounds of
 * clause 6's rates).
 */
@NullMarked
package org.mailprobe.agent.report;

import org.jspecify.annotations.NullMarked;

