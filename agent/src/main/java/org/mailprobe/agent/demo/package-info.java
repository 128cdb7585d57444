/**
 * The {@code demo}: an in-process GreenMail standing in as the provider, so the agent runs with no mail
 * server. Imports {@code config} and the probes library's vocabulary.
 */
@NullMarked
package org.mailprobe.agent.demo;

import org.jspecify.annotations.NullMarked;

