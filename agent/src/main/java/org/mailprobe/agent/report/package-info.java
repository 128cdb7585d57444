/**
 * The monthly SLA report (Markdown, HTML, JSON) from the journal, and its cross-check against
 * Prometheus. Imports only {@code journal}.
 */
@NullMarked
package org.mailprobe.agent.report;

import org.jspecify.annotations.NullMarked;

