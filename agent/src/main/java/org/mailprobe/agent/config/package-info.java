/**
 * The configuration: immutable records read from YAML, validated once at load, with every default in
 * {@code Defaults}; a mistake names the file, the key and what is wrong ({@code ConfigException}).
 * Imports only the probes library's public face (the settings records it builds).
 */
@NullMarked
package org.mailprobe.agent.config;

import org.jspecify.annotations.NullMarked;

