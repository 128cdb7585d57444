/**
 * The agent program's entry point ({@code Main}) and its logging set-up. Imports {@code cli},
 * {@code runtime} and {@code web}; nothing imports it.
 */
@NullMarked
package org.mailprobe.agent;

import org.jspecify.annotations.NullMarked;

